// Module functions of checkpoints that need no decoder: restore one, or read its header.
#pragma once

#include <napi.h>

namespace lz4framed {

// restoreDecompressor(blob, history | undefined, options) → native Decompressor
Napi::Value RestoreDecompressor(const Napi::CallbackInfo& info);
// readCheckpointInfo(blob) → { inputOffset, outputOffset, stage, blockLinked, historyLength, historyEmbedded,
// byteLength }
Napi::Value ReadCheckpointInfo(const Napi::CallbackInfo& info);

}  // namespace lz4framed
