// What the helper threads of a one-shot job (BackgroundPrefault, ChecksumAside) share.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace lz4framed {

// Sets `*stop` under `mutex`, wakes the helper waiting on `wake` and waits for it to end; nothing
// when no helper was started.
inline void StopHelperThread(std::thread* helper, std::mutex* mutex, bool* stop, std::condition_variable* wake) {
  if (!helper->joinable()) return;
  {
    std::lock_guard<std::mutex> lock(*mutex);
    *stop = true;
  }
  wake->notify_one();
  helper->join();
}

}  // namespace lz4framed
