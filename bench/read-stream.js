#!/usr/bin/env node
'use strict';
// node bench/read-stream.js [--mib 100] [--runs 6]
//
// A decompression Transform fed from a file the way applications feed it:
// pipeline(fs.createReadStream(file, { highWaterMark }), createDecompressStream(), a sink), with
// the read stream's default 64 KiB chunks and with 1 MiB chunks, taking turns run after run. Each
// threadpool job costs a hand-off and queued small writes are joined into batches, so the chunk
// size the source hands over shows in the throughput (README, Node streams). Prints ms per run.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pipeline } = require('stream/promises');
const { Writable } = require('stream');
const { loadCorpus, MiB } = require('./corpus');
const { integerArgs } = require('./int-args');
const { median: medianOf } = require('./measure');
const lz4 = require('..');

async function decodeFile(file, highWaterMark, expected) {
  let bytes = 0;
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const start = process.hrtime.bigint();
  await pipeline(fs.createReadStream(file, { highWaterMark }), lz4.createDecompressStream(), sink);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (bytes !== expected) throw new Error(`decoded ${bytes} bytes, expected ${expected}`);
  return ms;
}

async function main() {
  const { mib, runs } = integerArgs(
    process.argv.slice(2),
    { mib: 100, runs: 6 },
    'node bench/read-stream.js [--mib N] [--runs K]',
  );
  const data = loadCorpus('mixed', mib * MiB).data;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-read-stream-'));
  const file = path.join(dir, 'mixed.lz4');
  try {
    fs.writeFileSync(file, lz4.compressSync(data, { contentSize: false }));
    const sizes = [64 * 1024, MiB];
    const times = new Map(sizes.map((size) => [size, []]));
    await decodeFile(file, MiB, data.length); // warm-up
    for (let run = 0; run < runs; run++) {
      for (const size of sizes) times.get(size).push(await decodeFile(file, size, data.length));
    }
    for (const [size, ms] of times) {
      const median = medianOf(ms);
      console.log(
        `${mib} MiB mixed, highWaterMark ${size / 1024} KiB: median ${median.toFixed(0)} ms ` +
          `(${((data.length / median) * 1e-3).toFixed(0)} MB/s); runs ${ms.map((t) => t.toFixed(0)).join(' ')}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
