#include "jobs.h"

namespace lz4framed {

Napi::Buffer<uint8_t> ShrinkToFit(Napi::Env env, Napi::Buffer<uint8_t> buffer, size_t used) {
  size_t capacity = buffer.Length();
  if (used == capacity) return buffer;
  if (used >= capacity - capacity / 8) {
    Napi::Function subarray = buffer.Get("subarray").As<Napi::Function>();
    return subarray.Call(buffer, {Napi::Number::New(env, 0), Napi::Number::New(env, static_cast<double>(used))})
        .As<Napi::Buffer<uint8_t>>();
  }
  return Napi::Buffer<uint8_t>::Copy(env, buffer.Data(), used);
}

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
