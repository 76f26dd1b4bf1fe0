#include "context_cache.h"

#include <cstdint>

namespace lz4framed {

ContextCache::~ContextCache() {
  LZ4F_freeCompressionContext(cctx_);
  LZ4F_freeDecompressionContext(dctx_);
}

LZ4F_cctx* ContextCache::TakeCompression() {
  LZ4F_cctx* cctx = cctx_;
  cctx_ = nullptr;
  if (cctx == nullptr && LZ4F_isError(LZ4F_createCompressionContext(&cctx, LZ4F_VERSION))) return nullptr;
  return cctx;
}

void ContextCache::GiveBack(LZ4F_cctx* cctx) {
  if (cctx_ == nullptr) {
    // LZ4F_compressBegin only resets an HC state of the same type, and a reset state compresses
    // differently from a cleared one (favorDecSpeed frames differed between calls). A frame begun
    // at a fast level turns the state into a fast one, so the next HC frame clears it in full, in
    // memory that is already mapped: the allocation is what the cache saves. Independent blocks
    // with autoFlush need no block buffer, so this allocates nothing.
    LZ4F_preferences_t fast{};
    fast.autoFlush = 1;
    fast.frameInfo.blockMode = LZ4F_blockIndependent;
    uint8_t header[LZ4F_HEADER_SIZE_MAX];
    LZ4F_compressBegin(cctx, header, sizeof header, &fast);
    cctx_ = cctx;
  } else {
    LZ4F_freeCompressionContext(cctx);
  }
}

LZ4F_dctx* ContextCache::TakeDecompression() {
  LZ4F_dctx* dctx = dctx_;
  dctx_ = nullptr;
  if (dctx == nullptr && LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) return nullptr;
  return dctx;
}

void ContextCache::GiveBack(LZ4F_dctx* dctx) {
  if (dctx_ == nullptr && dctx != nullptr) {
    LZ4F_resetDecompressionContext(dctx);
    dctx_ = dctx;
  } else {
    LZ4F_freeDecompressionContext(dctx);
  }
}

}  // namespace lz4framed
