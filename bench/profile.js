#!/usr/bin/env node
'use strict';
// One lz4framed operation in a loop, for profilers (and a quick look at one figure):
//
//   node bench/profile.js OP [--mib N] [--level L] [--iterations K]
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out node bench/profile.js compress --mib 4
//   perf record -e cpu-clock -g node --perf-basic-prof bench/profile.js decompress
//
// OP: compress | compress-async | decompress | decompress-unsized | decompress-async |
//     decompress-unsized-async | small-compress | small-compress-defaults (no options) |
//     small-decompress (1 KiB of the mixed corpus)
const { loadCorpus, MiB } = require('./corpus');
const lz4 = require('..');

const OPS = {
  compress: (input, level) => lz4.compressSync(input, { level }),
  'compress-async': (input, level) => lz4.compress(input, { level }),
  decompress: (frame) => lz4.decompressSync(frame),
  'decompress-unsized': (frame) => lz4.decompressSync(frame),
  'decompress-async': (frame) => lz4.decompress(frame),
  'decompress-unsized-async': (frame) => lz4.decompress(frame),
  'small-compress': (input, level) => lz4.compressSync(input, { level }),
  'small-compress-defaults': (input) => lz4.compressSync(input),
  'small-decompress': (frame) => lz4.decompressSync(frame),
};

async function main() {
  const [op, ...rest] = process.argv.slice(2);
  const options = { mib: 16, level: 0, iterations: 0 };
  for (let i = 0; i < rest.length; i += 2) options[rest[i].replace(/^--/, '')] = Number(rest[i + 1]);
  if (!OPS[op] || Object.values(options).some(Number.isNaN)) {
    console.error(`usage: node bench/profile.js ${Object.keys(OPS).join('|')} [--mib N] [--level L] [--iterations K]`);
    process.exit(2);
  }
  const small = op.startsWith('small-');
  const data = loadCorpus('mixed', options.mib * MiB).data;
  const input = small ? Buffer.from(data.subarray(0, 1024)) : data;
  const frame = lz4.compressSync(input, { level: options.level, contentSize: !op.includes('unsized') });
  const arg = op.includes('decompress') ? frame : input;
  const iterations = options.iterations || (small ? 200000 : 10);
  const fn = OPS[op];
  const isAsync = op.endsWith('-async');
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    if (isAsync) await fn(arg, options.level);
    else fn(arg, options.level);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perCall = seconds / iterations;
  console.log(
    `${op} L${options.level} on ${input.length} bytes: ${iterations} calls, ` +
      `${(perCall * 1e6).toFixed(2)} µs per call, ${(1 / perCall / 1e3).toFixed(0)}k calls/s, ` +
      `${(input.length / perCall / 1e6).toFixed(0)} MB/s`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
