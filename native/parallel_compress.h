// The native side of parallel one-shot compression (lib/parallel-compress.ts): the frame header,
// and the blocks of block-aligned parts of the input with the XXH32 content checksum of the whole
// input, computed by a few threadpool jobs that share them out. lib/ joins the results.
#pragma once

#include <napi.h>

namespace lz4framed {

// frameHeader(options) -> Buffer: the header a one-shot frame of options.contentSize bytes has.
Napi::Value FrameHeaderSync(const Napi::CallbackInfo& info);
// partBound(options, size) -> number: the most compressParts may write for a part of `size` bytes.
Napi::Value PartBoundSync(const Napi::CallbackInfo& info);
// outputBuffer(size) -> Buffer: uninitialized memory as one-shot outputs get (huge pages if large).
Napi::Value OutputBufferSync(const Napi::CallbackInfo& info);
// compressParts(input, partSize, options, into, at, lanes) -> Promise<{parts, checksum?}>[]: the
// blocks of input[i * partSize, (i + 1) * partSize) written at into[at + i * partBound(partSize)…]
// for every part i, and the XXH32 content checksum of the whole input when the options ask for
// one, by `lanes` jobs that take these tasks one after another. Each job resolves with the parts
// it did, as [index, length, ...] pairs, and with the checksum if it computed it.
Napi::Value CompressPartsAsync(const Napi::CallbackInfo& info);
// copyPieces(dst, src, [dstOffset, srcOffset, length, ...]): the frame joined from the parts, the
// second half of a large one copied on a helper thread (it is fresh memory: see prefault.h).
Napi::Value CopyPiecesSync(const Napi::CallbackInfo& info);

}  // namespace lz4framed
