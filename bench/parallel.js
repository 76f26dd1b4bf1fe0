#!/usr/bin/env node
'use strict';
// node bench/parallel.js [MiB=100] [--levels 0,1,9] [--runs 5]
//
// Parallel one-shot compression (the promise `compress` on a large input) against C liblz4's
// single thread (bench/c_reference.c, taking turns), for concurrency 1 … os.availableParallelism(),
// linked blocks (lz4framed's default) and independent blocks. Needs `npm run build:native` and
// `npm run build:ts`.
const os = require('os');
const { loadCorpus, MiB } = require('./corpus');
const { buildReference, startReference } = require('./c-reference');
const { throughput } = require('./measure');
const lz4framed = require('..');

function parseArgs(argv) {
  const args = { mib: 100, levels: [0, 1, 9], runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--levels') args.levels = argv[++i].split(',').map(Number);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else args.mib = Number(argv[i]);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const corpus = loadCorpus('mixed', args.mib * MiB);
  const data = corpus.data;
  const reference = startReference(buildReference(), corpus.path, { streamChunk: 65536, small: 1024, smallOffset: 0 });
  const lanes = Array.from({ length: os.availableParallelism() }, (_, i) => i + 1);
  console.log(`mixed ${args.mib} MiB, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(2)}`);
  try {
    for (const level of args.levels) {
      for (const blockLinked of [true, false]) {
        const options = { level, blockLinked };
        const serial = lz4framed.compressSync(data, options);
        const contenders = [
          {
            id: 'C',
            fn: (n) => reference.time(blockLinked ? 'compress' : 'compressIndependent', level, n),
            selfTimed: true,
          },
        ];
        for (const concurrency of lanes) {
          const frame = await lz4framed.compress(data, { ...options, concurrency });
          if (!lz4framed.decompressSync(frame).equals(data))
            throw new Error(`concurrency ${concurrency} does not round-trip`);
          if (!blockLinked && !frame.equals(serial))
            throw new Error(`concurrency ${concurrency} differs from compressSync`);
          contenders.push({
            id: `${concurrency} lane(s)`,
            fn: () => lz4framed.compress(data, { ...options, concurrency }),
            async: true,
            size: frame.length,
          });
        }
        const result = await throughput(contenders, data.length, args.runs);
        const c = result.C.medianMBps;
        const cells = contenders
          .filter((x) => x.id !== 'C')
          .map(
            (x) =>
              `${x.id} ${result[x.id].medianMBps.toFixed(0)} MB/s ×${(result[x.id].medianMBps / c).toFixed(2)} (${x.size} B)`,
          );
        console.log(
          `L${level} ${blockLinked ? 'linked' : 'independent'}: C ${c.toFixed(0)} MB/s (${serial.length} B); ${cells.join('; ')}`,
        );
      }
    }
  } finally {
    reference.close();
  }
  console.log(`load ${os.loadavg()[0].toFixed(2)} after; median of ${args.runs} runs, wall time, MB/s of input`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
