// The CRTP base of every native handle: type-tag check before any member is touched, the
// busy / closed rules, and external-memory accounting after each call and in the finalizer.
#pragma once

#include <napi.h>

#include <cstdint>

#include "async_job.h"
#include "errors.h"

namespace lz4framed {

template <typename T>
class ContextWrap : public Napi::ObjectWrap<T>, public JobOwner {
 public:
  explicit ContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<T>(info) {
    info.This().As<Napi::Object>().TypeTag(&T::kTypeTag);
  }

  // The receiver of a method call, refused unless it really is a T that is open and idle.
  static T* Usable(const Napi::CallbackInfo& info) {
    T* self = Checked(info.Env(), info.This());
    if (self->busy_) ThrowCoded(info.Env(), kBusy, "an asynchronous operation is in progress on this context");
    if (self->closed_) ThrowCoded(info.Env(), kClosed, "the context is closed");
    return self;
  }

  // Any value that must be a T (a method receiver or an argument), checked by type tag first.
  static T* Checked(Napi::Env env, const Napi::Value& value) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&T::kTypeTag)) {
      throw Napi::TypeError::New(env, std::string("expected a native ") + T::kClassName);
    }
    return T::Unwrap(value.As<Napi::Object>());
  }

  bool busy() const { return busy_; }
  void JobStarted() override { busy_ = true; }
  void JobSettled(Napi::Env env) override {
    busy_ = false;
    AfterCall(env);
  }

  // After every call, sync or async: T refreshes what its getters show (they must not read
  // state a threadpool job may be writing), then V8 hears how much native memory the handle
  // holds, so many idle contexts still push the GC.
  void AfterCall(Napi::Env env) {
    static_cast<T*>(this)->Refresh();
    int64_t now = closed_ ? 0 : static_cast<int64_t>(static_cast<T*>(this)->NativeBytes());
    if (now != reported_) {
      Napi::MemoryManagement::AdjustExternalMemory(env, now - reported_);
      reported_ = now;
    }
  }

  void Finalize(Napi::Env env) override {
    if (reported_ != 0) Napi::MemoryManagement::AdjustExternalMemory(env, -reported_);
    reported_ = 0;
  }

 protected:
  // Frees the native state; later calls are refused with ERR_LZ4_CLOSED.
  void MarkClosed(Napi::Env env) {
    closed_ = true;
    AfterCall(env);
  }
  bool closed() const { return closed_; }

 private:
  bool busy_ = false;
  bool closed_ = false;
  int64_t reported_ = 0;
};

}  // namespace lz4framed
