// Module init only: classes, functions, constants and versions. Context-aware: all state lives
// in AddonData, one per environment, so the addon loads in the main thread and every worker.
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <napi.h>

#include "addon_data.h"
#include "checkpoint_info.h"
#include "compressor.h"
#include "decompressor.h"
#include "frame_info.h"
#include "one_shot.h"
#include "parallel_compress.h"

namespace lz4framed {
namespace {

Napi::Value SetErrorClasses(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "setErrorClasses(Error, NoDataError) takes two constructors");
  }
  AddonData::From(info.Env()).SetErrorClasses(info[0].As<Napi::Function>(), info[1].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);

  Napi::Function compressor = Compressor::Define(env);
  Napi::Function decompressor = Decompressor::Define(env);
  data->compressorClass = Napi::Persistent(compressor);
  data->decompressorClass = Napi::Persistent(decompressor);
  exports.Set("Compressor", compressor);
  exports.Set("Decompressor", decompressor);

  exports.Set("setErrorClasses", Napi::Function::New<SetErrorClasses>(env, "setErrorClasses"));
  exports.Set("compressSync", Napi::Function::New<CompressSync>(env, "compressSync"));
  exports.Set("compress", Napi::Function::New<CompressAsync>(env, "compress"));
  exports.Set("decompressSync", Napi::Function::New<DecompressSync>(env, "decompressSync"));
  exports.Set("decompress", Napi::Function::New<DecompressAsync>(env, "decompress"));
  exports.Set("frameHeader", Napi::Function::New<FrameHeaderSync>(env, "frameHeader"));
  exports.Set("partBound", Napi::Function::New<PartBoundSync>(env, "partBound"));
  exports.Set("outputBuffer", Napi::Function::New<OutputBufferSync>(env, "outputBuffer"));
  exports.Set("compressParts", Napi::Function::New<CompressPartsAsync>(env, "compressParts"));
  exports.Set("copyPieces", Napi::Function::New<CopyPiecesSync>(env, "copyPieces"));
  exports.Set("restoreDecompressor", Napi::Function::New<RestoreDecompressor>(env, "restoreDecompressor"));
  exports.Set("readCheckpointInfo", Napi::Function::New<ReadCheckpointInfo>(env, "readCheckpointInfo"));
  exports.Set("getFrameInfo", Napi::Function::New<GetFrameInfo>(env, "getFrameInfo"));

  exports.Set("LZ4_VERSION", Napi::String::New(env, LZ4_versionString()));
  exports.Set("LZ4_VERSION_NUMBER", Napi::Number::New(env, LZ4_versionNumber()));
  exports.Set("LZ4F_VERSION", Napi::Number::New(env, LZ4F_getVersion()));
  exports.Set("LEVEL_MAX", Napi::Number::New(env, LZ4F_compressionLevel_max()));
  exports.Set("LEVEL_HC_MIN", Napi::Number::New(env, LZ4HC_CLEVEL_MIN));
  exports.Set("LEVEL_FAST_MIN", Napi::Number::New(env, -65537));
  return exports;
}

}  // namespace
}  // namespace lz4framed

static Napi::Object InitLz4framed(Napi::Env env, Napi::Object exports) { return lz4framed::Init(env, exports); }

NODE_API_MODULE(lz4framed, InitLz4framed)
