#include "jobs.h"

namespace lz4framed {

Napi::Value EncodeStep::Finish(Napi::Env env) {
  if (failure) ThrowFailure(env, failure);
  return Napi::Buffer<uint8_t>::Copy(env, scratch->data(), written);
}

Napi::Value CompressFrame::Finish(Napi::Env env) {
  if (failure) ThrowFailure(env, failure);
  return ShrinkToFit(env, output.Value(), written);
}

Napi::Value DecodeStep::Finish(Napi::Env env) {
  Napi::Buffer<uint8_t> prealloc = preallocated.IsEmpty() ? Napi::Buffer<uint8_t>() : preallocated.Value();
  if (failure && failure.kind != Failure::Kind::NoData) ThrowFailure(env, failure);
  Napi::Buffer<uint8_t> out = sink->ToBuffer(env, prealloc);
  if (failure) throw MakeJsError(env, failure, out);
  return out;
}

}  // namespace lz4framed
