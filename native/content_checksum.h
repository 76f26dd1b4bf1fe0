// The content checksum of a whole input (XXH32, seed 0), as the LZ4 frame's trailer holds it.
#pragma once

#include <cstdint>

#include "bytes.h"

namespace lz4framed {

// Equal to XXH32(input.data, input.size, 0), computed piece by piece with the next piece
// prefetched: XXH32 reads memory too slowly for the hardware prefetcher to keep ahead of it.
uint32_t ContentChecksum(ByteView input);

}  // namespace lz4framed
