#include "prefault.h"

#include "output_buffer.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace lz4framed {

BackgroundPrefault::BackgroundPrefault(uint8_t* data, size_t size) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (size < kLargeOutputBytes) return;
  PageRange pages = InnerPages(data, size, static_cast<size_t>(sysconf(_SC_PAGESIZE)));
  if (pages.end <= pages.begin) return;
  try {
    thread_ = std::thread(&BackgroundPrefault::Populate, this, pages.begin, pages.end);
  } catch (...) {
    // No thread to spare: the decoder faults the pages in itself, as it would anyway.
  }
#else
  (void)data;
  (void)size;
#endif
}

BackgroundPrefault::~BackgroundPrefault() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void BackgroundPrefault::Populate(uintptr_t begin, uintptr_t end) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  // One huge page per step: small enough to stop soon after the decoder is done.
  for (uintptr_t at = begin; at < end && !stop_.load(std::memory_order_relaxed); at += kHugePageBytes) {
    size_t n = end - at < kHugePageBytes ? end - at : kHugePageBytes;
    // An older kernel answers EINVAL: nothing more to gain from this thread.
    if (madvise(reinterpret_cast<void*>(at), n, MADV_POPULATE_WRITE) != 0) return;
  }
#else
  (void)begin;
  (void)end;
#endif
}

}  // namespace lz4framed
