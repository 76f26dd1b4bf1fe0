// Faults in a large output region on a second thread while the decoder fills it from the front.
// Fresh memory is zeroed by the kernel on first touch, and on this kind of machine that costs
// about a third of decoding itself (bench/: 100 MiB decoded in 41 ms into warm memory, 55 ms
// into fresh huge pages). The CPU work is the same either way; it only leaves the decoder's
// critical path when a second core is free.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace lz4framed {

class BackgroundPrefault {
 public:
  // Starts when `size` is large enough to be worth a thread and the kernel can populate a range
  // without writing to it (MADV_POPULATE_WRITE, Linux 5.14): the decoder may already have written
  // the page the helper reaches, and its bytes must stay as they are.
  BackgroundPrefault(uint8_t* data, size_t size);
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;
  // Stops the helper between two steps and waits for it: the region may be freed right after.
  ~BackgroundPrefault();

 private:
  void Populate(uintptr_t begin, uintptr_t end);

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace lz4framed
