#include "checksum_aside.h"

#include <algorithm>

#include "helper_thread.h"

namespace lz4framed {
namespace {
// The helper takes at most this much at a time: a decoder that stops early (an error) waits for
// no more hashing than this before the helper stops.
constexpr size_t kHashRange = 1024 * 1024;
}  // namespace

ChecksumAside::ChecksumAside() { XXH32_reset(&state_, 0); }

std::unique_ptr<ChecksumAside> ChecksumAside::Start() {
  std::unique_ptr<ChecksumAside> aside(new ChecksumAside());
  try {
    aside->thread_ = std::thread([helper = aside.get()] { helper->Loop(); });
  } catch (...) {
    return nullptr;  // no thread to spare
  }
  return aside;
}

ChecksumAside::~ChecksumAside() { StopHelperThread(&thread_, &mutex_, &stop_, &work_); }

void ChecksumAside::Begin() {
  std::unique_lock<std::mutex> lock(mutex_);
  WaitUntilHashed(&lock);
  XXH32_reset(&state_, 0);
  next_ = end_ = nullptr;
}

void ChecksumAside::Add(const uint8_t* data, size_t size) {
  if (size == 0) return;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (data != end_) {
      WaitUntilHashed(&lock);
      next_ = data;
    }
    end_ = data + size;
  }
  work_.notify_one();
}

uint32_t ChecksumAside::End() {
  std::unique_lock<std::mutex> lock(mutex_);
  WaitUntilHashed(&lock);
  return XXH32_digest(&state_);
}

void ChecksumAside::WaitUntilHashed(std::unique_lock<std::mutex>* lock) {
  done_.wait(*lock, [this] { return !hashing_ && next_ == end_; });
}

void ChecksumAside::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return stop_ || next_ != end_; });
    if (stop_) return;
    const uint8_t* from = next_;
    size_t n = std::min(kHashRange, static_cast<size_t>(end_ - next_));
    next_ += n;
    hashing_ = true;
    lock.unlock();
    UpdateContentChecksum(&state_, ByteView{from, n});
    lock.lock();
    hashing_ = false;
    if (next_ == end_) done_.notify_one();
  }
}

}  // namespace lz4framed
