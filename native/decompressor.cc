#include "decompressor.h"

#include <algorithm>
#include <vector>

#include "addon_data.h"
#include "async_job.h"
#include "frame_info.h"
#include "jobs.h"
#include "preferences.h"

namespace lz4framed {
namespace {
// The scratch grows to hold a block, or a few times a chunk's size, up to this.
constexpr size_t kMaxScratch = 16 * 1024 * 1024;
// No LZ4 block decodes to more than 255 bytes per input byte: a larger bound comes from forged
// block headers and is not worth allocating up front.
constexpr uint64_t kMaxExpansion = 255;

// The most outputs one job of a stream decodes before its promise settles (DecodeSteps): what a
// stream holds beyond what its consumer has read is at most this many outputs of about a budget.
constexpr size_t kMaxStepsPerJob = 4;

struct PlannedStep {
  ByteView input;
  uint64_t bound;
};

// How `input` is decoded in steps, each into a Buffer of its output bound, from block headers
// alone (dctx_state.h): without a budget, one step of all of it; with one, consecutive runs of
// whole 64 KiB pieces, each the shortest whose bound reaches the budget (the last may end with the
// input; DecodeStep stops after the same pieces), at most `maxSteps` of them. The bound of a run is
// the bound up to its end minus the bound up to its start: the walk counts each block once, where
// it completes. Ends early where the headers give no bound, or one beyond `limit` or beyond what
// blocks expand to (forged headers are not worth allocating for up front).
std::vector<PlannedStep> PlanSteps(const FrameDecoder& decoder, ByteView input, size_t budget, uint64_t limit,
                                   size_t maxSteps) {
  std::vector<PlannedStep> plan;
  size_t piece = budget == SIZE_MAX ? SIZE_MAX : DecodeStep::kDecodePiece;
  uint64_t boundBefore = 0;
  size_t start = 0;
  for (size_t length = 0; length < input.size && plan.size() < maxSteps;) {
    length += std::min(piece, input.size - length);
    uint64_t bound = 0;
    if (!decoder.OutputBound(ByteView{input.data, length}, &bound)) break;
    uint64_t own = bound - boundBefore;
    if (own >= limit || own > kMaxExpansion * (length - start) + decoder.BlockSize()) break;
    if (own >= budget || length == input.size) {
      plan.push_back(PlannedStep{ByteView{input.data + start, length - start}, own});
      boundBefore = bound;
      start = length;
    }
  }
  return plan;
}

// `step` decodes `planned` straight into a new Buffer of its bound, plus one byte so that liblz4
// always ends with room to spare.
void PreallocateStep(Napi::Env env, const PlannedStep& planned, unsigned* scratchCalls, DecodeStep* step) {
  Napi::Buffer<uint8_t> out = NewOutputBuffer(env, static_cast<size_t>(planned.bound) + 1);
  step->sink->Preallocate(out.Data(), out.Length());
  step->preallocated = Napi::Persistent(out);
  step->scratchCalls = scratchCalls;
  step->input = planned.input;
}
}  // namespace

Napi::Function Decompressor::Define(Napi::Env env) {
  return DefineClass(env, "Decompressor",
                     {
                         InstanceMethod<&Decompressor::Update>("update"),
                         InstanceMethod<&Decompressor::UpdateAsync>("updateAsync"),
                         InstanceMethod<&Decompressor::UpdateManyAsync>("updateManyAsync"),
                         InstanceMethod<&Decompressor::End>("end"),
                         InstanceMethod<&Decompressor::Close>("close"),
                         InstanceMethod<&Decompressor::Clone>("clone"),
                         InstanceMethod<&Decompressor::Checkpoint>("checkpoint"),
                         InstanceAccessor<&Decompressor::GetFrameInfo>("frameInfo"),
                         InstanceAccessor<&Decompressor::GetInputOffset>("inputOffset"),
                         InstanceAccessor<&Decompressor::GetOutputOffset>("outputOffset"),
                         InstanceAccessor<&Decompressor::GetNextInputHint>("nextInputHint"),
                     });
}

Decompressor::Decompressor(const Napi::CallbackInfo& info) : ContextWrap<Decompressor>(info) {
  Napi::Env env = info.Env();
  // Only Adopt() passes an External (JS cannot make one): take over a ready decoder.
  if (info[0].IsExternal()) {
    decoder_.reset(info[0].As<Napi::External<FrameDecoder>>().Data());
    AfterCall(env);
    return;
  }
  decoder_ = std::make_unique<FrameDecoder>(ReadDecompressSettings(info[0]));
  Failure failure;
  if (!decoder_->Init(&failure)) ThrowFailure(env, failure);
  AfterCall(env);
}

size_t Decompressor::NativeBytes() const { return (decoder_ ? decoder_->NativeBytes() : 0) + scratch_.capacity(); }

// update(chunk), updateAsync(chunk) and updateManyAsync(chunk, outputBudget): when block headers
// bound the output, it is decoded straight into the Buffer returned (PreallocateStep); otherwise
// it goes through the scratch buffer into a new Buffer. updateManyAsync decodes the chunk in pieces
// until `outputBudget` bytes are out (DecodeStep), then goes on for up to kMaxStepsPerJob such
// outputs in one job (DecodeSteps), which settles with all of them in order; the caller reads from
// inputOffset how much of the chunk was used.
Napi::Value Decompressor::Step(const Napi::CallbackInfo& info, StepMode mode) {
  Napi::Env env = info.Env();
  Decompressor* self = Usable(info);
  Napi::Value chunk = info[0];
  ByteView input = ReadBytes(chunk, "chunk");
  size_t budget = SIZE_MAX;
  if (mode == StepMode::AsyncMany) {
    double value = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
    if (!(value >= 1 && value < 9007199254740992.0)) throw Napi::RangeError::New(env, "outputBudget must be positive");
    budget = static_cast<size_t>(value);
  }
  // A failure met after earlier output of the last budgeted call: that output was returned
  // first, the failure is this call's.
  if (self->deferred_) {
    Failure failure = self->deferred_;
    self->deferred_ = Failure();
    ThrowFailure(env, failure);
  }
  uint64_t limit = self->decoder_->settings().maxOutputLength;
  // A step of this call: with the budget, it stops after the pieces PlanSteps gave it.
  auto newStep = [&]() {
    DecodeStep step;
    step.decoder = self->decoder_.get();
    step.input = input;
    step.sink = std::make_unique<OutputSink>(limit);
    step.outputBudget = budget;
    if (budget != SIZE_MAX) step.deferred = &self->deferred_;
    return step;
  };
  std::vector<PlannedStep> plan;
  if (self->scratchCalls_ > 0) {
    self->scratchCalls_--;
  } else {
    plan = PlanSteps(*self->decoder_, input, budget, limit, mode == StepMode::AsyncMany ? kMaxStepsPerJob : 1);
  }
  // The one step of a call that plans at most one: into its planned Buffer, else through scratch.
  auto singleStep = [&]() {
    DecodeStep step = newStep();
    if (plan.size() == 1) PreallocateStep(env, plan[0], &self->scratchCalls_, &step);
    if (step.preallocated.IsEmpty()) {
      size_t wanted = std::max(self->decoder_->BlockSize(), std::min(input.size * 4, kMaxScratch));
      if (self->scratch_.Reserve(wanted)) step.sink->Preallocate(self->scratch_.data(), self->scratch_.capacity());
    }
    step.sink->SizeHint(input.size * 4);
    return step;
  };
  if (mode == StepMode::AsyncMany) {
    DecodeSteps steps;
    if (plan.size() < 2) {
      steps.steps.push_back(singleStep());
    } else {
      for (const PlannedStep& planned : plan) {
        DecodeStep step = newStep();
        PreallocateStep(env, planned, &self->scratchCalls_, &step);
        step.afterEarlierSteps = !steps.steps.empty();
        steps.steps.push_back(std::move(step));
      }
    }
    return AsyncJob<DecodeSteps>::Start(env, std::move(steps), {info.This(), chunk}, self);
  }
  DecodeStep step = singleStep();
  if (mode == StepMode::Async) return AsyncJob<DecodeStep>::Start(env, std::move(step), {info.This(), chunk}, self);
  step.Run();
  self->AfterCall(env);
  return step.Finish(env);
}

Napi::Value Decompressor::End(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Decompressor* self = Usable(info);
  Failure failure = self->deferred_;
  self->deferred_ = Failure();
  // A failure a budgeted call met after output it returned is the stream's end too.
  if (failure || !self->decoder_->Finish(&failure)) ThrowFailure(env, failure);
  return env.Undefined();
}

Napi::Value Decompressor::Close(const Napi::CallbackInfo& info) {
  Decompressor* self = Checked(info.Env(), info.This());
  if (self->busy()) ThrowCoded(info.Env(), kBusy, "cannot close while an asynchronous operation is in progress");
  self->decoder_.reset();
  self->scratch_.Release();
  self->MarkClosed(info.Env());
  return info.Env().Undefined();
}

Napi::Object Decompressor::Adopt(Napi::Env env, std::unique_ptr<FrameDecoder> decoder) {
  Napi::External<FrameDecoder> handle = Napi::External<FrameDecoder>::New(env, decoder.get());
  Napi::Object object = AddonData::From(env).decompressorClass.New({handle});
  decoder.release();  // owned by the new handle now
  return object;
}

Napi::Value Decompressor::Clone(const Napi::CallbackInfo& info) {
  Decompressor* self = Usable(info);
  Failure failure;
  std::unique_ptr<FrameDecoder> copy = self->decoder_->Clone(&failure);
  if (!copy) ThrowFailure(info.Env(), failure);
  return Adopt(info.Env(), std::move(copy));
}

// checkpoint(omitHistory): the serialized state, see docs/checkpoint-format.md.
Napi::Value Decompressor::Checkpoint(const Napi::CallbackInfo& info) {
  Decompressor* self = Usable(info);
  bool omitHistory = info[0].ToBoolean().Value();
  std::vector<uint8_t> blob;
  Failure failure;
  if (!self->decoder_->Checkpoint(omitHistory, &blob, &failure)) ThrowFailure(info.Env(), failure);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), blob.data(), blob.size());
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
  return FrameInfoToJs(info.Env(), frame, headerSize, skippable ? frame.contentSize : 0);
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
