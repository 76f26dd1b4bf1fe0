// The one AsyncWorker template of the addon. A job captures every input at construction and
// holds references to the input buffers and to the owning handle until it settles, runs pure
// C++ in Execute() (no N-API call there), and resolves or rejects a promise on the main thread.
//
// Work must provide:
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

template <typename Work>
class AsyncJob final : public Napi::AsyncWorker {
 public:
  // `keepAlive`: the input buffers and the owner's JS object, referenced until the job settles.
  static Napi::Promise Start(Napi::Env env, Work work, std::initializer_list<Napi::Value> keepAlive,
                             JobOwner* owner = nullptr) {
    auto* job = new AsyncJob(env, std::move(work), keepAlive, owner);
    Napi::Promise promise = job->deferred_.Promise();
    if (owner) owner->JobStarted();
    job->Queue();
    return promise;
  }

 protected:
  void Execute() override { work_.Run(); }

  void OnOK() override { Settle(); }

  // Execute never reports through SetError; this only runs if N-API itself failed.
  void OnError(const Napi::Error& error) override {
    Release();
    deferred_.Reject(error.Value());
  }

 private:
  AsyncJob(Napi::Env env, Work work, std::initializer_list<Napi::Value> keepAlive, JobOwner* owner)
      : Napi::AsyncWorker(env, "lz4framed"),
        work_(std::move(work)),
        deferred_(Napi::Promise::Deferred::New(env)),
        owner_(owner) {
    for (const Napi::Value& value : keepAlive) {
      if (!value.IsEmpty() && value.IsObject()) refs_.push_back(Napi::Persistent(value.As<Napi::Object>()));
    }
  }

  void Settle() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    // The owner becomes usable again before user code sees the result.
    Release();
    try {
      deferred_.Resolve(work_.Finish(env));
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

  void Release() {
    if (owner_) {
      owner_->JobSettled(Env());
      owner_ = nullptr;
    }
    for (auto& ref : refs_) ref.Reset();
    refs_.clear();
  }

  Work work_;
  Napi::Promise::Deferred deferred_;
  JobOwner* owner_;
  std::vector<Napi::ObjectReference> refs_;
};

}  // namespace lz4framed
