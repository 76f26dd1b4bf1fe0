#include "output_sink.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "output_buffer.h"

namespace lz4framed {
namespace {
constexpr size_t kMinChunk = 64 * 1024;
constexpr size_t kMaxFirstChunk = 64 * 1024 * 1024;
}  // namespace

OutputSink::~OutputSink() {
  for (Chunk& c : chunks_) {
    if (c.owned) std::free(c.data);
  }
}

void OutputSink::Preallocate(uint8_t* data, size_t capacity) { chunks_.push_back(Chunk{data, capacity, 0, false}); }

bool OutputSink::Next(size_t blockSize, uint8_t** dst, size_t* room, Failure* failure) {
  // Allowed: up to limit + 1 bytes in total, the extra byte only to detect the overflow.
  if (OverLimit()) {
    SetOutputTooLarge(failure, limit_);
    return false;
  }
  size_t sinceBase = size_ - base_;
  size_t allowed = limit_ - sinceBase < SIZE_MAX ? limit_ - sinceBase + 1 : SIZE_MAX;
  if (!chunks_.empty()) {
    Chunk& last = chunks_.back();
    size_t free = last.capacity - last.used;
    // A preallocated region is filled to its last byte (it has the exact declared size); a native
    // chunk's small tail is abandoned for a fresh chunk that liblz4 can decode a whole block into.
    if (free > 0 && (!last.owned || free >= blockSize || free >= allowed)) {
      *dst = last.data + last.used;
      *room = std::min(free, allowed);
      return true;
    }
  }
  size_t capacity = std::max({kMinChunk, blockSize, size_, std::min(sizeHint_, kMaxFirstChunk)});
  capacity = std::min(capacity, allowed);
  auto* data = static_cast<uint8_t*>(std::malloc(capacity));
  if (data == nullptr) {
    SetOutOfMemory(failure);
    return false;
  }
  AdviseLargeOutput(data, capacity);
  chunks_.push_back(Chunk{data, capacity, 0, true});
  *dst = data;
  *room = capacity;
  return true;
}

void OutputSink::Commit(size_t n) {
  chunks_.back().used += n;
  size_ += n;
}

Napi::Buffer<uint8_t> OutputSink::ToBuffer(Napi::Env env, Napi::Buffer<uint8_t> preallocated) {
  Napi::Buffer<uint8_t> result;
  bool allInPreallocated = !preallocated.IsEmpty() && !chunks_.empty() && AllInPreallocated();
  if (allInPreallocated) {
    result = ShrinkToFit(env, preallocated, size_);
  } else {
    result = NewOutputBuffer(env, size_);
    uint8_t* out = result.Data();
    for (const Chunk& c : chunks_) {
      if (c.used) std::memcpy(out, c.data, c.used);
      out += c.used;
    }
  }
  for (Chunk& c : chunks_) {
    if (c.owned) std::free(c.data);
  }
  chunks_.clear();
  size_ = 0;
  base_ = 0;
  return result;
}

}  // namespace lz4framed
