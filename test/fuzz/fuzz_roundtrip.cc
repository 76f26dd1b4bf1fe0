// Compression with fuzzed options (every level, block size and flag, a dictionary, the
// streaming encoder driven by fuzzed update / flush sizes, and the one-shot path), then
// decompression in fuzzed chunks with a clone or a checkpoint on the way: the output is the input.
//
// Input: level byte, block size byte, flags byte (bit 0 linked, 1 content checksum, 2 block
// checksum, 3 pledged content size, 4 favorDecSpeed, 5 autoFlush, 6 dictionary id), u32 chunk
// seed, u32-prefixed dictionary, then the content.
#include "frame_encoder.h"
#include "fuzz_support.h"

namespace {

lz4framed::CompressSettings EncoderSettings(uint8_t level, uint8_t blockSize, uint8_t flags,
                                            const std::vector<uint8_t>& dictionary, size_t contentSize) {
  lz4framed::CompressSettings s;
  LZ4F_preferences_t& p = s.prefs;
  p.compressionLevel = static_cast<int>(level % 29) - 16;  // -16 (fastest) .. 12 (LZ4HC max)
  p.frameInfo.blockSizeID = static_cast<LZ4F_blockSizeID_t>(LZ4F_max64KB + (blockSize & 3));
  p.frameInfo.blockMode = flags & 1 ? LZ4F_blockLinked : LZ4F_blockIndependent;
  p.frameInfo.contentChecksumFlag = flags & 2 ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  p.frameInfo.blockChecksumFlag = flags & 4 ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
  p.frameInfo.contentSize = flags & 8 ? contentSize : 0;
  p.favorDecSpeed = flags & 16 ? 1 : 0;
  p.autoFlush = flags & 32 ? 1 : 0;
  if (!dictionary.empty()) {
    size_t keep = dictionary.size() < lz4framed::kMaxDictionary ? dictionary.size() : lz4framed::kMaxDictionary;
    s.dictionary.assign(dictionary.end() - static_cast<std::ptrdiff_t>(keep), dictionary.end());
    s.hasDictionary = true;
    p.frameInfo.dictID = flags & 64 ? 0xC0FFEEu : 0;
  }
  return s;
}

std::vector<uint8_t> CompressStreaming(const lz4framed::CompressSettings& settings, const std::vector<uint8_t>& plain,
                                       uint32_t seed) {
  lz4framed::FrameEncoder encoder(settings);
  lz4framed::Failure failure;
  if (!encoder.Init(&failure)) fuzz::Fail("encoder init failed", failure.message);
  lz4framed::ScratchBuffer scratch;
  std::vector<uint8_t> frame;
  fuzz::Chunker chunker(seed);
  size_t pos = 0;
  for (;;) {
    size_t n = chunker.Next();
    if (n > plain.size() - pos) n = plain.size() - pos;
    bool last = pos + n == plain.size();
    auto mode = last ? lz4framed::FrameEncoder::Mode::End
                     : (n % 3 == 0 ? lz4framed::FrameEncoder::Mode::Flush : lz4framed::FrameEncoder::Mode::Update);
    size_t written = 0;
    if (!encoder.Run(fuzz::View(plain, pos, n), mode, &scratch, &written, &failure)) {
      fuzz::Fail("streaming compression failed", failure.message);
    }
    frame.insert(frame.end(), scratch.data(), scratch.data() + written);
    pos += n;
    if (last) return frame;
  }
}

std::vector<uint8_t> CompressOneShot(const lz4framed::CompressSettings& settings, const std::vector<uint8_t>& plain) {
  std::vector<uint8_t> frame(lz4framed::OneShotBound(settings, plain.size()));
  size_t written = 0;
  lz4framed::Failure failure;
  if (!lz4framed::CompressOneShot(settings, fuzz::View(plain), frame.data(), frame.size(),
                                  &written, &failure)) {
    fuzz::Fail("one-shot compression failed", failure.message);
  }
  frame.resize(written);
  return frame;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reader in(data, size);
  uint8_t level = in.Byte();
  uint8_t blockSize = in.Byte();
  uint8_t flags = in.Byte();
  uint32_t seed = in.U32();
  std::vector<uint8_t> dictionary = in.Field();
  std::vector<uint8_t> plain = in.Rest();
  lz4framed::CompressSettings settings = EncoderSettings(level, blockSize, flags, dictionary, plain.size());
  lz4framed::DecompressSettings decoding = fuzz::DecoderSettings(dictionary, false, plain.size());

  const fuzz::Detour detours[] = {fuzz::Detour::None, fuzz::Detour::Clone, fuzz::Detour::Checkpoint,
                                  fuzz::Detour::CheckpointOmitHistory};
  std::vector<uint8_t> frames[] = {CompressStreaming(settings, plain, seed), CompressOneShot(settings, plain)};
  for (const std::vector<uint8_t>& frame : frames) {
    fuzz::Chunker chunker(seed ^ 0x9e3779b9u);
    fuzz::Decoded back = fuzz::Decode(decoding, frame, &chunker, detours[seed % 4], (seed >> 2) % 8);
    if (back.failed) fuzz::Fail("a frame we made does not decode", back.code);
    if (back.out != plain) fuzz::Fail("round trip changed the content");
  }
  return 0;
}
