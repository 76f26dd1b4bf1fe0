#include "jobs.h"

#include <algorithm>

#include "checksum_aside.h"
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
  if (output.IsEmpty()) return Napi::Buffer<uint8_t>::Copy(env, dst, written);  // a scratch frame
  return ShrinkToFit(env, output.Value(), written);
}

void DecodeStep::Run() {
  Decode();
  // The output is about to be handed over: liblz4's history window moves out of it.
  decoder->ReleaseOutput();
}

// Every piece is fed with outputStays: the sink's memory stays put until Finish().
void DecodeStep::Decode() {
  if (outputBudget != SIZE_MAX) {
    for (size_t pos = 0; pos < input.size && sink->size() < outputBudget; piecesDone++) {
      size_t n = std::min(kDecodePiece, input.size - pos);
      sink->LimitFromHere();
      if (!decoder->Feed(ByteView{input.data + pos, n}, sink.get(), &failure, true)) return;
      pos += n;
    }
    return;
  }
  // Content checksums hashed on a helper while this thread decodes: worth a thread from a few MiB,
  // and only where decoding is slower than the helper's hashing from memory (see jobs.h).
  std::unique_ptr<ChecksumAside> aside;
  bool slowToDecode =
      prefaultSize >= kChecksumAsideMinRatio * input.size && prefaultSize <= kChecksumAsideMaxRatio * input.size;
  if (finish && ownedDecoder && prefaultSize >= kChecksumAsideBytes && slowToDecode &&
      !decoder->settings().skipChecksums) {
    aside = ChecksumAside::Start();
    if (aside) decoder->CheckContentAside(aside.get(), input);
  }
  // With an exact size the helper faults in all of the output; with only a bound it follows the
  // decoder, which reports after each step (the same decoder fed in slices, as update() would be).
  bool followed = !(prefaultExact || prefaultSize == 0);
  BackgroundPrefault prefault(prefaultData, prefaultSize, followed ? kFollowedStep : SIZE_MAX, kFollowedLeadFloor);
  size_t step = SIZE_MAX;
  if (followed) {
    double inputPerOutput = static_cast<double>(input.size) / static_cast<double>(prefaultSize);
    step = std::max(kDecodePiece / 4, static_cast<size_t>(inputPerOutput * kFollowedStep));
  }
  // The checksum helper hears of the output after each step.
  if (aside) step = std::min(step, kChecksumAsideStep);
  for (size_t pos = 0; pos < input.size;) {
    size_t n = std::min(step, input.size - pos);
    if (!decoder->Feed(ByteView{input.data + pos, n}, sink.get(), &failure, true)) return;
    pos += n;
    if (followed) prefault.Reached(sink->size());
  }
  if (finish) decoder->Finish(&failure);
}

Napi::Value DecodeStep::Finish(Napi::Env env) {
  if (failure && deferred != nullptr && (piecesDone > 0 || afterEarlierSteps)) {
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

void DecodeSteps::Run() {
  for (last = 0; last < steps.size(); last++) {
    steps[last].Run();
    if (steps[last].failure || last + 1 == steps.size()) return;
  }
}

Napi::Value DecodeSteps::Finish(Napi::Env env) {
  Napi::Array outputs = Napi::Array::New(env, last + 1);
  for (size_t i = 0; i <= last; i++) outputs.Set(static_cast<uint32_t>(i), steps[i].Finish(env));
  return outputs;
}

}  // namespace lz4framed
