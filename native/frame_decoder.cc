#include "frame_decoder.h"

#include <algorithm>
#include <cstring>

#include "dctx_state.h"
#include "frame_info.h"

namespace lz4framed {
namespace {

// Whether `bytes` could be the beginning of a frame's magic number: LZ4 0x184D2204, or
// skippable 0x184D2A50..0x184D2A5F, little-endian.
bool CouldBeginFrame(const uint8_t* bytes, size_t n) {
  const uint8_t frame[4] = {0x04, 0x22, 0x4D, 0x18};
  const uint8_t skippable[4] = {0x50, 0x2A, 0x4D, 0x18};
  bool isFrame = true;
  bool isSkippable = true;
  for (size_t i = 0; i < n && i < 4; i++) {
    isFrame = isFrame && bytes[i] == frame[i];
    isSkippable = isSkippable && (i == 0 ? (bytes[0] & 0xF0) == skippable[0] : bytes[i] == skippable[i]);
  }
  return isFrame || isSkippable;
}

}  // namespace

FrameDecoder::FrameDecoder(DecompressSettings settings) : settings_(std::move(settings)) {}

FrameDecoder::~FrameDecoder() { LZ4F_freeDecompressionContext(dctx_); }

LZ4F_dctx* FrameDecoder::ReleaseContext() {
  LZ4F_dctx* dctx = dctx_;
  dctx_ = nullptr;
  return dctx;
}

bool FrameDecoder::Init(Failure* failure, LZ4F_dctx* reuse) {
  if (reuse != nullptr) {
    dctx_ = reuse;
    return true;
  }
  size_t r = LZ4F_createDecompressionContext(&dctx_, LZ4F_VERSION);
  if (LZ4F_isError(r)) {
    SetLz4fFailure(failure, r, "creating a decompression context");
    return false;
  }
  return true;
}

size_t FrameDecoder::BlockSize() const {
  LZ4F_frameInfo_t info;
  return FrameInfo(&info) ? BlockSizeBytes(info.blockSizeID) : BlockSizeBytes(LZ4F_max64KB);
}

bool FrameDecoder::Feed(ByteView input, OutputSink* out, Failure* failure, bool outputStays) {
  if (failed_) {
    *failure = failed_;
    return false;
  }
  LZ4F_decompressOptions_t options{};
  // stableDst = 0: liblz4 copies the history window into its own buffer at the end of each call,
  // so it never keeps a pointer into output we hand back to JS (DESIGN.md). With outputStays the
  // copy waits for ReleaseOutput(); a call without it copies a window left in earlier output,
  // which the caller kept in place until now.
  options.stableDst = outputStays ? 1 : 0;
  historyInOutput_ = outputStays;

  size_t pos = 0;
  for (;;) {
    uint8_t* dst;
    size_t room;
    if (!out->Next(BlockSize(), &dst, &room, failure)) return false;
    size_t dstSize = room;
    size_t srcSize = input.size - pos;
    // At a frame boundary with a checksum helper, the header is decoded alone, so that the
    // frame's flags are known before its first block.
    bool headerAlone = aside_ != nullptr && nextHint_ == 0 && HeaderFits(input.data + pos, &srcSize);
    options.skipChecksums = settings_.skipChecksums || asideFrame_ ? 1 : 0;
    size_t r = Decompress(dst, &dstSize, input.data + pos, &srcSize, options);
    // Bytes liblz4 consumed before failing are not counted: the offset stays where a retry with
    // good data would begin.
    if (LZ4F_isError(r)) {
      SetLz4fFailure(&failed_, r, "decompressing");
      *failure = failed_;
      return false;
    }
    for (size_t i = 0; i < srcSize && frameStartLen_ < sizeof frameStart_; i++) {
      frameStart_[frameStartLen_++] = input.data[pos + i];
    }
    pos += srcSize;
    inputOffset_ += srcSize;
    out->Commit(dstSize);
    outputOffset_ += dstSize;
    frameOutput_ += dstSize;
    if (out->OverLimit()) {
      SetOutputTooLarge(failure, out->limit());
      return false;
    }
    // A call with nothing to consume or flush (the drain after a full output buffer) only says
    // what a new frame would need; it must not hide that the last call ended a frame.
    if (srcSize == 0 && dstSize == 0) break;
    nextHint_ = r;
    LZ4F_frameInfo_t info;
    bool known = lz4framed_dctx_frame_info(dctx_, &info);
    if (known || r == 0) {
      lastInfo_ = info;
      headerSeen_ = true;
    }
    if (headerAlone && known && r != 0) BeginFrameAside(info);
    if (asideFrame_) aside_->Add(dst, dstSize);
    if (r == 0) {
      frameStartLen_ = 0;
      frameOutput_ = 0;
      if (asideFrame_ && !EndFrameAside(failure)) return false;
    }
    // Done when the input is used up and liblz4 had room to spare (nothing left to flush).
    if (pos == input.size && dstSize < room) break;
  }
  return true;
}

void FrameDecoder::ReleaseOutput() {
  if (!historyInOutput_) return;
  historyInOutput_ = false;
  // After a failure nothing reads the window again (Feed, Clone and Checkpoint refuse).
  if (failed_) return;
  LZ4F_decompressOptions_t options{};
  options.stableDst = 0;
  // No input and no room: liblz4 only runs its end-of-call step, which moves the window into its
  // own buffer wherever the frame still needs one.
  uint8_t none = 0;
  size_t dstSize = 0;
  size_t srcSize = 0;
  size_t r = Decompress(&none, &dstSize, &none, &srcSize, options);
  if (LZ4F_isError(r)) SetLz4fFailure(&failed_, r, "decompressing");
}

size_t FrameDecoder::Decompress(uint8_t* dst, size_t* dstSize, const uint8_t* src, size_t* srcSize,
                                const LZ4F_decompressOptions_t& options) {
  if (!settings_.hasDictionary) return LZ4F_decompress(dctx_, dst, dstSize, src, srcSize, &options);
  return LZ4F_decompress_usingDict(dctx_, dst, dstSize, src, srcSize, settings_.dictionary.data(),
                                   settings_.dictionary.size(), &options);
}

void FrameDecoder::CheckContentAside(ChecksumAside* aside, ByteView wholeInput) {
  aside_ = settings_.skipChecksums ? nullptr : aside;
  wholeInput_ = wholeInput;
}

bool FrameDecoder::HeaderFits(const uint8_t* src, size_t* srcSize) const {
  if (*srcSize < LZ4F_HEADER_SIZE_MAX) return false;
  size_t header = LZ4F_headerSize(src, *srcSize);
  if (LZ4F_isError(header)) return false;  // liblz4 reports it in the call itself
  *srcSize = header;
  return true;
}

void FrameDecoder::BeginFrameAside(const LZ4F_frameInfo_t& info) {
  // Frames with block checksums keep liblz4's own checks: skipping checksums skips those too.
  asideFrame_ = info.frameType == LZ4F_frame && info.contentChecksumFlag == LZ4F_contentChecksumEnabled &&
                info.blockChecksumFlag == LZ4F_noBlockChecksum;
  if (asideFrame_) aside_->Begin();
}

bool FrameDecoder::EndFrameAside(Failure* failure) {
  asideFrame_ = false;
  uint32_t computed = aside_->End();
  // The frame's last 4 bytes, which liblz4 consumed without comparing.
  const uint8_t* stored = wholeInput_.data + inputOffset_ - 4;
  uint32_t expected = static_cast<uint32_t>(stored[0]) | static_cast<uint32_t>(stored[1]) << 8 |
                      static_cast<uint32_t>(stored[2]) << 16 | static_cast<uint32_t>(stored[3]) << 24;
  if (computed == expected) return true;
  SetLz4fFailure(&failed_, static_cast<size_t>(-static_cast<ptrdiff_t>(LZ4F_ERROR_contentChecksum_invalid)),
                 "decompressing");
  *failure = failed_;
  return false;
}

bool FrameDecoder::OutputBound(ByteView input, uint64_t* bound) const {
  if (failed_ || dctx_ == nullptr) return false;
  return lz4framed_dctx_output_bound(dctx_, input.data, input.size, bound) != 0;
}

bool FrameDecoder::Finish(Failure* failure) const {
  if (failed_) {
    *failure = failed_;
    return false;
  }
  if (inputOffset_ == 0) {
    failure->Set(Failure::Kind::NoData, kNoData, "input is empty: an LZ4 frame was expected");
    return false;
  }
  if (nextHint_ == 0) return true;
  if (frameStartLen_ > 0 && !CouldBeginFrame(frameStart_, frameStartLen_)) {
    failure->Set(Failure::Kind::Error, "ERR_LZ4F_FRAMETYPE_UNKNOWN",
                 "data after the last frame is not an LZ4 frame (frameType_unknown)");
    return false;
  }
  failure->Set(Failure::Kind::NoData, kNoData, "input ended inside an LZ4 frame (truncated input)");
  return false;
}

bool FrameDecoder::FrameInfo(LZ4F_frameInfo_t* info) const {
  if (!headerSeen_) return false;
  *info = lastInfo_;
  return true;
}

void FrameDecoder::ExportStream(lz4framed_stream_t* stream) const {
  *stream = lz4framed_stream_t{};
  stream->input_offset = inputOffset_;
  stream->output_offset = outputOffset_;
  stream->frame_output = frameOutput_;
  stream->next_hint = nextHint_;
  stream->header_seen = headerSeen_ ? 1 : 0;
  stream->frame_start_len = static_cast<uint8_t>(frameStartLen_);
  std::memcpy(stream->frame_start, frameStart_, sizeof frameStart_);
  stream->skip_checksums = settings_.skipChecksums ? 1 : 0;
  stream->dictionary_hash =
      settings_.hasDictionary ? lz4framed_hash64(settings_.dictionary.data(), settings_.dictionary.size()) : 0;
}

void FrameDecoder::ImportStream(const lz4framed_stream_t& stream) {
  inputOffset_ = stream.input_offset;
  outputOffset_ = stream.output_offset;
  frameOutput_ = stream.frame_output;
  nextHint_ = static_cast<size_t>(stream.next_hint);
  headerSeen_ = stream.header_seen != 0;
  frameStartLen_ = std::min<size_t>(stream.frame_start_len, sizeof frameStart_);
  std::memcpy(frameStart_, stream.frame_start, sizeof frameStart_);
}

std::unique_ptr<FrameDecoder> FrameDecoder::Clone(Failure* failure) const {
  if (failed_) {
    *failure = failed_;
    return nullptr;
  }
  auto copy = std::make_unique<FrameDecoder>(settings_);
  copy->dctx_ = lz4framed_dctx_clone(dctx_, Dictionary(), copy->Dictionary(), settings_.dictionary.size());
  if (copy->dctx_ == nullptr) {
    SetOutOfMemory(failure);
    return nullptr;
  }
  lz4framed_stream_t stream;
  ExportStream(&stream);
  copy->ImportStream(stream);
  copy->lastInfo_ = lastInfo_;
  return copy;
}

bool FrameDecoder::Checkpoint(bool omitHistory, std::vector<uint8_t>* blob, Failure* failure) const {
  // A decoder that met an error has no state worth resuming: liblz4 left it undefined.
  if (failed_) {
    *failure = failed_;
    return false;
  }
  lz4framed_stream_t stream;
  ExportStream(&stream);
  const char* why = "unknown reason";
  size_t dictSize = settings_.dictionary.size();
  size_t size = lz4framed_checkpoint_save(dctx_, &stream, Dictionary(), dictSize, omitHistory, nullptr, 0, &why);
  if (size == 0) {
    failure->Set(Failure::Kind::Error, kBadCheckpoint, std::string("cannot checkpoint this decoder: ") + why);
    return false;
  }
  blob->resize(size);
  if (lz4framed_checkpoint_save(dctx_, &stream, Dictionary(), dictSize, omitHistory, blob->data(), size, &why) !=
      size) {
    failure->Set(Failure::Kind::Error, kBadCheckpoint, std::string("cannot checkpoint this decoder: ") + why);
    return false;
  }
  return true;
}

std::unique_ptr<FrameDecoder> FrameDecoder::Restore(ByteView blob, const ByteView* history, DecompressSettings settings,
                                                    Failure* failure) {
  auto decoder = std::make_unique<FrameDecoder>(std::move(settings));
  const DecompressSettings& s = decoder->settings_;
  lz4framed_checkpoint_info_t info;
  const char* why = "unknown reason";
  const uint8_t* historyData = nullptr;
  size_t historySize = 0;
  if (!lz4framed_checkpoint_info(blob.data, blob.size, &info, &why)) {
    failure->Set(Failure::Kind::Error, kBadCheckpoint, std::string("invalid checkpoint: ") + why);
    return nullptr;
  }
  if (!info.history_embedded && info.history_length > 0) {
    if (history == nullptr || history->size < info.history_length) {
      failure->Set(Failure::Kind::Error, kBadCheckpoint,
                   "this checkpoint omits its history: restore needs the last " + std::to_string(info.history_length) +
                       " bytes of output before outputOffset (options.history)");
      return nullptr;
    }
    // The caller may hand over more than needed (e.g. the whole output so far): the window is its end.
    historyData = history->data + (history->size - info.history_length);
    historySize = info.history_length;
  }
  lz4framed_stream_t stream;
  if (!lz4framed_checkpoint_restore(blob.data, blob.size, historyData, historySize, decoder->Dictionary(),
                                    s.dictionary.size(), s.skipChecksums ? 1 : 0, &decoder->dctx_, &stream, &why)) {
    failure->Set(Failure::Kind::Error, kBadCheckpoint, std::string("invalid checkpoint: ") + why);
    return nullptr;
  }
  decoder->ImportStream(stream);
  decoder->AdoptFrameInfo();
  return decoder;
}

void FrameDecoder::AdoptFrameInfo() {
  LZ4F_frameInfo_t info;
  if (lz4framed_dctx_frame_info(dctx_, &info) || headerSeen_) lastInfo_ = info;
}

size_t FrameDecoder::NativeBytes() const {
  if (dctx_ == nullptr) return 0;
  LZ4F_frameInfo_t info;
  size_t block = FrameInfo(&info) ? BlockSizeBytes(info.blockSizeID) : 0;
  // tmpIn (a block + checksum) and tmpOutBuffer (a block + the 64 KiB window when linked).
  return sizeof(void*) * 32 + 2 * block + 128 * 1024 + settings_.dictionary.size();
}

}  // namespace lz4framed
