'use strict';
// What is measured: lz4framed (the compiled package in dist/, `npm run build:ts`) and the npm
// peers, each with its own defaults except where noted, behind one shape per operation.
const lz4framed = require('..');

function version(name) {
  // Some packages do not export their package.json: read it from node_modules.
  const fs = require('fs');
  const path = require('path');
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function optional(name) {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

const lz4napi = optional('lz4-napi');
const lz4 = optional('lz4');
const lz4js = optional('lz4js');

// One-shot frame codecs. `levels`: which of the benchmark's levels the library can do (the
// peers have no levels beyond fast / high compression). `storesSize`: its frames may carry the
// content size (the others' frames never do, so they belong in the "size not stored" rows).
const LIBRARIES = [
  {
    name: 'lz4framed',
    version: lz4framed.version,
    levels: [0, 1, 9],
    storesSize: true,
    compress: (data, level, storeSize = true) => lz4framed.compressSync(data, { level, contentSize: storeSize }),
    // One threadpool job, as the peers' async calls; the parallel rows are separate.
    compressAsync: (data, level, storeSize = true) =>
      lz4framed.compress(data, { level, contentSize: storeSize, concurrency: 1 }),
    decompress: (packed) => lz4framed.decompressSync(packed),
    decompressAsync: (packed) => lz4framed.decompress(packed),
    frame: '64 KiB linked blocks, content checksum',
  },
  lz4napi && {
    // lz4_flex (Rust) behind napi-rs; content checksum on, as lz4framed's default.
    name: 'lz4-napi',
    version: version('lz4-napi'),
    levels: [0],
    compress: (data) => lz4napi.compressFrameSync(data, { contentChecksum: true }),
    compressAsync: (data) => lz4napi.compressFrame(data, { contentChecksum: true }),
    decompress: (packed) => lz4napi.decompressFrameSync(packed),
    decompressAsync: (packed) => lz4napi.decompressFrame(packed),
    frame: '4 MiB independent blocks, content checksum',
  },
  lz4 && {
    // liblz4 1.9 blocks behind nan, frame written in JS; level 9 is its highCompression.
    name: 'lz4',
    version: version('lz4'),
    levels: [0, 9],
    compress: (data, level) => lz4.encode(data, level >= 3 ? { highCompression: true } : {}),
    decompress: (packed) => lz4.decode(packed),
    frame: '4 MiB independent blocks, content checksum',
  },
  lz4js && {
    name: 'lz4js',
    version: version('lz4js'),
    levels: [0],
    compress: (data) => lz4js.compress(data),
    decompress: (packed) => lz4js.decompress(packed),
    frame: '4 MiB linked blocks, no checksum',
  },
].filter(Boolean);

const PEERS = LIBRARIES.filter((l) => l.name !== 'lz4framed').map((l) => l.name);

// ---------------------------------------------------------------- streaming

function* chunks(data, size) {
  for (let pos = 0; pos < data.length; pos += size) yield data.subarray(pos, pos + size);
}

// Compressor.update / Decompressor.update, as a Transform's _transform would call them; the
// output chunks are kept (not joined), as a stream would pass them on.
function contextCompress(data, chunkSize, keep) {
  const c = new lz4framed.Compressor();
  let bytes = 0;
  for (const chunk of chunks(data, chunkSize)) {
    const out = c.update(chunk);
    bytes += out.length;
    keep?.push(out);
  }
  const tail = c.end();
  keep?.push(tail);
  c.close();
  return bytes + tail.length;
}

async function contextCompressAsync(data, chunkSize, keep) {
  const c = new lz4framed.Compressor();
  let bytes = 0;
  for (const chunk of chunks(data, chunkSize)) {
    const out = await c.updateAsync(chunk);
    bytes += out.length;
    keep?.push(out);
  }
  const tail = await c.endAsync();
  keep?.push(tail);
  c.close();
  return bytes + tail.length;
}

function contextDecompress(packed, chunkSize, keep) {
  const d = new lz4framed.Decompressor();
  let bytes = 0;
  for (const chunk of chunks(packed, chunkSize)) {
    const out = d.update(chunk);
    bytes += out.length;
    keep?.push(out);
  }
  d.end();
  d.close();
  return bytes;
}

async function contextDecompressAsync(packed, chunkSize, keep) {
  const d = new lz4framed.Decompressor();
  let bytes = 0;
  for (const chunk of chunks(packed, chunkSize)) {
    const out = await d.updateAsync(chunk);
    bytes += out.length;
    keep?.push(out);
  }
  d.end();
  d.close();
  return bytes;
}

// Writes `data` into a Transform in `chunkSize` writes, minding backpressure; resolves with the
// number of bytes read out of it.
function pump(stream, data, chunkSize, keep) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    stream.on('data', (out) => {
      bytes += out.length;
      keep?.push(out);
    });
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
    const source = chunks(data, chunkSize);
    const write = () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        if (!stream.write(next.value)) {
          stream.once('drain', write);
          return;
        }
      }
      stream.end();
    };
    write();
  });
}

// Node Transform streams with 64 KiB writes. lz4framed's are picked up when the build has them
// (hook: createCompressStream / createDecompressStream, lib/streams.ts).
const TRANSFORMS = [
  typeof lz4framed.createCompressStream === 'function' && {
    name: 'lz4framed',
    compress: () => lz4framed.createCompressStream(),
    decompress: () => lz4framed.createDecompressStream(),
  },
  lz4 && { name: 'lz4', compress: () => lz4.createEncoderStream(), decompress: () => lz4.createDecoderStream() },
].filter(Boolean);

// ---------------------------------------------------------------- checkpoints

// Hook: measured when the build has Decompressor#checkpoint and Decompressor.restore.
const hasCheckpoints =
  typeof lz4framed.Decompressor.prototype.checkpoint === 'function' &&
  typeof lz4framed.Decompressor.restore === 'function';

// Compressed bytes up to the end of the first block whose output ends at or past `outputBytes`:
// a decoder fed exactly that far stands at a block boundary with a full history window.
function blockBoundary(packed, outputBytes) {
  const info = lz4framed.getFrameInfo(packed);
  let pos = info.headerSize;
  let produced = 0;
  while (produced < outputBytes) {
    const word = packed.readUInt32LE(pos);
    if (word === 0) throw new Error('frame ended before the requested output');
    const size = word & 0x7fffffff;
    pos += 4 + size + (info.blockChecksum ? 4 : 0);
    produced += info.blockSize; // every block but the last holds a full block of output
  }
  return pos;
}

// A decoder standing at a block boundary of `packed` (a linked-block frame), and the output
// that precedes that boundary (for restores of checkpoints that omit their history).
function decoderAtBoundary(packed, outputBytes) {
  const d = new lz4framed.Decompressor();
  const output = d.update(packed.subarray(0, blockBoundary(packed, outputBytes)));
  return { decoder: d, output };
}

module.exports = {
  lz4framed,
  LIBRARIES,
  PEERS,
  TRANSFORMS,
  hasCheckpoints,
  decoderAtBoundary,
  contextCompress,
  contextCompressAsync,
  contextDecompress,
  contextDecompressAsync,
  pump,
};
