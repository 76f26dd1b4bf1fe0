'use strict';
// Peak memory of streaming: pipes a generated stream (2 GiB by default) through
// createCompressStream → createDecompressStream and checks the output is the input (SHA-1),
// then prints the peak RSS. Streaming must keep it bounded by a few block buffers, whatever the
// input size.
//
//   npm run build:ts && node bench/stream-memory.js [GiB=2] [blockSize=4194304] [chunkBytes=65536]
const crypto = require('crypto');
const { Readable, Writable } = require('stream');
const { pipeline } = require('stream/promises');
const lz4 = require('..');

const gib = Number(process.argv[2] ?? 2);
const blockSize = Number(process.argv[3] ?? 4194304);
const chunkBytes = Number(process.argv[4] ?? 65536);
const total = Math.round(gib * 2 ** 30);

// A few text-like chunks, reused: their content does not matter to the memory measured, only
// that they compress like real data (about 2-3x).
function makeChunk(seed) {
  const words = ['stream', 'frame', 'block', 'lz4', 'memory', 'bounded', 'the', 'of', '\n', 'checksum'];
  let state = seed;
  let text = '';
  while (text.length < chunkBytes) {
    state = (state * 1103515245 + 12345) >>> 0;
    text += words[state % words.length] + ((state >>> 8) % 7 === 0 ? String(state % 100000) : '') + ' ';
  }
  return Buffer.from(text.slice(0, chunkBytes), 'latin1');
}
const pool = [1, 2, 3, 4].map(makeChunk);

async function main() {
  const before = process.resourceUsage().maxRSS;
  const inHash = crypto.createHash('sha1');
  const outHash = crypto.createHash('sha1');
  let compressed = 0;
  let produced = 0;
  const source = Readable.from(
    (function* generate() {
      for (let sent = 0, i = 0; sent < total; i++) {
        const chunk = pool[i % pool.length].subarray(0, Math.min(chunkBytes, total - sent));
        inHash.update(chunk);
        sent += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  const compressor = lz4.createCompressStream({ blockSize });
  compressor.on('data', (c) => (compressed += c.length));
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      outHash.update(chunk);
      produced += chunk.length;
      callback();
    },
  });
  const start = process.hrtime.bigint();
  await pipeline(source, compressor, lz4.createDecompressStream(), sink);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const same = inHash.digest('hex') === outHash.digest('hex') && produced === total;
  const peak = process.resourceUsage().maxRSS;
  console.log(
    JSON.stringify({
      inputBytes: total,
      compressedBytes: compressed,
      blockSize,
      chunkBytes,
      roundTripOk: same,
      seconds: Number(seconds.toFixed(1)),
      maxRssBeforeMiB: Number((before / 1024).toFixed(1)),
      maxRssPeakMiB: Number((peak / 1024).toFixed(1)),
    }),
  );
  if (!same) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
