#include "frame_walk.h"

#include <lz4frame.h>

#include "frame_info.h"

namespace lz4framed {
namespace {

constexpr uint32_t kFrameMagic = 0x184D2204U;
constexpr uint32_t kSkippableMask = 0xFFFFFFF0U;
constexpr uint32_t kSkippableMagic = 0x184D2A50U;
constexpr uint32_t kUncompressedBit = 0x80000000U;

}  // namespace

bool DecodedSizeBound(ByteView input, uint64_t* bound, bool* exact) {
  const uint8_t* p = input.data;
  const uint8_t* end = input.data + input.size;
  uint64_t total = 0;
  bool declared = true;
  if (p == end) return false;
  while (p < end) {
    if (end - p < 8) return false;
    uint32_t magic = ReadLE32(p);
    if ((magic & kSkippableMask) == kSkippableMagic) {
      uint64_t skip = 8 + static_cast<uint64_t>(ReadLE32(p + 4));
      if (skip > static_cast<uint64_t>(end - p)) return false;
      p += skip;
      continue;
    }
    if (magic != kFrameMagic || end - p < 7) return false;
    const uint8_t flg = p[4];
    const uint8_t bd = p[5];
    bool blockChecksum = flg & 0x10;
    bool hasContentSize = flg & 0x08;
    bool contentChecksum = flg & 0x04;
    bool hasDictId = flg & 0x01;
    unsigned blockSizeId = (bd >> 4) & 7;
    if (blockSizeId < 4) return false;
    size_t header = 7 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
    if (static_cast<size_t>(end - p) < header) return false;
    uint64_t size = hasContentSize ? ReadLE64(p + 6) : 0;
    const uint64_t blockMax = BlockSizeBytes(static_cast<LZ4F_blockSizeID_t>(blockSizeId));
    p += header;
    uint64_t blocks = 0;
    for (;;) {
      if (end - p < 4) return false;
      uint32_t word = ReadLE32(p);
      p += 4;
      if (word == 0) break;  // end mark
      uint32_t size = word & ~kUncompressedBit;
      if (size > blockMax) return false;
      uint64_t step = static_cast<uint64_t>(size) + (blockChecksum ? 4 : 0);
      if (step > static_cast<uint64_t>(end - p)) return false;
      blocks += (word & kUncompressedBit) ? size : blockMax;
      p += step;
    }
    if (contentChecksum) {
      if (end - p < 4) return false;
      p += 4;
    }
    uint64_t frameBound = hasContentSize ? size : blocks;
    declared = declared && hasContentSize;
    if (frameBound > UINT64_MAX - total) return false;  // forged sizes: no preallocation
    total += frameBound;
  }
  *bound = total;
  if (exact != nullptr) *exact = declared;
  return true;
}

}  // namespace lz4framed
