#include "output_buffer.h"

#include "prefault.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lz4framed {
PageRange InnerPages(const uint8_t* data, size_t size, size_t alignment) {
  uintptr_t at = reinterpret_cast<uintptr_t>(data);
  return PageRange{(at + alignment - 1) & ~(alignment - 1), (at + size) & ~(alignment - 1)};
}

void AdviseLargeOutput(uint8_t* data, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size < kHugePageAdviceBytes) return;
  PageRange pages = InnerPages(data, size, kHugePageBytes);
  if (pages.end > pages.begin) madvise(reinterpret_cast<void*>(pages.begin), pages.end - pages.begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)size;
#endif
}

Napi::Buffer<uint8_t> NewOutputBuffer(Napi::Env env, size_t size) {
  Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(env, size);
  AdviseLargeOutput(buffer.Data(), size);
  return buffer;
}

Napi::Buffer<uint8_t> ShrinkToFit(Napi::Env env, Napi::Buffer<uint8_t> buffer, size_t used) {
  size_t capacity = buffer.Length();
  if (used == capacity) return buffer;
  if (used >= capacity - capacity / 8) {
    Napi::Function subarray = buffer.Get("subarray").As<Napi::Function>();
    return subarray.Call(buffer, {Napi::Number::New(env, 0), Napi::Number::New(env, static_cast<double>(used))})
        .As<Napi::Buffer<uint8_t>>();
  }
  // Fresh memory like any output (huge pages when large): faulting in the copy 4 KiB at a time
  // cost more than the copy itself (bench/: 35 MB frame of a 100 MiB input).
  Napi::Buffer<uint8_t> copy = NewOutputBuffer(env, used);
  CopyPiece whole{copy.Data(), buffer.Data(), used};
  CopyToFreshMemory(&whole, 1);
  return copy;
}

}  // namespace lz4framed
