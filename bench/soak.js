#!/usr/bin/env node
'use strict';
// Leak check: a long run of mixed operations through the compiled package (dist/, so run
// `npm run build:ts` first) while RSS is sampled at regular intervals. Memory must level off:
// the script exits 1 when RSS grows by more than the bound over the last quarter of the run.
//
//   node --expose-gc bench/soak.js [--ops N] [--samples K] [--max-growth-mb M] [--module PATH]
//
// Defaults: 10^6 operations, 20 samples, 24 MiB, the package itself (--module: another build of
// it, e.g. lib/ transpiled by a test). With --expose-gc, a full GC runs before each sample, so
// what is measured is what the process still holds, not garbage not yet collected.
const path = require('path');
const { pipeline } = require('stream/promises');
const { Readable, Writable } = require('stream');

function options(argv) {
  const o = { ops: 1e6, samples: 20, maxGrowthMb: 24, module: path.join(__dirname, '..') };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--module' && argv[i + 1]) {
      o.module = path.resolve(argv[i + 1]);
      continue;
    }
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`bad value for ${argv[i]}`);
    if (argv[i] === '--ops') o.ops = Math.floor(value);
    else if (argv[i] === '--samples') o.samples = Math.floor(value);
    else if (argv[i] === '--max-growth-mb') o.maxGrowthMb = value;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (o.samples < 4) throw new Error('--samples must be at least 4 (the check looks at the last quarter)');
  return o;
}

// Deterministic: a leak that shows once shows again with the same operations.
function prng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const o = options(process.argv.slice(2));
const lz4 = require(o.module);
const random = prng(20261121);
const TEXT = Buffer.from('lz4 frame block checkpoint window dictionary soak '.repeat(2000));
const NOISE = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 2654435761) >>> 27));
const DICTIONARY = TEXT.subarray(0, 30000);

function input() {
  const size = 1 + random(random(8) === 0 ? 65536 : 4096);
  const source = random(3) === 0 ? NOISE : TEXT;
  const at = random(source.length - size);
  return source.subarray(at, at + size);
}

function expectEqual(a, b, what) {
  if (!Buffer.from(a).equals(Buffer.from(b))) throw new Error(`soak: ${what} gave different bytes`);
}

function expectCode(run, code) {
  try {
    run();
  } catch (error) {
    if (error.code === code) return;
    throw error;
  }
  throw new Error(`soak: expected ${code}`);
}

