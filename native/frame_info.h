// FrameInfo objects as lib/ exposes them, and the header facts one-shot decoding needs early.
#pragma once

#include <lz4frame.h>
#include <napi.h>

#include "bytes.h"

namespace lz4framed {

size_t BlockSizeBytes(LZ4F_blockSizeID_t id);
Napi::Object FrameInfoToJs(Napi::Env env, const LZ4F_frameInfo_t& info, size_t headerSize, uint64_t skippableSize);
// getFrameInfo(input): the header of the frame `input` begins with.
Napi::Value GetFrameInfo(const Napi::CallbackInfo& info);

}  // namespace lz4framed
