#!/usr/bin/env node
'use strict';
// node bench/one-shot-gc.js [--runs 11]
//
// How much of V8's garbage collection falls inside a large one-shot decode. Each corpus (mixed
// 100 MiB, incompressible 32 MiB, compressible 64 MiB) is compressed at level 0 with its size
// stored, then decompressSync and the promise decompress take turns, with a full GC before each
// call as bench/measure.js does. An output large enough (here the 100 MiB one) passes the
// external-memory limit that V8 set at that GC, and V8 answers with a collection of its own: it
// starts on the main thread while the call allocates and, for the promise, goes on while its job
// decodes on the threadpool.
// Prints per corpus and mode the medians of: the call's wall time, the main thread's GC pauses
// that began inside the call (perf_hooks 'gc' entries, forced ones left out), and those that began
// after it and before the next call; then how many calls had a pause inside. Nothing is asserted:
// a diagnostic for the README's account of the one-shot rows.
const { PerformanceObserver, performance, constants } = require('perf_hooks');
const { loadCorpus, MiB } = require('./corpus');
const { integerArgs } = require('./int-args');
const { median, fullGc } = require('./measure');
const lz4 = require('..');

const args = integerArgs(process.argv.slice(2), { runs: 11 }, 'node bench/one-shot-gc.js [--runs N]');

const CORPORA = [
  ['mixed', 100 * MiB],
  ['incompressible', 32 * MiB],
  ['compressible', 64 * MiB],
];

// Every GC pause of the main thread but the forced ones: { start, duration } in ms of performance.now().
const pauses = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
    pauses.push({ start: entry.startTime, duration: entry.duration });
  }
}).observe({ entryTypes: ['gc'] });

// Lets V8 finish what the call started and the observer hear of it before the next call.
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function pausedBetween(from, to) {
  return pauses.filter((p) => p.start >= from && p.start < to).reduce((sum, p) => sum + p.duration, 0);
}

async function main() {
  for (const [name, size] of CORPORA) {
    const { data } = loadCorpus(name, size);
    const frame = lz4.compressSync(data);
    const modes = {
      decompressSync: () => lz4.decompressSync(frame),
      decompress: () => lz4.decompress(frame),
    };
    const calls = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
    for (let run = 0; run <= args.runs; run++) {
      for (const [mode, call] of Object.entries(modes)) {
        fullGc();
        const start = performance.now();
        const out = await call();
        const end = performance.now();
        if (!out.equals(data)) throw new Error(`${mode} of ${name} does not give the input back`);
        await settle();
        // The first round warms up.
        if (run > 0) calls[mode].push({ start, end, next: performance.now() });
      }
    }
    for (const [mode, timed] of Object.entries(calls)) {
      const inside = timed.map((c) => pausedBetween(c.start, c.end));
      const after = timed.map((c) => pausedBetween(c.end, c.next));
      console.log(
        `${name.padEnd(14)} ${mode.padEnd(14)} wall ${median(timed.map((c) => c.end - c.start)).toFixed(1)} ms, ` +
          `GC inside ${median(inside).toFixed(1)} ms (in ${inside.filter((ms) => ms > 0).length} of ${timed.length} calls), ` +
          `GC after ${median(after).toFixed(1)} ms`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
