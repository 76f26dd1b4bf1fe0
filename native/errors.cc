#include "errors.h"

#include <lz4frame.h>

#include <cctype>

#include "addon_data.h"

namespace lz4framed {

void SetLz4fFailure(Failure* failure, size_t lz4fResult, const char* during) {
  // liblz4 names its errors "ERROR_contentChecksum_invalid"; the stable code drops the prefix
  // and upper-cases the rest: ERR_LZ4F_CONTENTCHECKSUM_INVALID.
  std::string name = LZ4F_getErrorName(lz4fResult);
  const std::string prefix = "ERROR_";
  if (name.compare(0, prefix.size(), prefix) == 0) name.erase(0, prefix.size());
  std::string code = "ERR_LZ4F_";
  for (char c : name) code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  failure->Set(Failure::Kind::Error, code, std::string(during) + ": " + name);
}

void SetOutOfMemory(Failure* failure) { failure->Set(Failure::Kind::RangeError, kOutOfMemory, "out of memory"); }

void SetOutputTooLarge(Failure* failure, size_t limit) {
  failure->Set(Failure::Kind::RangeError, kBufferTooLarge,
               "Cannot create a Buffer larger than maxOutputLength (" + std::to_string(limit) + " bytes)");
}

Napi::Error MakeJsError(Napi::Env env, const Failure& failure, Napi::Value partial) {
  Napi::Error error;
  switch (failure.kind) {
    case Failure::Kind::RangeError:
      error = Napi::RangeError::New(env, failure.message);
      break;
    case Failure::Kind::TypeError:
      error = Napi::TypeError::New(env, failure.message);
      break;
    default:
      return AddonData::From(env).MakeError(env, failure, partial);
  }
  error.Set("code", Napi::String::New(env, failure.code));
  return error;
}

void ThrowFailure(Napi::Env env, const Failure& failure) { throw MakeJsError(env, failure); }

void ThrowCoded(Napi::Env env, const char* code, const std::string& message) {
  Failure failure;
  failure.Set(Failure::Kind::Error, code, message);
  ThrowFailure(env, failure);
}

}  // namespace lz4framed
