#include "checkpoint_info.h"

#include "bytes.h"
#include "dctx_state.h"
#include "decompressor.h"
#include "errors.h"
#include "frame_decoder.h"
#include "preferences.h"

namespace lz4framed {

Napi::Value RestoreDecompressor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView blob = ReadBytes(info[0], "checkpoint");
  bool hasHistory = !info[1].IsUndefined() && !info[1].IsNull();
  ByteView history = hasHistory ? ReadBytes(info[1], "options.history") : ByteView{};
  DecompressSettings settings = ReadDecompressSettings(info[2]);
  Failure failure;
  std::unique_ptr<FrameDecoder> decoder =
      FrameDecoder::Restore(blob, hasHistory ? &history : nullptr, std::move(settings), &failure);
  if (!decoder) ThrowFailure(env, failure);
  return Decompressor::Adopt(env, std::move(decoder));
}

Napi::Value ReadCheckpointInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView blob = ReadBytes(info[0], "checkpoint");
  lz4framed_checkpoint_info_t cp;
  const char* why = "unknown reason";
  if (!lz4framed_checkpoint_info(blob.data, blob.size, &cp, &why)) {
    ThrowCoded(env, kBadCheckpoint, std::string("invalid checkpoint: ") + why);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("inputOffset", Napi::Number::New(env, static_cast<double>(cp.input_offset)));
  o.Set("outputOffset", Napi::Number::New(env, static_cast<double>(cp.output_offset)));
  const char* stage = lz4framed_stage_name(cp.stage);
  o.Set("stage", stage ? Napi::String::New(env, stage) : Napi::String::New(env, std::to_string(cp.stage)));
  o.Set("blockLinked", Napi::Boolean::New(env, cp.block_linked != 0));
  o.Set("historyLength", Napi::Number::New(env, cp.history_length));
  o.Set("historyEmbedded", Napi::Boolean::New(env, cp.history_embedded != 0));
  o.Set("byteLength", Napi::Number::New(env, static_cast<double>(cp.byte_length)));
  return o;
}

}  // namespace lz4framed
