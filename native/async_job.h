// The AsyncWorker template of the addon. A job captures every input at construction and holds
// references to the input buffers and to the owning handle until it settles, runs pure C++ on the
// threadpool (no N-API call there), and resolves or rejects a promise on the main thread.
//
// AsyncJob<Work>: Work must provide
//   void Run();                          // threadpool: the liblz4 work, failures kept as data
//   Napi::Value Finish(Napi::Env env);   // main thread: the result, or throws a coded error
#pragma once

#include <napi.h>

#include <initializer_list>
#include <utility>
#include <vector>

namespace lz4framed {

// What a job owner must offer: a busy flag and memory accounting (ContextWrap provides both).
struct JobOwner {
  virtual ~JobOwner() = default;
  virtual void JobStarted() = 0;
  virtual void JobSettled(Napi::Env env) = 0;
};

// What every job holds until it settles, and how it settles: its promise, the references that keep
// its inputs and owner alive, and the owner's busy flag.
class JobHold {
 public:
  JobHold(Napi::Env env, std::initializer_list<Napi::Value> keepAlive, JobOwner* owner)
      : deferred_(Napi::Promise::Deferred::New(env)), owner_(owner) {
    for (const Napi::Value& value : keepAlive) {
      if (!value.IsEmpty() && value.IsObject()) refs_.push_back(Napi::Persistent(value.As<Napi::Object>()));
    }
    if (owner_) owner_->JobStarted();
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  // `finish` makes the result while the inputs and the owner are still held (it may read them);
  // the owner is usable again before user code sees the result.
  template <typename Finish>
  void Settle(Napi::Env env, Finish finish) {
    Napi::Value result;
    Napi::Value error;
    try {
      result = finish();
    } catch (const Napi::Error& thrown) {
      error = thrown.Value();
    }
    Release(env);
    if (!error.IsEmpty())
      deferred_.Reject(error);
    else
      deferred_.Resolve(result);
  }

  // Execute never reports through SetError; this only runs if N-API itself failed.
  void Fail(Napi::Env env, const Napi::Error& error) {
    Release(env);
    deferred_.Reject(error.Value());
  }

 private:
  void Release(Napi::Env env) {
    if (owner_) {
      owner_->JobSettled(env);
      owner_ = nullptr;
    }
    for (auto& ref : refs_) ref.Reset();
    refs_.clear();
  }

  Napi::Promise::Deferred deferred_;
  JobOwner* owner_;
  std::vector<Napi::ObjectReference> refs_;
};

template <typename Work>
class AsyncJob final : public Napi::AsyncWorker {
 public:
  // `keepAlive`: the input buffers and the owner's JS object, referenced until the job settles.
  static Napi::Promise Start(Napi::Env env, Work work, std::initializer_list<Napi::Value> keepAlive,
                             JobOwner* owner = nullptr) {
    auto* job = new AsyncJob(env, std::move(work), keepAlive, owner);
    Napi::Promise promise = job->hold_.Promise();
    job->Queue();
    return promise;
  }

 protected:
  void Execute() override { work_.Run(); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    hold_.Settle(env, [&] { return work_.Finish(env); });
  }

  void OnError(const Napi::Error& error) override { hold_.Fail(Env(), error); }

 private:
  AsyncJob(Napi::Env env, Work work, std::initializer_list<Napi::Value> keepAlive, JobOwner* owner)
      : Napi::AsyncWorker(env, "lz4framed"), work_(std::move(work)), hold_(env, keepAlive, owner) {}

  Work work_;
  JobHold hold_;
};

}  // namespace lz4framed