// Each operation is one weighted kind; async ones return a promise.
const OPERATIONS = [
  [
    30,
    function oneShotSync() {
      const plain = input();
      expectEqual(lz4.decompressSync(lz4.compressSync(plain, { level: random(4) * 3 })), plain, 'sync round trip');
    },
  ],
  [
    20,
    async function oneShotAsync() {
      const plain = input();
      expectEqual(
        await lz4.decompress(await lz4.compress(plain, { blockLinked: random(2) === 0 })),
        plain,
        'async round trip',
      );
    },
  ],
  [
    10,
    async function streamingContexts() {
      const plain = input();
      const c = new lz4.Compressor({ dictionary: DICTIONARY, blockChecksum: true });
      const frame = Buffer.concat([
        c.update(plain.subarray(0, 100)),
        await c.updateAsync(plain.subarray(100)),
        c.flush(),
        await c.endAsync(),
      ]);
      const d = new lz4.Decompressor({ dictionary: DICTIONARY });
      const half = frame.length >> 1;
      const out = Buffer.concat([await d.updateAsync(frame.subarray(0, half)), d.update(frame.subarray(half))]);
      d.end();
      expectEqual(out, plain, 'streaming contexts');
      // Half of the contexts are closed, half left to the garbage collector.
      if (random(2) === 0) {
        c.close();
        d.close();
      }
    },
  ],
  [
    15,
    function cloneAndCheckpoint() {
      const plain = input();
      const frame = lz4.compressSync(plain, { blockSize: 65536 });
      const cut = random(frame.length);
      const d = new lz4.Decompressor();
      const head = d.update(frame.subarray(0, cut));
      const twin = d.clone();
      const omit = random(2) === 0;
      const checkpoint = d.checkpoint({ history: omit ? 'omit' : 'embed' });
      const restored = lz4.Decompressor.restore(checkpoint, omit ? { history: head } : undefined);
      for (const decoder of [d, twin, restored]) {
        expectEqual(Buffer.concat([head, decoder.update(frame.subarray(cut))]), plain, 'checkpoint / clone');
        decoder.end();
      }
      d.close();
    },
  ],
  [
    15,
    function errors() {
      const frame = lz4.compressSync(input());
      switch (random(4)) {
        case 0:
          return expectCode(() => lz4.decompressSync(Buffer.from('not an lz4 frame')), 'ERR_LZ4F_FRAMETYPE_UNKNOWN');
        case 1:
          return expectCode(() => lz4.decompressSync(frame.subarray(0, frame.length - 1)), 'ERR_LZ4_NO_DATA');
        case 2:
          return expectCode(
            () => lz4.Decompressor.restore(Buffer.from('bad checkpoint bytes')),
            'ERR_LZ4_BAD_CHECKPOINT',
          );
        default: {
          const d = new lz4.Decompressor();
          d.close();
          return expectCode(() => d.update(frame), 'ERR_LZ4_CLOSED');
        }
      }
    },
  ],
  [
    2,
    async function nodeStreams() {
      const plain = input();
      const parts = [];
      await pipeline(
        Readable.from([plain.subarray(0, 10), plain.subarray(10)]),
        lz4.createCompressStream(),
        lz4.createDecompressStream(),
        new Writable({ write: (chunk, _encoding, done) => done(null, parts.push(chunk)) }),
      );
      expectEqual(Buffer.concat(parts), plain, 'node streams');
    },
  ],
];
const TOTAL_WEIGHT = OPERATIONS.reduce((sum, [weight]) => sum + weight, 0);

function pick() {
  let r = random(TOTAL_WEIGHT);
  for (const [weight, operation] of OPERATIONS) {
    if (r < weight) return operation;
    r -= weight;
  }
  throw new Error('unreachable');
}

async function sample(done) {
  if (typeof global.gc === 'function') {
    // Finalizers of collected contexts run after the GC, on the event loop.
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
    global.gc();
  }
  const m = process.memoryUsage();
  return { ops: done, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, arrayBuffersMb: m.arrayBuffers / 2 ** 20 };
}

async function main() {
  const every = Math.max(1, Math.floor(o.ops / o.samples));
  const samples = [];
  const inFlight = new Set();
  for (let done = 0; done < o.ops; done++) {
    const result = pick()();
    if (result) {
      const job = result.finally(() => inFlight.delete(job));
      inFlight.add(job);
      // A window of concurrent jobs keeps the threadpool busy without unbounded queueing.
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    if ((done + 1) % every === 0) {
      await Promise.all(inFlight);
      const s = await sample(done + 1);
      samples.push(s);
      console.log(
        `ops ${s.ops}  rss ${s.rssMb.toFixed(1)} MiB  heap ${s.heapMb.toFixed(1)} MiB  arrayBuffers ${s.arrayBuffersMb.toFixed(1)} MiB`,
      );
    }
  }
  await Promise.all(inFlight);
  const quarter = samples.slice(Math.floor((samples.length * 3) / 4) - 1);
  const growth = quarter[quarter.length - 1].rssMb - quarter[0].rssMb;
  const verdict = {
    ops: o.ops,
    samples: samples.length,
    lastQuarterGrowthMb: Number(growth.toFixed(2)),
    boundMb: o.maxGrowthMb,
    leveledOff: growth <= o.maxGrowthMb,
  };
  console.log(JSON.stringify(verdict));
  process.exit(verdict.leveledOff ? 0 : 1);
}

main().catch((error) => {
  console.error(error.stack || error);
  process.exit(2);
});
