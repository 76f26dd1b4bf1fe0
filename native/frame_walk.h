// Reads frame and block headers (never block data) to bound what an input decodes to, so a
// one-shot decompression can allocate its output once even when headers store no content size.
#pragma once

#include <cstdint>

#include "bytes.h"

namespace lz4framed {

// The largest output `input` can decode to: declared content sizes where frames have them,
// else stored blocks exactly and compressed blocks at most the frame's block size. False when
// the headers do not walk cleanly to the end (the decoder will then report why). `exact`, when
// given, tells whether every frame declared its size (else short blocks can make the bound loose:
// a stream flushed often may decode to a small fraction of it).
bool DecodedSizeBound(ByteView input, uint64_t* bound, bool* exact = nullptr);

}  // namespace lz4framed
