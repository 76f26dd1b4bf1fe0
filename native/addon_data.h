// Per-instance state of the addon (one per Node environment: main thread or worker), so the
// addon holds no mutable statics and loads in every worker thread.
#pragma once

#include <napi.h>

#include "bytes.h"
#include "context_cache.h"
#include "errors.h"

namespace lz4framed {

class AddonData {
 public:
  static AddonData& From(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

  // lib/ registers its error classes once at load; until then errors are plain Errors with a code.
  void SetErrorClasses(Napi::Function error, Napi::Function noData);
  Napi::Error MakeError(Napi::Env env, const Failure& failure, Napi::Value partial);

  ContextCache contexts;
  // Where compressSync and decompressSync write small outputs before copying them out (one_shot.cc).
  ScratchBuffer smallFrames;
  Napi::FunctionReference compressorClass;
  Napi::FunctionReference decompressorClass;

 private:
  Napi::FunctionReference errorClass_;
  Napi::FunctionReference noDataClass_;
};

}  // namespace lz4framed
