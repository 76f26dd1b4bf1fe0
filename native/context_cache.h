// Contexts kept between the sync one-shot calls of one environment (they all run on its JS
// thread, one at a time): creating a context per call, and faulting in a new 256 KiB HC state,
// cost more than compressing or decoding 1 KiB (bench/). A compression context is handed out in
// the state a new one has, so a frame never depends on the calls before it. Owned by AddonData,
// so no statics.
#pragma once

#include <lz4frame.h>

namespace lz4framed {

class ContextCache {
 public:
  ContextCache() = default;
  ContextCache(const ContextCache&) = delete;
  ContextCache& operator=(const ContextCache&) = delete;
  ~ContextCache();

  // The cached context or a new one (nullptr when memory runs out); give it back when done.
  LZ4F_cctx* TakeCompression();
  void GiveBack(LZ4F_cctx* cctx);
  LZ4F_dctx* TakeDecompression();
  // Reset first: a context that met an error is undefined until liblz4 resets it.
  void GiveBack(LZ4F_dctx* dctx);

 private:
  LZ4F_cctx* cctx_ = nullptr;
  LZ4F_dctx* dctx_ = nullptr;
};

}  // namespace lz4framed
