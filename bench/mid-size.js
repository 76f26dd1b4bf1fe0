#!/usr/bin/env node
'use strict';
// node bench/mid-size.js [BUILD]
//
// One-shot decompressSync and compressSync of 3, 6, 12 and 24 MiB of the mixed corpus, in a
// fresh process (bench/measure.js: median of 5 runs, a full GC before each). Outputs of this size
// fault in fresh memory on every call, and how the allocator and the kernel back it decides the
// figure, which bench/ab.js cannot show: two builds in one process share the allocator's heap.
// Compare builds by running this once per build (BUILD: a directory with the package built,
// default this one).
const path = require('path');
const { loadCorpus, MiB } = require('./corpus');
const { throughput } = require('./measure');

const lib = require(path.resolve(process.argv[2] || path.join(__dirname, '..'), 'dist/cjs/index.js'));

async function main() {
  const all = loadCorpus('mixed', 100 * MiB).data;
  for (const mib of [3, 6, 12, 24]) {
    const data = all.subarray(0, mib * MiB);
    const frame = lib.compressSync(data);
    // About 200 MiB per run, so that a run of small calls is long enough to time.
    const iterations = Math.round(200 / mib);
    const repeated = (fn) => () => {
      for (let i = 0; i < iterations; i++) fn();
    };
    const results = await throughput(
      [
        { id: 'decompressSync', fn: repeated(() => lib.decompressSync(frame)) },
        { id: 'compressSync', fn: repeated(() => lib.compressSync(data)) },
      ],
      data.length * iterations,
      5,
    );
    const figures = Object.entries(results).map(([id, r]) => `${id} ${r.medianMBps.toFixed(0)} MB/s`);
    console.log(`${mib} MiB: ${figures.join(', ')}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
