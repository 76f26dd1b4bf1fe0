// Arbitrary checkpoint bytes handed to restore, then decoding: a bad blob is refused
// (ERR_LZ4_BAD_CHECKPOINT), never a crash, a hang or a decoder that later reads or writes out of
// bounds. A blob that restores is one lz4framed_checkpoint_info accepts, and the decoder it gives
// checkpoints again into a blob that continues exactly like it.
//
// Input: u32-prefixed blob, u32-prefixed history (length 0xFFFFFFFF: none), flags byte (bit 0
// skipChecksums), u32-prefixed dictionary, u32 chunk seed, then the stream to continue with.
#include "dctx_state.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reader in(data, size);
  std::vector<uint8_t> blob = in.Field();
  bool hasHistory = true;
  std::vector<uint8_t> history;
  {
    uint32_t n = in.U32();
    if (n == 0xFFFFFFFFu) {
      hasHistory = false;
    } else {
      if (n > in.Left()) n = static_cast<uint32_t>(in.Left());
      for (uint32_t i = 0; i < n; i++) history.push_back(in.Byte());
    }
  }
  uint8_t flags = in.Byte();
  std::vector<uint8_t> dictionary = in.Field();
  uint32_t seed = in.U32();
  std::vector<uint8_t> stream = in.Rest();
  const size_t limit = 4 << 20;
  lz4framed::DecompressSettings settings = fuzz::DecoderSettings(dictionary, flags & 1, limit);

  lz4framed_checkpoint_info_t info;
  const char* why = nullptr;
  bool valid = lz4framed_checkpoint_info(fuzz::View(blob).data, blob.size(), &info, &why) != 0;
  if (!valid && why == nullptr) fuzz::Fail("checkpoint_info refused a blob without saying why");

  lz4framed::Failure failure;
  lz4framed::ByteView historyView = fuzz::View(history);
  auto restored = lz4framed::FrameDecoder::Restore(fuzz::View(blob),
                                                   hasHistory ? &historyView : nullptr, settings, &failure);
  if (!restored) {
    if (failure.code != lz4framed::kBadCheckpoint) fuzz::Fail("restore failed with an unexpected code", failure.code);
    return 0;
  }
  if (!valid) fuzz::Fail("restore accepted a blob that checkpoint_info refuses", why);
  if (restored->inputOffset() != info.input_offset || restored->outputOffset() != info.output_offset) {
    fuzz::Fail("restored offsets differ from checkpoint_info");
  }

  // Checkpoint the restored decoder again (history embedded) and restore that: twins.
  std::vector<uint8_t> again;
  if (!restored->Checkpoint(false, &again, &failure)) fuzz::Fail("re-checkpoint of a restored decoder failed", failure.message);
  auto twin = lz4framed::FrameDecoder::Restore(fuzz::View(again), nullptr, settings, &failure);
  if (!twin) fuzz::Fail("restore of a re-checkpoint failed", failure.message);

  // The twins continue alike, however their input is cut, with or without a further detour.
  fuzz::Chunker chunker(seed);
  fuzz::Decoded first = fuzz::Feed(std::move(restored), settings, stream, nullptr, fuzz::Detour::None, 0);
  fuzz::Decoded second = fuzz::Feed(std::move(twin), settings, stream, &chunker,
                                    static_cast<fuzz::Detour>(seed % 4), (seed >> 2) % 8);
  fuzz::ExpectSame(first, second, "restored twins");
  return 0;
}
