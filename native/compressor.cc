#include "compressor.h"

#include "addon_data.h"
#include "async_job.h"
#include "jobs.h"
#include "preferences.h"

namespace lz4framed {

Napi::Function Compressor::Define(Napi::Env env) {
  return DefineClass(env, "Compressor",
                     {
                         InstanceMethod<&Compressor::Update>("update"),
                         InstanceMethod<&Compressor::Flush>("flush"),
                         InstanceMethod<&Compressor::End>("end"),
                         InstanceMethod<&Compressor::UpdateAsync>("updateAsync"),
                         InstanceMethod<&Compressor::FlushAsync>("flushAsync"),
                         InstanceMethod<&Compressor::EndAsync>("endAsync"),
                         InstanceMethod<&Compressor::Close>("close"),
                     });
}

Compressor::Compressor(const Napi::CallbackInfo& info) : ContextWrap<Compressor>(info) {
  Napi::Env env = info.Env();
  encoder_ = std::make_unique<FrameEncoder>(ReadCompressSettings(info[0]));
  Failure failure;
  if (!encoder_->Init(&failure)) ThrowFailure(env, failure);
  AfterCall(env);
}

size_t Compressor::NativeBytes() const { return (encoder_ ? encoder_->NativeBytes() : 0) + scratch_.capacity(); }

Napi::Value Compressor::Step(const Napi::CallbackInfo& info, FrameEncoder::Mode mode, bool async) {
  Napi::Env env = info.Env();
  Compressor* self = Usable(info);
  Napi::Value chunk = info.Length() > 0 ? info[0] : env.Undefined();
  bool hasInput = mode != FrameEncoder::Mode::Flush && !chunk.IsUndefined();
  if (mode == FrameEncoder::Mode::Update && chunk.IsUndefined()) {
    throw Napi::TypeError::New(env, "chunk must be an ArrayBufferView or ArrayBuffer");
  }
  ByteView input = hasInput ? ReadBytes(chunk, "chunk") : ByteView{};
  EncodeStep step;
  step.encoder = self->encoder_.get();
  step.scratch = &self->scratch_;
  step.input = input;
  step.mode = mode;
  if (async) return AsyncJob<EncodeStep>::Start(env, std::move(step), {info.This(), chunk}, self);
  step.Run();
  self->AfterCall(env);
  return step.Finish(env);
}

Napi::Value Compressor::Close(const Napi::CallbackInfo& info) {
  Compressor* self = Checked(info.Env(), info.This());
  if (self->busy()) ThrowCoded(info.Env(), kBusy, "cannot close while an asynchronous operation is in progress");
  self->encoder_.reset();
  self->scratch_.Release();
  self->MarkClosed(info.Env());
  return info.Env().Undefined();
}

}  // namespace lz4framed
