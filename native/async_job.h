// The AsyncWorker templates of the addon. A job captures every input at construction and holds
// references to the input buffers and to the owning handle until it settles, runs pure C++ on the
// threadpool (no N-API call there), and resolves or rejects a promise on the main thread.
//
// AsyncJob<Work>: Work must provide
//   void Run();                          // threadpool: the liblz4 work, failures kept as data
//   Napi::Value Finish(Napi::Env env);   // main thread: the result, or throws a coded error
// ProgressJob<Work>, for work that hands out results before it ends (a stream's several outputs):
//   void Run(Deliver deliver);           // threadpool: calls deliver(index) for each early result
//   Napi::Value Deliver(Napi::Env, size_t index);  // main thread: that result, passed to onResult
//   Napi::Value Finish(Napi::Env env);   // main thread: the last result, after every delivery
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

// node-addon-api's queue worker runs every OnProgress before OnOK (it settles only once its
// threadsafe function has drained), so JS sees the early results in order and before the last.
template <typename Work>
class ProgressJob final : public Napi::AsyncProgressQueueWorker<size_t> {
 public:
  static Napi::Promise Start(Napi::Env env, Work work, Napi::Function onResult,
                             std::initializer_list<Napi::Value> keepAlive, JobOwner* owner) {
    auto* job = new ProgressJob(env, std::move(work), onResult, keepAlive, owner);
    Napi::Promise promise = job->hold_.Promise();
    job->Queue();
    return promise;
  }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    work_.Run([&progress](size_t index) { progress.Send(&index, 1); });
  }

  // A throwing onResult does not stop the others: the job rejects with the first such error.
  void OnProgress(const size_t* indices, size_t count) override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; i++) {
      try {
        onResult_.Call({work_.Deliver(env, indices[i])});
      } catch (const Napi::Error& error) {
        if (deliveryError_.IsEmpty()) deliveryError_ = Napi::Persistent(error.Value());
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    hold_.Settle(env, [&] {
      Napi::Value last = work_.Finish(env);
      if (!deliveryError_.IsEmpty()) throw Napi::Error(env, deliveryError_.Value());
      return last;
    });
  }

  void OnError(const Napi::Error& error) override { hold_.Fail(Env(), error); }

 private:
  ProgressJob(Napi::Env env, Work work, Napi::Function onResult, std::initializer_list<Napi::Value> keepAlive,
              JobOwner* owner)
      : Napi::AsyncProgressQueueWorker<size_t>(env, "lz4framed"),
        work_(std::move(work)),
        hold_(env, keepAlive, owner),
        onResult_(Napi::Persistent(onResult)) {}

  Work work_;
  JobHold hold_;
  Napi::FunctionReference onResult_;
  Napi::ObjectReference deliveryError_;
};

}  // namespace lz4framed
