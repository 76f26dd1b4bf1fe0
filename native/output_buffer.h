// JS Buffers that receive large outputs: allocated uninitialized, advised for huge pages, and
// shrunk to what was written without pinning much unused memory.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace lz4framed {

// From this size an output is large: faulted in on a second thread while it is filled
// (prefault.h). Below it the thread did not pay for itself in measurements.
constexpr size_t kLargeOutputBytes = 32 * 1024 * 1024;
constexpr size_t kHugePageBytes = 2 * 1024 * 1024;

// From this size an output is advised for huge pages (its whole aligned 2 MiB pages; a smaller
// buffer has none). Measured on a VM where a 4 KiB page fault costs about 10 µs
// (bench/mid-size.js): one-shot decompression of 24 MiB went from 610-760 to 1590-1720 MB/s, of
// 12 MiB from 880-1200 to 2000-2200, when the advice started here instead of at kLargeOutputBytes.
constexpr size_t kHugePageAdviceBytes = 2 * 1024 * 1024;

// Fresh output memory costs a page fault per 4 KiB page, more than decoding into it (bench/:
// 100 MiB took 94 ms to fault in, 18 ms with transparent huge pages). Outputs from
// kHugePageAdviceBytes ask the kernel for huge pages; a no-op where that does not exist.
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
