// Arbitrary bytes through the streaming decoder (FrameDecoder, as the addon drives liblz4): no
// crash, no out-of-bounds access or undefined behaviour, and the same output, offsets and error
// whether the input comes whole or cut into chunks with the decoder cloned, or checkpointed and
// restored, between two of them.
//
// Input: flags byte (bit 0 skipChecksums), u32 chunk seed, u32 detour chunk index,
// u32-prefixed dictionary, then the stream.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reader in(data, size);
  uint8_t flags = in.Byte();
  uint32_t seed = in.U32();
  uint32_t detourAt = in.U32() % 16;
  std::vector<uint8_t> dictionary = in.Field();
  std::vector<uint8_t> stream = in.Rest();
  // Small inputs cannot legitimately decode to much: 4 MiB bounds the work of one run.
  lz4framed::DecompressSettings settings = fuzz::DecoderSettings(dictionary, flags & 1, 4 << 20);

  fuzz::Decoded whole = fuzz::Decode(settings, stream, nullptr, fuzz::Detour::None, 0);
  const fuzz::Detour detours[] = {fuzz::Detour::None, fuzz::Detour::Clone, fuzz::Detour::Checkpoint,
                                  fuzz::Detour::CheckpointOmitHistory};
  for (fuzz::Detour detour : detours) {
    fuzz::Chunker chunker(seed);
    fuzz::ExpectSame(whole, fuzz::Decode(settings, stream, &chunker, detour, detourAt), "chunked decode");
  }
  return 0;
}
