#include "context_cache.h"

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
    cctx_ = cctx;  // LZ4F_compressBegin starts every frame afresh, even after an error
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
