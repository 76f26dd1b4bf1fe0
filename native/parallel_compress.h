// The native side of parallel one-shot compression (lib/parallel-compress.ts): the frame header,
// the blocks of one block-aligned part of the input, and the XXH32 content checksum of the whole
// input, each part and the checksum a job of its own on the threadpool. lib/ joins the results.
#pragma once

#include <napi.h>

namespace lz4framed {

// frameHeader(options) -> Buffer: the header a one-shot frame of options.contentSize bytes has.
Napi::Value FrameHeaderSync(const Napi::CallbackInfo& info);
// partBound(options, size) -> number: the most compressPart may write for a part of `size` bytes.
Napi::Value PartBoundSync(const Napi::CallbackInfo& info);
// outputBuffer(size) -> Buffer: uninitialized memory as one-shot outputs get (huge pages if large).
Napi::Value OutputBufferSync(const Napi::CallbackInfo& info);
// compressPart(input, start, end, options, into, at) -> Promise<number>: writes the blocks of
// input[start, end) at into[at…] (room for partBound required) and resolves with their length.
Napi::Value CompressPartAsync(const Napi::CallbackInfo& info);
// contentChecksum(input) -> Promise<number>: XXH32 (seed 0) of the whole input.
Napi::Value ContentChecksumAsync(const Napi::CallbackInfo& info);

}  // namespace lz4framed
