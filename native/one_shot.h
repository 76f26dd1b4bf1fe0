// The one-shot functions: compress / decompress a whole input, sync or on the threadpool.
#pragma once

#include <napi.h>

namespace lz4framed {

Napi::Value CompressSync(const Napi::CallbackInfo& info);
Napi::Value CompressAsync(const Napi::CallbackInfo& info);
Napi::Value DecompressSync(const Napi::CallbackInfo& info);
Napi::Value DecompressAsync(const Napi::CallbackInfo& info);

}  // namespace lz4framed
