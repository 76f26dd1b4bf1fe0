// Work split into numbered tasks, run by a few lanes at once (each lane one threadpool job at a
// time), as decompressParallel does.

/**
 * Runs task(0) … task(count - 1), at most `concurrency` at a time, in order of index. After a
 * failure the other lanes finish their task and take no new one; the first failure is thrown
 * once every lane has stopped, so no task is still running when the promise settles.
 */
export async function runInLanes(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(concurrency, count) }, lane);
  const outcomes = await Promise.allSettled(lanes);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}
