// Pure C++ over LZ4F_dctx (no N-API): feeds input, drains every byte of output it completes,
// across frame boundaries and skippable frames, and keeps the stream's offsets.
#pragma once

#include <lz4frame.h>

#include <cstdint>

#include "bytes.h"
#include "errors.h"
#include "output_sink.h"
#include "preferences.h"

namespace lz4framed {

class FrameDecoder {
 public:
  explicit FrameDecoder(DecompressSettings settings);
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;
  ~FrameDecoder();

  bool Init(Failure* failure);
  // Decodes all of `input` and appends all the output it completes to `out`. After a failure the
  // decoder stays failed (liblz4's context is undefined after an error) and repeats it.
  bool Feed(ByteView input, OutputSink* out, Failure* failure);
  // Called when the input is over: NoData when it stopped inside a frame (or never began),
  // FRAMETYPE_UNKNOWN when the bytes after the last frame cannot begin one.
  bool Finish(Failure* failure) const;

  // Parameters of the current frame or the last one decoded; false before any header.
  bool FrameInfo(LZ4F_frameInfo_t* info) const;
  uint64_t inputOffset() const { return inputOffset_; }
  uint64_t outputOffset() const { return outputOffset_; }
  size_t nextInputHint() const { return nextHint_; }
  size_t NativeBytes() const;
  const DecompressSettings& settings() const { return settings_; }

 private:
  size_t BlockSize() const;

  DecompressSettings settings_;
  LZ4F_dctx* dctx_ = nullptr;
  Failure failed_;
  uint64_t inputOffset_ = 0;
  uint64_t outputOffset_ = 0;
  // Output since the current frame began: tells a checkpoint which window bytes are output.
  uint64_t frameOutput_ = 0;
  // liblz4's hint after the last call; 0 exactly at a frame boundary.
  size_t nextHint_ = 0;
  bool headerSeen_ = false;
  // The first bytes after the last frame boundary, to tell trailing garbage from a truncated frame.
  uint8_t frameStart_[4] = {0, 0, 0, 0};
  size_t frameStartLen_ = 0;
};

}  // namespace lz4framed
