// Native handle over one LZ4F_dctx: streaming decompression, sync and async.
#pragma once

#include <napi.h>

#include <memory>

#include "bytes.h"
#include "context_wrap.h"
#include "frame_decoder.h"

namespace lz4framed {

class Decompressor : public ContextWrap<Decompressor> {
 public:
  static constexpr napi_type_tag kTypeTag = {0x6c7a3466726d6564ULL, 0x4465636f6d707273ULL};
  static constexpr const char* kClassName = "Decompressor";

  static Napi::Function Define(Napi::Env env);
  // A new JS handle that owns `decoder` (a clone or a restored decoder).
  static Napi::Object Adopt(Napi::Env env, std::unique_ptr<FrameDecoder> decoder);
  explicit Decompressor(const Napi::CallbackInfo& info);
  size_t NativeBytes() const;
  // Copies the decoder's offsets and frame info for the getters while no job runs.
  void Refresh();
  // node-addon-api calls Finalize(Env) only if T itself declares one (its check does not see
  // ContextWrap's), and without it V8 never hears that a collected context's memory is gone.
  void Finalize(Napi::Env env) override { ContextWrap::Finalize(env); }

 private:
  enum class StepMode { Sync, Async, AsyncMany };
  Napi::Value Step(const Napi::CallbackInfo& info, StepMode mode);
  Napi::Value Update(const Napi::CallbackInfo& info) { return Step(info, StepMode::Sync); }
  Napi::Value UpdateAsync(const Napi::CallbackInfo& info) { return Step(info, StepMode::Async); }
  Napi::Value UpdateManyAsync(const Napi::CallbackInfo& info) { return Step(info, StepMode::AsyncMany); }
  Napi::Value End(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Clone(const Napi::CallbackInfo& info);
  Napi::Value Checkpoint(const Napi::CallbackInfo& info);
  Napi::Value GetFrameInfo(const Napi::CallbackInfo& info);
  Napi::Value GetInputOffset(const Napi::CallbackInfo& info);
  Napi::Value GetOutputOffset(const Napi::CallbackInfo& info);
  Napi::Value GetNextInputHint(const Napi::CallbackInfo& info);

  std::unique_ptr<FrameDecoder> decoder_;
  // Where update() output lands first, kept between calls: a fresh block-sized buffer per call
  // cost page faults on every call (bench/).
  ScratchBuffer scratch_;
  // A failure a budgeted call met after output it returned; the next call throws it.
  Failure deferred_;
  // Calls left that go through the scratch instead of an output sized by the block headers'
  // bound: set when a bound overstated the output enough to cost a copy anyway (streams flushed
  // into blocks shorter than their block size).
  unsigned scratchCalls_ = 0;
  uint64_t inputOffset_ = 0;
  uint64_t outputOffset_ = 0;
  size_t nextInputHint_ = 0;
  bool hasFrameInfo_ = false;
  LZ4F_frameInfo_t frameInfo_{};
};

}  // namespace lz4framed
