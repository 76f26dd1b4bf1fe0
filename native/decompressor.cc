#include "decompressor.h"

#include "async_job.h"
#include "frame_info.h"
#include "jobs.h"
#include "preferences.h"

namespace lz4framed {

Napi::Function Decompressor::Define(Napi::Env env) {
  return DefineClass(env, "Decompressor",
                     {
                         InstanceMethod<&Decompressor::Update>("update"),
                         InstanceMethod<&Decompressor::UpdateAsync>("updateAsync"),
                         InstanceMethod<&Decompressor::End>("end"),
                         InstanceMethod<&Decompressor::Close>("close"),
                         InstanceAccessor<&Decompressor::GetFrameInfo>("frameInfo"),
                         InstanceAccessor<&Decompressor::GetInputOffset>("inputOffset"),
                         InstanceAccessor<&Decompressor::GetOutputOffset>("outputOffset"),
                         InstanceAccessor<&Decompressor::GetNextInputHint>("nextInputHint"),
                     });
}

Decompressor::Decompressor(const Napi::CallbackInfo& info) : ContextWrap<Decompressor>(info) {
  Napi::Env env = info.Env();
  decoder_ = std::make_unique<FrameDecoder>(ReadDecompressSettings(info[0]));
  Failure failure;
  if (!decoder_->Init(&failure)) ThrowFailure(env, failure);
  AfterCall(env);
}

size_t Decompressor::NativeBytes() const { return decoder_ ? decoder_->NativeBytes() : 0; }

Napi::Value Decompressor::Step(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  Decompressor* self = Usable(info);
  Napi::Value chunk = info[0];
  ByteView input = ReadBytes(chunk, "chunk");
  DecodeStep step;
  step.decoder = self->decoder_.get();
  step.input = input;
  step.sink = std::make_unique<OutputSink>(self->decoder_->settings().maxOutputLength);
  step.sink->SizeHint(input.size * 4);
  if (async) return AsyncJob<DecodeStep>::Start(env, std::move(step), {info.This(), chunk}, self);
  step.Run();
  self->AfterCall(env);
  return step.Finish(env);
}

Napi::Value Decompressor::End(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Decompressor* self = Usable(info);
  Failure failure;
  if (!self->decoder_->Finish(&failure)) ThrowFailure(env, failure);
  return env.Undefined();
}

Napi::Value Decompressor::Close(const Napi::CallbackInfo& info) {
  Decompressor* self = Checked(info.Env(), info.This());
  if (self->busy()) ThrowCoded(info.Env(), kBusy, "cannot close while an asynchronous operation is in progress");
  self->decoder_.reset();
  self->MarkClosed(info.Env());
  return info.Env().Undefined();
}

void Decompressor::Refresh() {
  if (!decoder_) return;  // closed: the getters keep the last values
  inputOffset_ = decoder_->inputOffset();
  outputOffset_ = decoder_->outputOffset();
  nextInputHint_ = decoder_->nextInputHint();
  hasFrameInfo_ = decoder_->FrameInfo(&frameInfo_);
}

Napi::Value Decompressor::GetFrameInfo(const Napi::CallbackInfo& info) {
  Decompressor* self = Checked(info.Env(), info.This());
  if (!self->hasFrameInfo_) return info.Env().Undefined();
  const LZ4F_frameInfo_t& frame = self->frameInfo_;
  bool skippable = frame.frameType == LZ4F_skippableFrame;
  size_t headerSize = skippable ? 8 : 7 + (frame.contentSize ? 8 : 0) + (frame.dictID ? 4 : 0);
  return FrameInfoToJs(info.Env(), frame, headerSize, 0);
}

Napi::Value Decompressor::GetInputOffset(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Checked(info.Env(), info.This())->inputOffset_));
}

Napi::Value Decompressor::GetOutputOffset(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Checked(info.Env(), info.This())->outputOffset_));
}

Napi::Value Decompressor::GetNextInputHint(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Checked(info.Env(), info.This())->nextInputHint_));
}

}  // namespace lz4framed
