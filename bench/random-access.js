#!/usr/bin/env node
'use strict';
// node bench/random-access.js [--gib N] [--keep]
//
// Random access at scale, on files it generates (default: about 1 GiB of compressed data):
//   - buildIndex speed on independent 64 KiB blocks (headers only) and on linked blocks (a decode),
//   - readRange latency for 1 MiB at random offsets, with the index in hand,
//   - decompressParallel against a serial decode (concurrency 1) and `lz4 -d`.
// Needs the compiled package (npm run build:native && npm run build:ts) and the lz4 command line.
// Files go to $BENCH_DIR (default: the OS temp dir) and are removed unless --keep.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const lz4 = require('..');

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const gib = Number(args[args.indexOf('--gib') + 1]) || 1;
const keep = args.includes('--keep');
const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR || os.tmpdir(), 'lz4framed-bench-'));

// Plain data: a 16 MiB pool of text-like runs and random stretches (ratio about 2 with lz4 -1),
// repeated with a rotation; blocks are compressed on their own, so the repetition does not help.
function pool() {
  const out = Buffer.allocUnsafe(16 * MiB);
  let x = 0x9e3779b9;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  const words = ['index', 'frame', 'block', 'checkpoint', 'decoder', 'window', 'offset', 'the', 'of', ' ', '\n'];
  for (let i = 0; i < out.length;) {
    const run = 256 + (next() % 4096);
    if (next() % 3 === 0) for (let j = 0; j < run && i < out.length; j++) out[i++] = next() & 0xff;
    else
      for (let j = 0; j < run && i < out.length;) {
        const w = words[next() % words.length];
        for (let k = 0; k < w.length && i < out.length; k++, j++) out[i++] = w.charCodeAt(k);
      }
  }
  return out;
}

// Streams `plainBytes` of generated data through `lz4 <cliArgs>` into `file`.
async function generate(file, plainBytes, cliArgs) {
  const data = pool();
  const child = spawn('lz4', ['-q', '-c', ...cliArgs], { stdio: ['pipe', fs.openSync(file, 'w'), 'inherit'] });
  for (let written = 0, turn = 0; written < plainBytes; turn++) {
    const start = (turn * 7919) % data.length;
    const piece = Buffer.concat([data.subarray(start), data.subarray(0, start)]).subarray(
      0,
      Math.min(data.length, plainBytes - written),
    );
    if (!child.stdin.write(piece)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    written += piece.length;
  }
  child.stdin.end();
  await new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lz4 exited ${code}`)))),
  );
  return fs.statSync(file).size;
}

function dropCaches() {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

async function time(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const mbps = (bytes, ms) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function readRangeLatency(file, index, samples = 40) {
  const times = [];
  let x = 12345;
  for (let i = 0; i < samples; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const start = Math.floor((x / 2147483648) * (index.outputSize - MiB));
    const { ms, value } = await time(() => lz4.readRange(file, start, MiB, { index }));
    if (value.length !== MiB) throw new Error('short read');
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return `median ${percentile(times, 50).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`;
}

async function main() {
  console.log(
    `lz4framed ${lz4.version} (liblz4 ${lz4.LZ4_VERSION}), node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0].model}), files in ${dir}`,
  );
  const plainBytes = Math.round(gib * 2 * 1024 * MiB);
  const independent = path.join(dir, 'independent-64k.lz4');
  const linked = path.join(dir, 'linked-64k.lz4');
  const { ms: genMs, value: size } = await time(() => generate(independent, plainBytes, ['-B4']));
  console.log(
    `generated ${independent}: ${(size / MiB).toFixed(0)} MiB compressed from ${(plainBytes / MiB).toFixed(0)} MiB (${(genMs / 1000).toFixed(1)} s)`,
  );

  console.log('\nbuildIndex, independent 64 KiB blocks (headers only):');
  for (const cold of [false, true]) {
    if (cold && !dropCaches()) {
      console.log('  cold cache: cannot drop the page cache here (needs root on the host); skipped');
      continue;
    }
    const { ms, value: index } = await time(() => lz4.buildIndex(independent));
    console.log(
      `  ${cold ? 'cold' : 'warm'} cache: ${ms.toFixed(0)} ms = ${mbps(size, ms)} of compressed file, ${index.entries.length} entries, ${index.toBuffer().length} bytes`,
    );
  }
  if (dropCaches()) {
    const { ms } = await time(async () => {
      const handle = await fs.promises.open(independent, 'r');
      const buffer = Buffer.allocUnsafe(4 * MiB);
      for (let position = 0; ; position += buffer.length)
        if ((await handle.read(buffer, 0, buffer.length, position)).bytesRead === 0) break;
      await handle.close();
    });
    console.log(
      `  for comparison, reading the whole file (4 MiB reads), cold cache: ${ms.toFixed(0)} ms = ${mbps(size, ms)}`,
    );
  }
  const index = await lz4.buildIndex(independent);
  console.log('\nreadRange 1 MiB at random offsets (index given, default 64 MiB interval):');
  console.log(`  independent 64 KiB blocks: ${await readRangeLatency(independent, index)}`);

  console.log('\nfull decode of the independent file:');
  const out = path.join(dir, 'out');
  const serial = await time(() => lz4.decompressParallel(independent, out, { index, concurrency: 1 }));
  console.log(
    `  decompressParallel concurrency 1 (serial): ${serial.ms.toFixed(0)} ms (${mbps(index.outputSize, serial.ms)} of output)`,
  );
  for (const concurrency of [2, 4]) {
    const parallel = await time(() => lz4.decompressParallel(independent, out, { index, concurrency }));
    console.log(
      `  decompressParallel concurrency ${concurrency}: ${parallel.ms.toFixed(0)} ms (${mbps(index.outputSize, parallel.ms)}), ${(serial.ms / parallel.ms).toFixed(2)}x`,
    );
  }
  const cli = await time(() => execFileSync('sh', ['-c', `lz4 -d -q -c "${independent}" > "${out}"`]));
  console.log(`  lz4 -d (C, one thread, for reference): ${cli.ms.toFixed(0)} ms (${mbps(index.outputSize, cli.ms)})`);
  fs.rmSync(out, { force: true });
  fs.rmSync(independent);

  const { value: linkedSize } = await time(() => generate(linked, plainBytes, ['-B4', '-BD']));
  console.log(`\ngenerated ${linked}: ${(linkedSize / MiB).toFixed(0)} MiB compressed, linked blocks`);
  for (const interval of [64 * MiB, 8 * MiB]) {
    const built = await time(() => lz4.buildIndex(linked, { interval }));
    const linkedIndex = built.value;
    console.log(
      `  buildIndex interval ${interval / MiB} MiB (decodes everything): ${built.ms.toFixed(0)} ms = ${mbps(linkedSize, built.ms)}, ${linkedIndex.entries.length} entries, index ${(linkedIndex.toBuffer().length / 1024).toFixed(0)} KiB`,
    );
    console.log(`  readRange 1 MiB: ${await readRangeLatency(linked, linkedIndex, 20)}`);
    if (interval === 8 * MiB) {
      const s = await time(() => lz4.decompressParallel(linked, out, { index: linkedIndex, concurrency: 1 }));
      const p = await time(() => lz4.decompressParallel(linked, out, { index: linkedIndex, concurrency: 2 }));
      console.log(
        `  decompressParallel linked: serial ${s.ms.toFixed(0)} ms, concurrency 2 ${p.ms.toFixed(0)} ms, ${(s.ms / p.ms).toFixed(2)}x`,
      );
      fs.rmSync(out, { force: true });
    }
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  });
