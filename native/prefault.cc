#include "prefault.h"

#include <algorithm>
#include <cstring>

#include "helper_thread.h"
#include "output_buffer.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace lz4framed {
namespace {

// `a + b`, or the highest address where that would wrap around.
uintptr_t SaturatingAdd(uintptr_t a, size_t b) { return b > UINTPTR_MAX - a ? UINTPTR_MAX : a + b; }

}  // namespace

BackgroundPrefault::BackgroundPrefault(uint8_t* data, size_t size, size_t lead, size_t minLead)
    : base_(reinterpret_cast<uintptr_t>(data)), minLead_(minLead), lead_(lead), limit_(SaturatingAdd(base_, lead)) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (size < kLargeOutputBytes) return;
  PageRange pages = InnerPages(data, size, static_cast<size_t>(sysconf(_SC_PAGESIZE)));
  if (pages.end <= pages.begin) return;
  try {
    thread_ = std::thread(&BackgroundPrefault::Populate, this, pages.begin, pages.end);
  } catch (...) {
    // No thread to spare: the writer faults the pages in itself, as it would anyway.
  }
#else
  (void)size;
#endif
}

BackgroundPrefault::~BackgroundPrefault() { StopHelperThread(&thread_, &mutex_, &stop_, &moved_); }

void BackgroundPrefault::Reached(size_t written) {
  if (!thread_.joinable()) return;
  // Room for two more steps like the last one: ahead of the writer, never far into the tail.
  size_t step = written > reported_ ? written - reported_ : 0;
  reported_ = written;
  size_t lead = step > (SIZE_MAX - kHugePageBytes) / 2 ? SIZE_MAX : 2 * step + kHugePageBytes;
  lead = std::max(lead, minLead_);
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lead_ = lead;
    limit_ = SaturatingAdd(SaturatingAdd(base_, written), lead);
    wake = wanted_ != 0 && limit_ >= wanted_;
  }
  if (wake) moved_.notify_one();
}

void BackgroundPrefault::Populate(uintptr_t begin, uintptr_t end) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  // One huge page per madvise: small enough to stop soon after the writer is done.
  for (uintptr_t at = begin; at < end; at += kHugePageBytes) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!stop_ && at >= limit_) {
        // Waking a thread is dear on a virtual machine (a fifth of a millisecond measured here),
        // so a helper that has caught up sleeps until it may do half its lead at once.
        size_t batch = lead_ / 2 > kHugePageBytes ? lead_ / 2 : kHugePageBytes;
        wanted_ = SaturatingAdd(at, batch);
        moved_.wait(lock, [&] { return stop_ || limit_ >= wanted_; });
        wanted_ = 0;
      }
      if (stop_) return;
    }
    size_t n = end - at < kHugePageBytes ? end - at : kHugePageBytes;
    // An older kernel answers EINVAL: nothing more to gain from this thread.
    if (madvise(reinterpret_cast<void*>(at), n, MADV_POPULATE_WRITE) != 0) return;
  }
#else
  (void)begin;
  (void)end;
#endif
}

namespace {

// Copies bytes [from, to) of the concatenation of `pieces` (in destination order).
void CopySpan(const CopyPiece* pieces, size_t count, size_t from, size_t to) {
  size_t pos = 0;
  for (const CopyPiece* piece = pieces; piece != pieces + count; piece++) {
    size_t begin = std::max(from, pos);
    size_t end = std::min(to, pos + piece->size);
    if (begin < end) std::memcpy(piece->dst + (begin - pos), piece->src + (begin - pos), end - begin);
    pos += piece->size;
    if (pos >= to) return;
  }
}

}  // namespace

void CopyToFreshMemory(const CopyPiece* pieces, size_t count) {
  size_t size = 0;
  for (size_t k = 0; k < count; k++) size += pieces[k].size;
  if (size < kLargeOutputBytes) {
    CopySpan(pieces, count, 0, size);
    return;
  }
  // Halves split at a huge page, so the two threads never fault in the same page.
  size_t half = size / 2 / kHugePageBytes * kHugePageBytes;
  std::thread helper;
  try {
    helper = std::thread([=] { CopySpan(pieces, count, half, size); });
  } catch (...) {
    CopySpan(pieces, count, half, size);  // no thread to spare: all of it here
  }
  CopySpan(pieces, count, 0, half);
  if (helper.joinable()) helper.join();
}

}  // namespace lz4framed
