// What the fuzz targets and the seed-corpus writer share: the layout of a fuzz input (so the
// corpus files mean what the fuzzers read), a deterministic chunker, and a driver that decodes
// a stream through FrameDecoder exactly as the addon does, optionally cut into chunks and
// cloned or checkpointed + restored on the way.
#pragma once

#include <lz4frame.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "frame_decoder.h"
#include "output_sink.h"
#include "preferences.h"

namespace fuzz {

// Fuzz inputs are fields read front to back; a short input just yields empty fields.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint8_t Byte() { return p_ < end_ ? *p_++ : 0; }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(Byte()) << (8 * i);
    return v;
  }
  // A field of U32-prefixed length (clamped to what is left).
  std::vector<uint8_t> Field() {
    size_t n = U32();
    if (n > Left()) n = Left();
    std::vector<uint8_t> out(p_, p_ + n);
    p_ += n;
    return out;
  }
  std::vector<uint8_t> Rest() {
    std::vector<uint8_t> out(p_, end_);
    p_ = end_;
    return out;
  }
  size_t Left() const { return static_cast<size_t>(end_ - p_); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

class Writer {
 public:
  void Byte(uint8_t v) { out.push_back(v); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; i++) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Field(const std::vector<uint8_t>& bytes) {
    U32(static_cast<uint32_t>(bytes.size()));
    Rest(bytes);
  }
  void Rest(const std::vector<uint8_t>& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
  std::vector<uint8_t> out;
};

// Chunk lengths from a seed (xorshift32): mostly small, sometimes large, never 0.
class Chunker {
 public:
  explicit Chunker(uint32_t seed) : state_(seed | 1) {}
  size_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    switch (state_ % 4) {
      case 0:
        return 1 + state_ % 7;
      case 1:
        return 1 + state_ % 300;
      case 2:
        return 1 + state_ % 70000;
      default:
        return SIZE_MAX;  // the rest
    }
  }

 private:
  uint32_t state_;
};

inline lz4framed::DecompressSettings DecoderSettings(const std::vector<uint8_t>& dictionary, bool skipChecksums,
                                                     size_t limit) {
  lz4framed::DecompressSettings s;
  if (!dictionary.empty()) {
    size_t keep = dictionary.size() < lz4framed::kMaxDictionary ? dictionary.size() : lz4framed::kMaxDictionary;
    s.dictionary.assign(dictionary.end() - static_cast<std::ptrdiff_t>(keep), dictionary.end());
    s.hasDictionary = true;
  }
  s.skipChecksums = skipChecksums;
  s.maxOutputLength = limit;
  return s;
}

// A view of v[pos:pos+n] that is never null, as the addon's ReadBytes guarantees for JS inputs
// (an empty std::vector has no data pointer).
inline lz4framed::ByteView View(const std::vector<uint8_t>& v, size_t pos = 0, size_t n = SIZE_MAX) {
  static const uint8_t kEmpty = 0;
  if (n > v.size() - pos) n = v.size() - pos;
  return lz4framed::ByteView{v.empty() ? &kEmpty : v.data() + pos, n};
}

// A finding: print it and abort, so libFuzzer keeps the input that caused it.
[[noreturn]] inline void Fail(const char* what, const std::string& detail = std::string()) {
  std::fprintf(stderr, "lz4framed fuzz finding: %s %s\n", what, detail.c_str());
  std::abort();
}

// What decoding a stream gave: the output (in `out`), where the stream stood, and the error.
struct Decoded {
  std::vector<uint8_t> out;
  bool failed = false;
  std::string code;
  uint64_t inputOffset = 0;
  uint64_t outputOffset = 0;
};

enum class Detour { None, Clone, Checkpoint, CheckpointOmitHistory };

// Feeds `stream` to `decoder` in the chunks `chunker` gives (or whole, without one) and checks
// the end of input. After chunk number `detourAt` the decoder is replaced by its clone or by a
// restore of its checkpoint, which must continue exactly as the original would have.
inline Decoded Feed(std::unique_ptr<lz4framed::FrameDecoder> decoder, const lz4framed::DecompressSettings& settings,
                    const std::vector<uint8_t>& stream, Chunker* chunker, Detour detour, unsigned detourAt) {
  Decoded result;
  // All output lands in one region of limit + 1 bytes (the sink never writes beyond that), so
  // it can be read back without the N-API side of OutputSink. The region is reused across runs:
  // allocating and clearing megabytes each time would be most of the fuzzer's work.
  const size_t limit = settings.maxOutputLength;
  static std::vector<uint8_t> region;
  if (region.size() < limit + 1) region.resize(limit + 1);
  lz4framed::Failure failure;
  size_t pos = 0;
  size_t produced = 0;
  unsigned chunkIndex = 0;
  bool ok = true;
  do {
    size_t n = chunker ? chunker->Next() : SIZE_MAX;
    if (n > stream.size() - pos) n = stream.size() - pos;
    lz4framed::OutputSink sink(limit - produced);
    sink.Preallocate(region.data() + produced, limit + 1 - produced);
    ok = decoder->Feed(View(stream, pos, n), &sink, &failure);
    produced += sink.size();
    pos += n;
    if (ok && detour != Detour::None && chunkIndex == detourAt) {
      std::unique_ptr<lz4framed::FrameDecoder> next;
      if (detour == Detour::Clone) {
        next = decoder->Clone(&failure);
        if (!next) Fail("clone of a healthy decoder failed", failure.message);
      } else {
        bool omit = detour == Detour::CheckpointOmitHistory;
        std::vector<uint8_t> blob;
        if (!decoder->Checkpoint(omit, &blob, &failure)) Fail("checkpoint of a healthy decoder failed", failure.message);
        lz4framed::ByteView history{region.data(), produced};
        next = lz4framed::FrameDecoder::Restore(View(blob), omit ? &history : nullptr,
                                                settings, &failure);
        if (!next) Fail("restore of a fresh checkpoint failed", failure.message);
      }
      decoder = std::move(next);
    }
    chunkIndex++;
  } while (ok && pos < stream.size());
  if (ok) ok = decoder->Finish(&failure);
  result.out.assign(region.begin(), region.begin() + static_cast<std::ptrdiff_t>(produced));
  result.failed = !ok;
  result.code = ok ? std::string() : failure.code;
  result.inputOffset = decoder->inputOffset();
  result.outputOffset = decoder->outputOffset();
  return result;
}

// A new decoder through Feed.
inline Decoded Decode(const lz4framed::DecompressSettings& settings, const std::vector<uint8_t>& stream,
                      Chunker* chunker, Detour detour, unsigned detourAt) {
  auto decoder = std::make_unique<lz4framed::FrameDecoder>(settings);
  lz4framed::Failure failure;
  if (!decoder->Init(&failure)) Fail("decoder init failed", failure.message);
  return Feed(std::move(decoder), settings, stream, chunker, detour, detourAt);
}

// The same stream decoded whole and decoded in chunks with a detour must agree exactly.
inline void ExpectSame(const Decoded& whole, const Decoded& other, const char* how) {
  if (whole.failed != other.failed || whole.code != other.code) {
    Fail(how, "outcome differs: '" + whole.code + "' whole vs '" + other.code + "'");
  }
  if (!whole.failed && (whole.out != other.out || whole.inputOffset != other.inputOffset ||
                        whole.outputOffset != other.outputOffset)) {
    Fail(how, "output or offsets differ");
  }
}

}  // namespace fuzz
