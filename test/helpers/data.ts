// Deterministic test data: the same seed gives the same bytes on every run, so a failure replays.

/** A small, fast PRNG (mulberry32) returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incompressible bytes. */
export function randomBytes(length: number, seed = 1): Buffer {
  const next = prng(seed);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}

const WORDS = [
  'lz4',
  'frame',
  'block',
  'checksum',
  'the',
  'of',
  'decoder',
  'state',
  'window',
  'dictionary',
  '\n',
  ', ',
];

/** Text-like bytes that compress well but not trivially (matches at many distances). */
export function compressibleBytes(length: number, seed = 2): Buffer {
  const next = prng(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const word = WORDS[(next() * WORDS.length) | 0] + (next() < 0.1 ? String((next() * 1000) | 0) : '') + ' ';
    parts.push(word);
    size += word.length;
  }
  return Buffer.from(parts.join(''), 'latin1').subarray(0, length);
}

/** Alternating runs of random and repetitive bytes: both literal and match paths of the codec. */
export function mixedBytes(length: number, seed = 3): Buffer {
  const next = prng(seed);
  const out = Buffer.allocUnsafe(length);
  let i = 0;
  while (i < length) {
    const run = Math.min(length - i, 1 + ((next() * 4096) | 0));
    if (next() < 0.5) {
      for (let k = 0; k < run; k++) out[i + k] = (next() * 256) | 0;
    } else {
      out.fill((next() * 256) | 0, i, i + run);
    }
    i += run;
  }
  return out;
}

/** Splits `data` into consecutive slices at the given lengths (the last slice takes the rest). */
export function chunk(data: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (const n of lengths) {
    if (pos >= data.length) break;
    parts.push(data.subarray(pos, Math.min(data.length, pos + n)));
    pos += n;
  }
  if (pos < data.length || parts.length === 0) parts.push(data.subarray(Math.min(pos, data.length)));
  return parts;
}

/** Splits `data` into slices of `size` bytes. */
export function slices(data: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let pos = 0; pos < data.length; pos += size) parts.push(data.subarray(pos, pos + size));
  return parts;
}
