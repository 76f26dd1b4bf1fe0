// Faults in a large output region on a second thread while the encoder or decoder fills it from
// the front. Fresh memory is zeroed by the kernel on first touch, and on this kind of machine that
// costs about a third of decoding itself (bench/: 100 MiB decoded in 41 ms into warm memory, 55 ms
// into fresh huge pages). The CPU work is the same either way; it only leaves the critical path
// when a second core is free.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace lz4framed {

class BackgroundPrefault {
 public:
  // Faults in all of [data, data + size), as fast as the kernel allows: an output whose size is
  // known, which the writer will fill to the end.
  BackgroundPrefault(uint8_t* data, size_t size) : BackgroundPrefault(data, size, SIZE_MAX) {}
  // Stays ahead of what the writer reports with Reached(), `lead` bytes until the first report,
  // then two of the writer's last steps and a huge page, or `minLead` if that is more: an output
  // bound the writer fills only in part (a frame being compressed, a decode whose size only block
  // headers bound), whose untouched tail must stay unpopulated (beyond `minLead` at most).
  //
  // The helper starts only when `size` is large enough to be worth a thread and the kernel can
  // populate a range without writing to it (MADV_POPULATE_WRITE, Linux 5.14): the writer may
  // already have written the page the helper reaches, and its bytes must stay as they are.
  BackgroundPrefault(uint8_t* data, size_t size, size_t lead, size_t minLead = 0);
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;
  // Stops the helper between two steps and waits for it: the region may be freed right after.
  ~BackgroundPrefault();

  // The writer has written the first `written` bytes (it reports after each of its steps).
  void Reached(size_t written);

 private:
  void Populate(uintptr_t begin, uintptr_t end);

  uintptr_t base_ = 0;
  size_t reported_ = 0;  // the writer's last report; only the writer's thread touches it
  size_t minLead_ = 0;
  std::mutex mutex_;
  std::condition_variable moved_;
  // Guarded by mutex_: the helper populates below limit_, lead_ bytes past the writer; while it
  // waits, wanted_ is the limit that wakes it (0 when it does not wait).
  size_t lead_ = 0;
  uintptr_t limit_ = 0;
  uintptr_t wanted_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// memcpy of pieces into fresh memory, the second half of the bytes on a helper thread when there
// are many: each side faults in its own pages, so the kernel's zeroing is shared by two cores.
// The pieces are in destination order and do not overlap.
struct CopyPiece {
  uint8_t* dst;
  const uint8_t* src;
  size_t size;
};
void CopyToFreshMemory(const CopyPiece* pieces, size_t count);

}  // namespace lz4framed
