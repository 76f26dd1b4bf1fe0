#include "frame_encoder.h"

#include <lz4.h>
#include <lz4hc.h>

#include "frame_info.h"
#include "prefault.h"

namespace lz4framed {
namespace {

// The header must carry dictID only when the caller gave one; 0 means "no dictID" to liblz4.
LZ4F_CDict* MakeCDict(const CompressSettings& settings) {
  if (!settings.hasDictionary) return nullptr;
  return LZ4F_createCDict(settings.dictionary.data(), settings.dictionary.size());
}

}  // namespace

FrameEncoder::FrameEncoder(CompressSettings settings) : settings_(std::move(settings)) {}

FrameEncoder::~FrameEncoder() {
  LZ4F_freeCompressionContext(cctx_);
  LZ4F_freeCDict(cdict_);
}

bool FrameEncoder::Init(Failure* failure) {
  size_t r = LZ4F_createCompressionContext(&cctx_, LZ4F_VERSION);
  if (LZ4F_isError(r)) {
    SetLz4fFailure(failure, r, "creating a compression context");
    return false;
  }
  if (settings_.hasDictionary && (cdict_ = MakeCDict(settings_)) == nullptr) {
    SetOutOfMemory(failure);
    return false;
  }
  return true;
}

bool FrameEncoder::Run(ByteView input, Mode mode, ScratchBuffer* out, size_t* written, Failure* failure) {
  const LZ4F_preferences_t& prefs = settings_.prefs;
  // compressBound(n) covers an update of n bytes (with what the context already buffered) but not
  // the partial block the update leaves buffered; a flush or an end writes that block too, which
  // compressBound(0) bounds (update 22 464 B, then end(65 536 B) of random data overflowed).
  size_t need = (inFrame_ ? 0 : LZ4F_HEADER_SIZE_MAX) + LZ4F_compressBound(input.size, &prefs);
  if (mode != Mode::Update) need += LZ4F_compressBound(0, &prefs);
  if (!out->Reserve(need)) {
    SetOutOfMemory(failure);
    return false;
  }
  uint8_t* dst = out->data();
  size_t pos = 0;
  size_t r;
  if (!inFrame_) {
    r = cdict_ ? LZ4F_compressBegin_usingCDict(cctx_, dst, need, cdict_, &prefs)
               : LZ4F_compressBegin(cctx_, dst, need, &prefs);
    if (LZ4F_isError(r)) {
      SetLz4fFailure(failure, r, "beginning a frame");
      return false;
    }
    pos += r;
    inFrame_ = true;
  }
  if (input.size > 0) {
    r = LZ4F_compressUpdate(cctx_, dst + pos, need - pos, input.data, input.size, nullptr);
    if (LZ4F_isError(r)) {
      inFrame_ = false;  // liblz4 leaves the context undefined after an error: start afresh
      SetLz4fFailure(failure, r, "compressing");
      return false;
    }
    pos += r;
  }
  if (mode != Mode::Update) {
    r = mode == Mode::End ? LZ4F_compressEnd(cctx_, dst + pos, need - pos, nullptr)
                          : LZ4F_flush(cctx_, dst + pos, need - pos, nullptr);
    if (mode == Mode::End) inFrame_ = false;
    if (LZ4F_isError(r)) {
      inFrame_ = false;
      SetLz4fFailure(failure, r, mode == Mode::End ? "ending the frame" : "flushing");
      return false;
    }
    pos += r;
  }
  *written = pos;
  return true;
}

size_t FrameEncoder::NativeBytes() const {
  const LZ4F_preferences_t& prefs = settings_.prefs;
  size_t block = BlockSizeBytes(prefs.frameInfo.blockSizeID);
  size_t buffered = prefs.frameInfo.blockMode == LZ4F_blockLinked ? block + 128 * 1024 : block;
  size_t state = prefs.compressionLevel >= LZ4HC_CLEVEL_MIN ? sizeof(LZ4_streamHC_t) : sizeof(LZ4_stream_t);
  size_t dict = cdict_ ? sizeof(LZ4_streamHC_t) + sizeof(LZ4_stream_t) + settings_.dictionary.size() : 0;
  return (cctx_ ? buffered + state : 0) + dict;
}

size_t OneShotBound(const CompressSettings& settings, size_t inputSize) {
  return LZ4F_compressFrameBound(inputSize, &settings.prefs);
}

namespace {

// LZ4F_compressFrame's own steps (header, one update over the whole input with a stable source,
// end), in updates of about kChecksumStep. The source stays stable and every update is whole
// blocks, so linked blocks keep referencing the input in place and the frame is the one a single
// update writes. The prefault helper hears of progress once per kOneShotStep.
size_t CompressInSteps(LZ4F_cctx* cctx, const LZ4F_CDict* cdict, const LZ4F_preferences_t& prefs, ByteView input,
                       uint8_t* dst, size_t capacity, BackgroundPrefault* prefault) {
  size_t pos = LZ4F_compressBegin_usingCDict(cctx, dst, capacity, cdict, &prefs);
  if (LZ4F_isError(pos)) return pos;
  LZ4F_compressOptions_t options = {};
  options.stableSrc = 1;
  size_t block = BlockSizeBytes(prefs.frameInfo.blockSizeID);
  size_t step = kChecksumStep < block ? block : kChecksumStep / block * block;
  size_t nextReport = kOneShotStep;
  for (size_t done = 0; done < input.size;) {
    size_t n = input.size - done < step ? input.size - done : step;
    size_t r = LZ4F_compressUpdate(cctx, dst + pos, capacity - pos, input.data + done, n, &options);
    if (LZ4F_isError(r)) return r;
    pos += r;
    done += n;
    if (prefault && (done >= nextReport || done == input.size)) {
      prefault->Reached(pos);
      nextReport = done + kOneShotStep;
    }
  }
  size_t r = LZ4F_compressEnd(cctx, dst + pos, capacity - pos, &options);
  return LZ4F_isError(r) ? r : pos + r;
}

}  // namespace

bool CompressOneShot(const CompressSettings& settings, ByteView input, uint8_t* dst, size_t capacity, size_t* written,
                     Failure* failure, LZ4F_cctx* reuse, BackgroundPrefault* prefault) {
  const LZ4F_preferences_t& prefs = settings.prefs;
  // Whole blocks only: liblz4 would shrink the block size of an input no larger than one block.
  bool stepped = input.size > kChecksumStep && input.size > BlockSizeBytes(prefs.frameInfo.blockSizeID);
  size_t r;
  if (reuse == nullptr && !settings.hasDictionary && !stepped) {
    r = LZ4F_compressFrame(dst, capacity, input.data, input.size, &prefs);
  } else {
    LZ4F_cctx* cctx = reuse;
    if (cctx == nullptr && LZ4F_isError(r = LZ4F_createCompressionContext(&cctx, LZ4F_VERSION))) {
      SetLz4fFailure(failure, r, "creating a compression context");
      return false;
    }
    LZ4F_CDict* cdict = MakeCDict(settings);
    if (settings.hasDictionary && cdict == nullptr) {
      if (cctx != reuse) LZ4F_freeCompressionContext(cctx);
      SetOutOfMemory(failure);
      return false;
    }
    if (stepped) {
      // What LZ4F_compressFrame does to the preferences of an input of more than one block.
      LZ4F_preferences_t framePrefs = prefs;
      if (framePrefs.frameInfo.contentSize != 0) framePrefs.frameInfo.contentSize = input.size;
      framePrefs.autoFlush = 1;
      r = CompressInSteps(cctx, cdict, framePrefs, input, dst, capacity, prefault);
    } else {
      r = LZ4F_compressFrame_usingCDict(cctx, dst, capacity, input.data, input.size, cdict, &prefs);
    }
    LZ4F_freeCDict(cdict);
    if (cctx != reuse) LZ4F_freeCompressionContext(cctx);
  }
  if (LZ4F_isError(r)) {
    SetLz4fFailure(failure, r, "compressing");
    return false;
  }
  *written = r;
  return true;
}

bool FrameHeader(const CompressSettings& settings, LZ4F_cctx* cctx, uint8_t* dst, size_t* written, Failure* failure) {
  if (cctx == nullptr) {
    SetOutOfMemory(failure);
    return false;
  }
  LZ4F_preferences_t prefs = settings.prefs;
  prefs.autoFlush = 1;  // as CompressOneShot: liblz4's one-shot frame always flushes
  // The header does not record the level; a fast level spares the context an HC state (256 KiB
  // cleared) that nothing would use.
  prefs.compressionLevel = 0;
  size_t r = LZ4F_compressBegin(cctx, dst, LZ4F_HEADER_SIZE_MAX, &prefs);
  if (LZ4F_isError(r)) {
    SetLz4fFailure(failure, r, "writing the frame header");
    return false;
  }
  *written = r;
  return true;
}

namespace {

// What a part is compressed with: every block flushed as soon as it is complete (as the one-shot
// encoder does, so independent blocks come out byte-identical), and no content checksum or size,
// which belong to the whole frame.
LZ4F_preferences_t PartPreferences(const CompressSettings& settings) {
  LZ4F_preferences_t prefs = settings.prefs;
  prefs.autoFlush = 1;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.contentSize = 0;
  return prefs;
}

// Begins a frame whose header is thrown away: only the context's state matters.
size_t BeginPart(LZ4F_cctx* cctx, const LZ4F_CDict* cdict, ByteView history, const LZ4F_preferences_t& prefs) {
  uint8_t header[LZ4F_HEADER_SIZE_MAX];
  bool linked = prefs.frameInfo.blockMode == LZ4F_blockLinked;
  if (linked && history.size > 0) {
    return LZ4F_compressBegin_usingDict(cctx, header, sizeof header, history.data, history.size, &prefs);
  }
  return cdict ? LZ4F_compressBegin_usingCDict(cctx, header, sizeof header, cdict, &prefs)
               : LZ4F_compressBegin(cctx, header, sizeof header, &prefs);
}

}  // namespace

size_t PartBound(const CompressSettings& settings, size_t partSize) {
  LZ4F_preferences_t prefs = PartPreferences(settings);
  return LZ4F_compressBound(partSize, &prefs);
}

bool CompressPart(const CompressSettings& settings, ByteView part, ByteView history, uint8_t* dst, size_t capacity,
                  size_t* written, Failure* failure) {
  LZ4F_preferences_t prefs = PartPreferences(settings);
  LZ4F_cctx* cctx = nullptr;
  size_t r = LZ4F_createCompressionContext(&cctx, LZ4F_VERSION);
  if (LZ4F_isError(r)) {
    SetLz4fFailure(failure, r, "creating a compression context");
    return false;
  }
  // The caller's dictionary serves the first part of a linked frame and every independent block.
  bool useDictionary = history.size == 0 || prefs.frameInfo.blockMode == LZ4F_blockIndependent;
  LZ4F_CDict* cdict = useDictionary ? MakeCDict(settings) : nullptr;
  bool ok = false;
  if (useDictionary && settings.hasDictionary && cdict == nullptr) {
    SetOutOfMemory(failure);
  } else if (LZ4F_isError(r = BeginPart(cctx, cdict, history, prefs))) {
    SetLz4fFailure(failure, r, "beginning a frame");
  } else if (LZ4F_isError(r = LZ4F_compressUpdate(cctx, dst, capacity, part.data, part.size, nullptr))) {
    SetLz4fFailure(failure, r, "compressing");
  } else {
    *written = r;
    ok = true;
  }
  LZ4F_freeCDict(cdict);
  LZ4F_freeCompressionContext(cctx);
  return ok;
}

}  // namespace lz4framed
