// Maps the option objects that lib/options.ts has already validated onto liblz4's structures.
// lib/ is the place that explains bad options to users; the checks here only keep a caller that
// bypasses lib/ from reaching liblz4 with values it does not expect.
#pragma once

#include <lz4frame.h>
#include <napi.h>

#include <cstdint>
#include <vector>

namespace lz4framed {

// LZ4 references at most 64 KiB back, so only the tail of a dictionary can ever matter.
constexpr size_t kMaxDictionary = 64 * 1024;

struct CompressSettings {
  LZ4F_preferences_t prefs{};
  std::vector<uint8_t> dictionary;  // last 64 KiB of the caller's dictionary, owned
  bool hasDictionary = false;
};

struct DecompressSettings {
  std::vector<uint8_t> dictionary;
  bool hasDictionary = false;
  bool skipChecksums = false;
  size_t maxOutputLength = SIZE_MAX;
};

CompressSettings ReadCompressSettings(const Napi::Value& options);
DecompressSettings ReadDecompressSettings(const Napi::Value& options);

}  // namespace lz4framed
