#include "jobs.h"

#include <algorithm>

#include "prefault.h"

namespace lz4framed {

Napi::Value EncodeStep::Finish(Napi::Env env) {
  if (failure) ThrowFailure(env, failure);
  return Napi::Buffer<uint8_t>::Copy(env, scratch->data(), written);
}

void CompressFrame::Run() {
  // Until the first step reports how much a step writes, the helper stays one step of an input
  // that does not compress ahead of the encoder.
  BackgroundPrefault prefault(dst, capacity, kOneShotStep);
  CompressOneShot(settings, input, dst, capacity, &written, &failure, context, &prefault);
}

Napi::Value CompressFrame::Finish(Napi::Env env) {
  if (failure) ThrowFailure(env, failure);
  return ShrinkToFit(env, output.Value(), written);
}

void DecodeStep::Run() {
  BackgroundPrefault prefault(prefaultData, prefaultSize);
  if (outputBudget == SIZE_MAX) {
    if (decoder->Feed(input, sink.get(), &failure) && finish) decoder->Finish(&failure);
    return;
  }
  for (size_t pos = 0; pos < input.size && sink->size() < outputBudget; piecesDone++) {
    size_t n = std::min(kDecodePiece, input.size - pos);
    sink->LimitFromHere();
    if (!decoder->Feed(ByteView{input.data + pos, n}, sink.get(), &failure)) return;
    pos += n;
  }
}

Napi::Value DecodeStep::Finish(Napi::Env env) {
  if (failure && deferred != nullptr && piecesDone > 0) {
    *deferred = failure;
    failure = Failure();
  }
  if (failure && failure.kind != Failure::Kind::NoData) ThrowFailure(env, failure);
  Napi::Buffer<uint8_t> prealloc = preallocated.IsEmpty() ? Napi::Buffer<uint8_t>() : preallocated.Value();
  Napi::Buffer<uint8_t> out = sink->ToBuffer(env, prealloc);
  bool copied = !prealloc.IsEmpty() && out.Length() > 0 && out.Data() != prealloc.Data();
  if (scratchCalls != nullptr && copied) *scratchCalls = kScratchCalls;
  if (failure) throw MakeJsError(env, failure, out);
  return out;
}

}  // namespace lz4framed
