#!/usr/bin/env node
'use strict';
// node bench/mid-size.js [BUILD]
//
// One-shot decompressSync and compressSync of 3, 6, 12 and 24 MiB of the mixed corpus, in a
// fresh process (median of 5 runs, a full GC before each). Outputs of this size fault in fresh
// memory on every call, and how the allocator and the kernel back it decides the figure, which
// bench/ab.js cannot show: two builds in one process share the allocator's heap. Compare builds
// by running this once per build (BUILD: a directory with the package built, default this one).
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const { loadCorpus, MiB } = require('./corpus');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const lib = require(path.resolve(process.argv[2] || path.join(__dirname, '..'), 'dist/cjs/index.js'));
const all = loadCorpus('mixed', 100 * MiB).data;

for (const mib of [3, 6, 12, 24]) {
  const data = all.subarray(0, mib * MiB);
  const frame = lib.compressSync(data);
  const iterations = Math.round(200 / mib);
  const figures = [];
  for (const [name, fn] of [
    ['decompressSync', () => lib.decompressSync(frame)],
    ['compressSync', () => lib.compressSync(data)],
  ]) {
    const seconds = [];
    for (let run = 0; run < 5; run++) {
      gc();
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      seconds.push(Number(process.hrtime.bigint() - start) / 1e9 / iterations);
    }
    seconds.sort((a, b) => a - b);
    figures.push(`${name} ${((mib * MiB) / seconds[2] / 1e6).toFixed(0)} MB/s`);
  }
  console.log(`${mib} MiB: ${figures.join(', ')}`);
}
