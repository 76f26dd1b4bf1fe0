#include "addon_data.h"

namespace lz4framed {

void AddonData::SetErrorClasses(Napi::Function error, Napi::Function noData) {
  errorClass_ = Napi::Persistent(error);
  noDataClass_ = Napi::Persistent(noData);
}

Napi::Error AddonData::MakeError(Napi::Env env, const Failure& failure, Napi::Value partial) {
  Napi::String message = Napi::String::New(env, failure.message);
  if (failure.kind == Failure::Kind::NoData && !noDataClass_.IsEmpty()) {
    Napi::Value part = partial.IsEmpty() ? Napi::Buffer<uint8_t>::New(env, 0).As<Napi::Value>() : partial;
    return Napi::Error(env, noDataClass_.New({message, part}));
  }
  if (!errorClass_.IsEmpty()) {
    return Napi::Error(env, errorClass_.New({message, Napi::String::New(env, failure.code)}));
  }
  Napi::Error error = Napi::Error::New(env, failure.message);
  error.Set("code", Napi::String::New(env, failure.code));
  return error;
}

}  // namespace lz4framed
