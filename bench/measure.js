'use strict';
// Timing: every contender of a row runs once untimed, then the contenders take turns run after
// run, so a change of machine load touches them alike. A full GC before each timed run keeps one
// contender's garbage out of another's time.
//
// With useCpuTime(), runs are timed in CPU time of the process (user + system, every thread)
// instead of wall time: far steadier on a busy machine, but blind to time spent waiting (an
// async round trip's latency then shows as its CPU cost).
//
// A contender is { id, fn, async, inFlight, selfTimed }: `fn` is called and timed here, awaited
// when `async` (`inFlight` calls at a time in rate()); a `selfTimed` contender (the C reference)
// is given the number of iterations and resolves with the seconds it measured itself.
const v8 = require('v8');
const vm = require('vm');

v8.setFlagsFromString('--expose-gc');
// A full, forced garbage collection (also for the diagnostic scripts beside this one).
const fullGc = vm.runInNewContext('gc');

let cpuTime = false;

function useCpuTime() {
  cpuTime = true;
}

// A clock reading in seconds: wall time, or CPU time of the whole process.
function clock() {
  if (!cpuTime) return Number(process.hrtime.bigint()) / 1e9;
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// `iterations` calls of the contender (sequential, or `inFlight` at a time); seconds.
async function timeBatch(c, iterations) {
  if (c.selfTimed) return c.fn(iterations);
  fullGc();
  const start = clock();
  if (!c.async) {
    for (let i = 0; i < iterations; i++) c.fn();
  } else {
    let left = iterations;
    const lane = async () => {
      while (left > 0) {
        left--;
        await c.fn();
      }
    };
    await Promise.all(Array.from({ length: c.inFlight || 1 }, lane));
  }
  return clock() - start;
}

/**
 * Throughput of each contender over `bytes` of uncompressed data: one call per run.
 * → { [id]: { seconds: [...], medianMBps, bestMBps } }
 */
async function throughput(contenders, bytes, runs) {
  const times = new Map(contenders.map((c) => [c.id, []]));
  for (const c of contenders) await timeBatch(c, 1);
  for (let r = 0; r < runs; r++) {
    for (const c of contenders) times.get(c.id).push(await timeBatch(c, 1));
  }
  const result = {};
  for (const [id, s] of times) {
    result[id] = { seconds: s, medianMBps: bytes / median(s) / 1e6, bestMBps: bytes / Math.min(...s) / 1e6 };
  }
  return result;
}

/**
 * Operations per second of each contender on a small input, each run lasting about `ms`.
 * → { [id]: { medianOpsPerSec, bestOpsPerSec } }
 */
async function rate(contenders, runs, ms) {
  const plans = [];
  for (const c of contenders) {
    // Warm-up and calibration: double until a batch lasts a tenth of a run.
    let iterations = 16;
    while ((await timeBatch(c, iterations)) * 1000 < ms / 10) iterations *= 2;
    plans.push({ c, iterations: iterations * 10, rates: [] });
  }
  for (let r = 0; r < runs; r++) {
    for (const p of plans) p.rates.push(p.iterations / (await timeBatch(p.c, p.iterations)));
  }
  const result = {};
  for (const p of plans) result[p.c.id] = { medianOpsPerSec: median(p.rates), bestOpsPerSec: Math.max(...p.rates) };
  return result;
}

/** Microseconds per call (median and best of runs of about `ms` each). */
async function latency(contenders, runs, ms) {
  const rates = await rate(contenders, runs, ms);
  const result = {};
  for (const [id, r] of Object.entries(rates)) {
    result[id] = { medianMicros: 1e6 / r.medianOpsPerSec, bestMicros: 1e6 / r.bestOpsPerSec };
  }
  return result;
}

module.exports = { throughput, rate, latency, median, useCpuTime, fullGc };
