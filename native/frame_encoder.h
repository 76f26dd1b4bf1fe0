// Pure C++ over LZ4F_cctx (no N-API), so the same code runs on the main thread for the sync
// methods and on the threadpool for the async ones.
#pragma once

#include <lz4frame.h>

#include "bytes.h"
#include "errors.h"
#include "prefault.h"
#include "preferences.h"

namespace lz4framed {

// Streaming encoder: one frame at a time, a new one begun by the first call after End.
class FrameEncoder {
 public:
  enum class Mode { Update, Flush, End };

  explicit FrameEncoder(CompressSettings settings);
  FrameEncoder(const FrameEncoder&) = delete;
  FrameEncoder& operator=(const FrameEncoder&) = delete;
  ~FrameEncoder();

  // False when liblz4 could not allocate the context (the failure says so).
  bool Init(Failure* failure);
  // Compresses `input` (then flushes or ends the frame as `mode` says) into `out`, from offset 0.
  bool Run(ByteView input, Mode mode, ScratchBuffer* out, size_t* written, Failure* failure);
  // Approximate native memory held, for the GC's external-memory accounting.
  size_t NativeBytes() const;

 private:
  CompressSettings settings_;
  LZ4F_cctx* cctx_ = nullptr;
  LZ4F_CDict* cdict_ = nullptr;
  bool inFrame_ = false;
};

// A large input's encoder tells the helper faulting in the output how far the frame has reached
// every this much input, so that the helper can follow it: the frame's size is known only at the
// end, and the part of its bound the frame does not reach must stay unpopulated.
constexpr size_t kOneShotStep = 4 * 1024 * 1024;

// liblz4 hashes an update's input for the content checksum (XXH32) after compressing it, so an
// update of at most this much (whole blocks) is hashed while it is still in the CPU's cache, where
// XXH32 ran about 4 times faster than from memory on the bench machine. compressSync of 100 MiB
// mixed: ×0.93-0.95 of C's LZ4F_compressFrame (one update) in 4 MiB updates, ×1.13-1.15 in these
// (node bench/ab.js BASE --ops compress).
constexpr size_t kChecksumStep = 256 * 1024;

// One-shot frame of the whole input; `dst` must hold OneShotBound bytes. `reuse` is a context to
// compress with (e.g. from ContextCache), else one is made for the call. `prefault`, when given,
// hears how far the frame has reached, one kOneShotStep at a time.
size_t OneShotBound(const CompressSettings& settings, size_t inputSize);
bool CompressOneShot(const CompressSettings& settings, ByteView input, uint8_t* dst, size_t capacity, size_t* written,
                     Failure* failure, LZ4F_cctx* reuse = nullptr, BackgroundPrefault* prefault = nullptr);

// Parallel one-shot compression cuts the input at block boundaries and compresses the pieces
// apart; these are the pieces. FrameHeader: the header CompressOneShot would write for an input
// of `settings.prefs.frameInfo.contentSize` bytes (dst holds LZ4F_HEADER_SIZE_MAX bytes).
bool FrameHeader(const CompressSettings& settings, LZ4F_cctx* cctx, uint8_t* dst, size_t* written, Failure* failure);
// The blocks of `part` alone (no header, no end mark, no content checksum), as the serial encoder
// writes them. `history`: the up to 64 KiB before `part`, which linked blocks may reference (empty
// for the first part, which uses the settings' dictionary as the serial encoder does); independent
// blocks ignore it. `dst` must hold PartBound bytes.
size_t PartBound(const CompressSettings& settings, size_t partSize);
bool CompressPart(const CompressSettings& settings, ByteView part, ByteView history, uint8_t* dst, size_t capacity,
                  size_t* written, Failure* failure);

}  // namespace lz4framed
