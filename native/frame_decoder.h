// Pure C++ over LZ4F_dctx (no N-API): feeds input, drains every byte of output it completes,
// across frame boundaries and skippable frames, and keeps the stream's offsets.
#pragma once

#include <lz4frame.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "bytes.h"
#include "checksum_aside.h"
#include "dctx_state.h"
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

  // Creates the liblz4 context, or adopts `reuse` (a fresh or reset one, e.g. from ContextCache).
  bool Init(Failure* failure, LZ4F_dctx* reuse = nullptr);
  // Hands the liblz4 context back (for reuse) and leaves the decoder empty.
  LZ4F_dctx* ReleaseContext();

  // An independent deep copy (own buffers, own history window, same offsets).
  std::unique_ptr<FrameDecoder> Clone(Failure* failure) const;
  // Serializes the whole state (dctx_state.c); with omitHistory the output bytes of the history
  // window are left out and must be handed back to Restore.
  bool Checkpoint(bool omitHistory, std::vector<uint8_t>* blob, Failure* failure) const;
  // A decoder continuing exactly where the checkpointed one was. `settings` must carry the same
  // dictionary and skipChecksums; `history` is the output that ends at the checkpoint's
  // outputOffset (only its last historyLength bytes are used) when the blob omits it.
  static std::unique_ptr<FrameDecoder> Restore(ByteView blob, const ByteView* history, DecompressSettings settings,
                                               Failure* failure);
  // Decodes all of `input` and appends all the output it completes to `out`. After a failure the
  // decoder stays failed (liblz4's context is undefined after an error) and repeats it.
  // With `outputStays` (decoding jobs), the caller promises that the memory `out` gave (this
  // call's and earlier ones') stays where it is, unchanged, until ReleaseOutput(): liblz4 then
  // keeps its history window of linked blocks in that output instead of copying 64 KiB of it into
  // its own buffer at the end of every call (stableDst), and the next call continues straight
  // after it. Without it (the default, which callers that checkpoint between calls rely on, as
  // the fuzz harness does) every call leaves the window in the decoder.
  bool Feed(ByteView input, OutputSink* out, Failure* failure, bool outputStays = false);
  // Ends what Feed(..., outputStays) promised: the history window is copied into the decoder's
  // own buffer (a call of liblz4 with no input), so the output may now be handed out or freed.
  // Clone, Checkpoint and every later Feed need the window there (DESIGN.md). Cheap when there
  // is nothing to do.
  void ReleaseOutput();
  // An upper bound of the output Feed(input) gives, from block headers alone (dctx_state.h):
  // false when there is none that cheap (mid-header, another frame begins in `input`, failed).
  bool OutputBound(ByteView input, uint64_t* bound) const;
  // For a one-shot decode of `wholeInput` from its first byte: frames with a content checksum
  // and no block checksums are hashed by `aside` (on its helper thread, from the output reported
  // to it) instead of by liblz4, and compared here at each frame's end. Not with skipChecksums.
  void CheckContentAside(ChecksumAside* aside, ByteView wholeInput);
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
  // The current frame's block size (64 KiB before any header).
  size_t BlockSize() const;

 private:
  // The fields a checkpoint carries beside liblz4's own state (an lz4framed_stream_t).
  void ExportStream(lz4framed_stream_t* stream) const;
  void ImportStream(const lz4framed_stream_t& stream);
  // After a restore: the header the restored context holds becomes the last known one.
  void AdoptFrameInfo();
  // One call of liblz4 (with the dictionary, if any: liblz4 takes it only where a frame begins).
  size_t Decompress(uint8_t* dst, size_t* dstSize, const uint8_t* src, size_t* srcSize,
                    const LZ4F_decompressOptions_t& options);
  // Limits `srcSize` to the frame header at `src` when all of it is there.
  bool HeaderFits(const uint8_t* src, size_t* srcSize) const;
  void BeginFrameAside(const LZ4F_frameInfo_t& info);
  bool EndFrameAside(Failure* failure);
  const uint8_t* Dictionary() const { return settings_.hasDictionary ? settings_.dictionary.data() : nullptr; }

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
  // Whether liblz4's history window may point into output fed with outputStays.
  bool historyInOutput_ = false;
  // The last complete frame header: liblz4 zeroes its own copy as soon as the next frame's
  // header starts arriving, and a frame can begin and end within one call.
  LZ4F_frameInfo_t lastInfo_{};
  // The first bytes after the last frame boundary, to tell trailing garbage from a truncated frame.
  uint8_t frameStart_[4] = {0, 0, 0, 0};
  size_t frameStartLen_ = 0;
  // CheckContentAside: the helper, the input whose frames' stored checksums it is compared with,
  // and whether the current frame is left to it.
  ChecksumAside* aside_ = nullptr;
  ByteView wholeInput_;
  bool asideFrame_ = false;
};

}  // namespace lz4framed
