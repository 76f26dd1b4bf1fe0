// Content checksums of a one-shot decode, hashed on a second thread behind the decoder. liblz4
// hashes each block on the decoding thread right after decoding it, which is a quarter of the
// decoding time of a typical frame; a helper hashing the output the decoder has reported takes
// that off the critical path when a second core is free.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "content_checksum.h"

namespace lz4framed {

class ChecksumAside {
 public:
  // A helper ready for frames, or null when no thread could be started (liblz4 then checks).
  static std::unique_ptr<ChecksumAside> Start();
  ChecksumAside(const ChecksumAside&) = delete;
  ChecksumAside& operator=(const ChecksumAside&) = delete;
  // Stops the helper and waits for it: the output may be freed or copied right after.
  ~ChecksumAside();

  // A frame begins: the bytes Add() reports from now on are its content.
  void Begin();
  // The decoder wrote [data, data + size) after what it reported before (which it will not
  // change). A range not adjacent to the last one waits for the helper to finish that one.
  void Add(const uint8_t* data, size_t size);
  // The frame ended: waits until every reported byte is hashed, then its XXH32.
  uint32_t End();

 private:
  ChecksumAside();
  void Loop();
  void WaitUntilHashed(std::unique_lock<std::mutex>* lock);

  std::mutex mutex_;
  std::condition_variable work_;  // the helper waits here for bytes or the stop
  std::condition_variable done_;  // the decoder waits here for the helper to catch up
  // Guarded by mutex_: the helper hashes [next_, end_) into state_ (state_ only while it holds
  // a range it took; the decoder touches state_ only when the helper is idle and caught up).
  const uint8_t* next_ = nullptr;
  const uint8_t* end_ = nullptr;
  bool hashing_ = false;
  bool stop_ = false;
  XXH32_state_t state_;
  std::thread thread_;
};

}  // namespace lz4framed
