// Native handle over one LZ4F_cctx: streaming compression, sync and async.
#pragma once

#include <napi.h>

#include <memory>

#include "bytes.h"
#include "context_wrap.h"
#include "frame_encoder.h"

namespace lz4framed {

class Compressor : public ContextWrap<Compressor> {
 public:
  static constexpr napi_type_tag kTypeTag = {0x6c7a3466726d6564ULL, 0x436f6d7072657373ULL};
  static constexpr const char* kClassName = "Compressor";

  static Napi::Function Define(Napi::Env env);
  explicit Compressor(const Napi::CallbackInfo& info);
  size_t NativeBytes() const;
  void Refresh() {}
  // node-addon-api calls Finalize(Env) only if T itself declares one (its check does not see
  // ContextWrap's), and without it V8 never hears that a collected context's memory is gone.
  void Finalize(Napi::Env env) override { ContextWrap::Finalize(env); }

 private:
  // update(chunk) / flush() / end(chunk?) and their Async forms share one step each.
  Napi::Value Step(const Napi::CallbackInfo& info, FrameEncoder::Mode mode, bool async);
  Napi::Value Update(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::Update, false); }
  Napi::Value Flush(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::Flush, false); }
  Napi::Value End(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::End, false); }
  Napi::Value UpdateAsync(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::Update, true); }
  Napi::Value FlushAsync(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::Flush, true); }
  Napi::Value EndAsync(const Napi::CallbackInfo& info) { return Step(info, FrameEncoder::Mode::End, true); }
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::unique_ptr<FrameEncoder> encoder_;
  ScratchBuffer scratch_;
};

}  // namespace lz4framed
