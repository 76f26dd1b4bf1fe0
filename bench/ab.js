#!/usr/bin/env node
'use strict';
// node bench/ab.js BASE [--ops a,b,…] [--corpus mixed] [--mib 100] [--level 0] [--rounds 3] [--runs 5]
//
// This checkout against another built one (BASE: a directory with the package built in it, such
// as a `git worktree` of an earlier commit after `npm run build`), alternating run after run in
// one process with C liblz4 taking turns too, so that the machine's drift between runs touches
// both builds alike: on a VM whose figures move 10-20 % between runs, a change of a few percent
// only shows this way. Prints each round's medians as MB/s and ratios to C.
//
// Operations (--ops): compress (compressSync), compressAsync (compress, concurrency 1),
// compressParallel (compress, every lane), decompress, decompressAsync, decompressUnsized
// (decompressSync of a frame without a content size), decompressUnsizedAsync, transform (a
// decompression Transform fed 64 KiB writes). Needs `npm run build` here and in BASE.
const path = require('path');
const { loadCorpus, MiB } = require('./corpus');
const { buildReference, startReference } = require('./c-reference');
const { throughput } = require('./measure');
const { pump } = require('./contenders');

const CHUNK = 64 * 1024;

// name -> { c: the C reference's operation, run(lib, data, frames, level) }
const OPERATIONS = {
  compress: { c: 'compress', run: (lib, data, _frames, level) => lib.compressSync(data, { level }) },
  compressAsync: {
    c: 'compress',
    async: true,
    run: (lib, data, _frames, level) => lib.compress(data, { level, concurrency: 1 }),
  },
  compressParallel: { c: 'compress', async: true, run: (lib, data, _frames, level) => lib.compress(data, { level }) },
  decompress: { c: 'decompress', run: (lib, _data, frames) => lib.decompressSync(frames.sized) },
  decompressAsync: { c: 'decompress', async: true, run: (lib, _data, frames) => lib.decompress(frames.sized) },
  decompressUnsized: { c: 'decompressUnknownSize', run: (lib, _data, frames) => lib.decompressSync(frames.unsized) },
  decompressUnsizedAsync: {
    c: 'decompressUnknownSize',
    async: true,
    run: (lib, _data, frames) => lib.decompress(frames.unsized),
  },
  transform: {
    c: 'decompressStream',
    async: true,
    run: (lib, _data, frames) => pump(lib.createDecompressStream(), frames.unsized, CHUNK),
  },
};

function parseArgs(argv) {
  const args = {
    base: undefined,
    ops: ['compress', 'decompress'],
    corpus: 'mixed',
    mib: 100,
    level: 0,
    rounds: 3,
    runs: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--ops') args.ops = value().split(',');
    else if (a === '--corpus') args.corpus = value();
    else if (a === '--mib') args.mib = Number(value());
    else if (a === '--level') args.level = Number(value());
    else if (a === '--rounds') args.rounds = Number(value());
    else if (a === '--runs') args.runs = Number(value());
    else if (!a.startsWith('--') && args.base === undefined) args.base = a;
    else usage(`unknown argument ${a}`);
  }
  if (args.base === undefined) usage('BASE is required');
  const unknown = args.ops.filter((op) => !(op in OPERATIONS));
  if (unknown.length > 0)
    usage(`unknown operation(s) ${unknown.join(', ')}; known: ${Object.keys(OPERATIONS).join(', ')}`);
  for (const key of ['mib', 'rounds', 'runs']) {
    if (!(Number.isInteger(args[key]) && args[key] >= 1)) usage(`--${key} takes a positive integer`);
  }
  return args;
}

function usage(problem) {
  console.error(
    `${problem}\nusage: node bench/ab.js BASE [--ops a,b] [--corpus mixed|incompressible|compressible] [--mib N] [--level N] [--rounds N] [--runs N]`,
  );
  process.exit(2);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const builds = { base: require(path.resolve(args.base)), this: require('..') };
  const corpus = loadCorpus(args.corpus, args.mib * MiB);
  const data = corpus.data;
  const reference = startReference(buildReference(), corpus.path, { streamChunk: CHUNK, small: 1024, smallOffset: 0 });
  const frames = {
    sized: builds.this.compressSync(data, { level: args.level }),
    unsized: builds.this.compressSync(data, { level: args.level, contentSize: false }),
  };
  console.log(`${args.corpus} ${args.mib} MiB, level ${args.level}; base: ${path.resolve(args.base)}`);
  try {
    for (const op of args.ops) {
      const { c, async, run } = OPERATIONS[op];
      // Both builds must give the same output before either is timed.
      for (const [name, lib] of Object.entries(builds)) {
        const out = await run(lib, data, frames, args.level);
        const decoded = op.startsWith('compress') ? builds.this.decompressSync(out) : out;
        const length = typeof decoded === 'number' ? decoded : decoded.length;
        if (length !== data.length || (typeof decoded !== 'number' && !decoded.equals(data)))
          throw new Error(`${op}: the ${name} build does not round-trip`);
      }
      const contenders = [
        { id: 'C', fn: (n) => reference.time(c, args.level, n), selfTimed: true },
        ...Object.entries(builds).map(([id, lib]) => ({ id, fn: () => run(lib, data, frames, args.level), async })),
      ];
      for (let round = 0; round < args.rounds; round++) {
        const result = await throughput(contenders, data.length, args.runs);
        const cRate = result.C.medianMBps;
        const cells = Object.keys(builds).map((id) => {
          const rate = result[id].medianMBps;
          return `${id} ${rate.toFixed(0)} ×${(rate / cRate).toFixed(2)}`;
        });
        console.log(`${op}: C ${cRate.toFixed(0)} MB/s; ${cells.join('; ')}`);
      }
    }
  } finally {
    reference.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
