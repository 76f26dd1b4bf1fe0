// JS Buffers that receive large outputs: allocated uninitialized, advised for huge pages, and
// shrunk to what was written without pinning much unused memory.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace lz4framed {

// From this size an output is large: advised for huge pages, and faulted in on a second thread
// while it is filled (prefault.h). Below it neither pays for itself.
constexpr size_t kLargeOutputBytes = 32 * 1024 * 1024;
constexpr size_t kHugePageBytes = 2 * 1024 * 1024;

// Fresh output memory costs a page fault per 4 KiB page, more than decoding into it (bench/:
// 100 MiB took 94 ms to fault in, 18 ms with transparent huge pages). Large regions ask the
// kernel for huge pages; a no-op where that does not exist.
void AdviseLargeOutput(uint8_t* data, size_t size);

// The whole `alignment`-aligned pages (a power of two) inside [data, data + size): the part of a
// buffer madvise may be given. Empty (end <= begin) when there is none.
struct PageRange {
  uintptr_t begin;
  uintptr_t end;
};
PageRange InnerPages(const uint8_t* data, size_t size, size_t alignment);

Napi::Buffer<uint8_t> NewOutputBuffer(Napi::Env env, size_t size);

// A Buffer of `used` bytes from one of `capacity` bytes: the same memory when little would be
// wasted, else an exact copy so a small result does not pin a large allocation.
Napi::Buffer<uint8_t> ShrinkToFit(Napi::Env env, Napi::Buffer<uint8_t> buffer, size_t used);

}  // namespace lz4framed
