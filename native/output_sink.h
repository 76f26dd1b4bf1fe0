// Where decoded bytes go when their total is not known in advance: an optional region the
// main thread preallocated (a JS Buffer of the size the frame header declares), then native chunks
// that grow geometrically. Nothing is ever moved while decoding; the result is copied out once
// unless it fits the preallocated region, so unknown sizes never cost a quadratic copy chain.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "errors.h"

namespace lz4framed {

class OutputSink {
 public:
  explicit OutputSink(size_t limit) : limit_(limit) {}
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;
  ~OutputSink();

  // Decoded bytes land here first; `data` must stay valid until the sink is turned into a Buffer.
  void Preallocate(uint8_t* data, size_t capacity);
  // Suggests the size of the first native chunk (e.g. a multiple of the input size).
  void SizeHint(size_t bytes) { sizeHint_ = bytes; }

  // Room for the next write. `blockSize` is liblz4's block size: a room at least that large lets
  // it decode straight into our memory. The room never extends more than one byte past `limit`
  // (counted from the last LimitFromHere), so exceeding maxOutputLength is noticed without
  // writing past it.
  bool Next(size_t blockSize, uint8_t** dst, size_t* room, Failure* failure);
  void Commit(size_t n);

  size_t size() const { return size_; }
  bool OverLimit() const { return size_ - base_ > limit_; }
  size_t limit() const { return limit_; }
  // The limit applies to the output from now on: a call that decodes several pieces of input
  // limits each piece as a call of its own would.
  void LimitFromHere() { base_ = size_; }
  // Whether every byte landed in the preallocated region (true when there is no output).
  bool AllInPreallocated() const {
    return size_ == 0 || (!chunks_.empty() && !chunks_.front().owned && size_ == chunks_.front().used);
  }

  // Main thread only: the output as one Buffer (the preallocated one, shrunk, when it holds
  // everything, else a copy), after which the sink is empty.
  Napi::Buffer<uint8_t> ToBuffer(Napi::Env env, Napi::Buffer<uint8_t> preallocated = Napi::Buffer<uint8_t>());

 private:
  struct Chunk {
    uint8_t* data;
    size_t capacity;
    size_t used;
    bool owned;
  };
  std::vector<Chunk> chunks_;
  size_t size_ = 0;
  size_t base_ = 0;
  size_t limit_;
  size_t sizeHint_ = 0;
};

}  // namespace lz4framed
