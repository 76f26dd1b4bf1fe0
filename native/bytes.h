// Views of JS byte inputs and a growable native scratch buffer that never zero-fills.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace lz4framed {

struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Accepts any TypedArray, DataView or ArrayBuffer; throws a TypeError naming `what` otherwise.
// Callers validate every argument before taking any pointer (see DESIGN.md).
ByteView ReadBytes(const Napi::Value& value, const char* what);

inline uint32_t ReadLE32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

inline uint64_t ReadLE64(const uint8_t* p) { return ReadLE32(p) | static_cast<uint64_t>(ReadLE32(p + 4)) << 32; }

// Malloc'd bytes with a capacity, reused across calls so a context does not allocate per chunk.
class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ~ScratchBuffer() { std::free(data_); }

  // Ensures room for `capacity` bytes; the content is kept. Returns false when memory runs out.
  bool Reserve(size_t capacity);
  // Gives the memory back once a burst of large calls is over.
  void Release();
  uint8_t* data() const { return data_; }
  size_t capacity() const { return capacity_; }

 private:
  uint8_t* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace lz4framed
