// Failures are recorded as plain data (safe to build on a worker thread, with no N-API call) and
// turned into JS errors with a stable `code` on the main thread.
#pragma once

#include <napi.h>

#include <string>

namespace lz4framed {

struct Failure {
  enum class Kind { None, Error, RangeError, TypeError, NoData };
  Kind kind = Kind::None;
  std::string code;
  std::string message;

  explicit operator bool() const { return kind != Kind::None; }
  void Set(Kind k, std::string c, std::string m) {
    kind = k;
    code = std::move(c);
    message = std::move(m);
  }
};

// Records a liblz4 frame error: code ERR_LZ4F_<NAME>, e.g. ERR_LZ4F_CONTENTCHECKSUM_INVALID.
void SetLz4fFailure(Failure* failure, size_t lz4fResult, const char* during);
void SetOutOfMemory(Failure* failure);
void SetOutputTooLarge(Failure* failure, size_t limit);

// Library codes that are not liblz4's own.
constexpr const char* kBusy = "ERR_LZ4_BUSY";
constexpr const char* kClosed = "ERR_LZ4_CLOSED";
constexpr const char* kNoData = "ERR_LZ4_NO_DATA";
constexpr const char* kOutOfMemory = "ERR_LZ4_OUT_OF_MEMORY";
constexpr const char* kBadCheckpoint = "ERR_LZ4_BAD_CHECKPOINT";
constexpr const char* kBufferTooLarge = "ERR_BUFFER_TOO_LARGE";

// Builds the JS error for a failure (Lz4FramedError / Lz4FramedNoDataError registered by lib/);
// `partial` is attached to NoData errors.
Napi::Error MakeJsError(Napi::Env env, const Failure& failure, Napi::Value partial = Napi::Value());
[[noreturn]] void ThrowFailure(Napi::Env env, const Failure& failure);
[[noreturn]] void ThrowCoded(Napi::Env env, const char* code, const std::string& message);

}  // namespace lz4framed
