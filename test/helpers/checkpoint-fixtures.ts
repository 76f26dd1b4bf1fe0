// Inputs for the checkpoint tests: compressed streams of every mode, and ways to feed them.
import { compressSync, CompressOptions, Decompressor, RestoreOptions } from '../../lib';
import { skippableFrame } from './frames';

/** The old Python fork's test input: 36 bytes × 100 000 = 3.6 MB. */
export function forkInput(): Buffer {
  return Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789'.repeat(100000));
}

/** Deterministic bytes: text-like runs mixed with pseudo-random (incompressible) stretches. */
export function mixedBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const words = ['lorem ', 'ipsum ', 'dolor ', 'sit ', 'amet ', 'lz4 ', 'frame ', 'block ', '\n'];
  let i = 0;
  while (i < size) {
    const run = 64 + (next() % 4096);
    if (next() % 4 === 0) {
      for (let j = 0; j < run && i < size; j++) out[i++] = next() & 0xff;
    } else {
      while (i < size) {
        const w = words[next() % words.length];
        for (let j = 0; j < w.length && i < size; j++) out[i++] = w.charCodeAt(j);
        if (next() % 512 === 0) break;
      }
    }
  }
  return out;
}

export interface Case {
  name: string;
  compressed: Buffer;
  plain: Buffer;
  decoderOptions: RestoreOptions;
}

/** Small streams of every mode: block sizes, linked, checksums, content size, dictionary, concatenated + skippable frames. */
export function smallCases(): Case[] {
  const dictionary = mixedBytes(70000, 99);
  const cases: Case[] = [];
  const plainA = mixedBytes(150000, 7);
  const plainB = mixedBytes(9000, 8);
  const variants: Array<[string, CompressOptions]> = [
    ['independent 64K', { blockLinked: false }],
    ['linked 64K block+content checksums', { blockLinked: true, blockChecksum: true }],
    ['linked 256K no checksums no size', { blockSize: 262144, contentChecksum: false, contentSize: false }],
    [
      'independent 256K block checksum',
      { blockSize: 262144, blockLinked: false, blockChecksum: true, contentChecksum: false },
    ],
    ['linked HC level 9', { level: 9 }],
  ];
  for (const [name, options] of variants) {
    cases.push({ name, compressed: compressSync(plainA, options), plain: plainA, decoderOptions: {} });
  }
  cases.push({
    name: 'dictionary, linked',
    compressed: compressSync(plainB, { dictionary, dictId: 7 }),
    plain: plainB,
    decoderOptions: { dictionary },
  });
  const tiny = Buffer.from('tiny frame');
  cases.push({
    name: 'skippable + frames + skippable, concatenated',
    compressed: Buffer.concat([
      skippableFrame(Buffer.from('leading skippable')),
      compressSync(plainB, { blockLinked: true }),
      skippableFrame(Buffer.alloc(0), 5),
      compressSync(tiny, { contentChecksum: false }),
      compressSync(plainB.subarray(0, 3000), { blockLinked: false, blockChecksum: true }),
      skippableFrame(Buffer.from('trailing'), 15),
    ]),
    plain: Buffer.concat([plainB, tiny, plainB.subarray(0, 3000)]),
    decoderOptions: {},
  });
  return cases;
}

/** Feeds `compressed[from:]` into `d` and returns everything it decodes, ending the input. */
export function finish(d: Decompressor, compressed: Buffer, from: number): Buffer {
  const out = d.update(compressed.subarray(from));
  d.end();
  return out;
}

/** An async source that yields `data` in `chunk`-byte pieces then fails like a dropped connection. */
export async function* droppingSource(data: Buffer, from: number, to: number, chunk: number): AsyncGenerator<Buffer> {
  for (let i = from; i < to; i += chunk) yield data.subarray(i, Math.min(i + chunk, to));
  throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
}

export async function* source(data: Buffer, from: number, chunk: number): AsyncGenerator<Buffer> {
  for (let i = from; i < data.length; i += chunk) yield data.subarray(i, Math.min(i + chunk, data.length));
}

export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of it) parts.push(part);
  return Buffer.concat(parts);
}
