// The content checksum of LZ4 frames (XXH32, seed 0), computed fast over bytes in memory.
#pragma once

#ifndef XXH_STATIC_LINKING_ONLY
#define XXH_STATIC_LINKING_ONLY  // XXH32_state_t on the stack
#endif
#include <xxhash.h>

#include <cstdint>

#include "bytes.h"

namespace lz4framed {

// XXH32_update(state, input) piece by piece with the next piece prefetched: XXH32 reads memory
// too slowly for the hardware prefetcher to keep ahead of it.
void UpdateContentChecksum(XXH32_state_t* state, ByteView input);

// Equal to XXH32(input.data, input.size, 0), through UpdateContentChecksum.
uint32_t ContentChecksum(ByteView input);

}  // namespace lz4framed
