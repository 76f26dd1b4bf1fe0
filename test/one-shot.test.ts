// One-shot API: compressSync / compress / decompressSync / decompress / getFrameInfo round trips
// over sizes, kinds of data, input types, concatenated and skippable frames, and dictionaries.
import {
  compress,
  compressSync,
  constants,
  Decompressor,
  decompress,
  decompressSync,
  getFrameInfo,
  CompressOptions,
  Lz4FramedNoDataError,
} from '../lib';
import { compressibleBytes, mixedBytes, randomBytes, slices } from './helpers/data';
import { frameLayout, skippableFrame } from './helpers/frames';
import { rejectionOf, thrown } from './helpers/outcome';
import { shortBlockFrame } from './helpers/lz4-files';

const KiB = 1024;

/** Both paths must give the same frame, and both decoders the original back. */
async function roundTrip(input: Buffer, options?: CompressOptions): Promise<Buffer> {
  const frame = compressSync(input, options);
  const frameAsync = await compress(input, options);
  expect(Buffer.isBuffer(frame)).toBe(true);
  expect(frameAsync.equals(frame)).toBe(true);
  const dictionary = options?.dictionary === undefined ? {} : { dictionary: options.dictionary };
  expect(decompressSync(frame, dictionary).equals(input)).toBe(true);
  expect((await decompress(frame, dictionary)).equals(input)).toBe(true);
  return frame;
}

describe('sizes', () => {
  const sizes = [0, 1, 2, 12, 13, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 128 * KiB - 1, 128 * KiB, 128 * KiB + 1];
  test.each(sizes)('%i random and compressible bytes round trip sync and async', async (size) => {
    for (const input of [randomBytes(size, size), compressibleBytes(size, size)]) {
      await roundTrip(input);
      await roundTrip(input, { blockLinked: false, blockChecksum: true });
    }
  });

  // Sizes around each block size, with the input at least as large as the block so liblz4 keeps
  // the requested size: the frame must say exactly what was asked and hold the right block count.
  test.each(constants.BLOCK_SIZES.map((blockSize) => [blockSize]))(
    'block size %i: inputs of size - 1, size and size + 1 bytes',
    async (blockSize) => {
      for (const size of [blockSize - 1, blockSize, blockSize + 1]) {
        const input = mixedBytes(size, size);
        const frame = await roundTrip(input, { blockSize, level: -1 });
        const info = getFrameInfo(frame);
        const expected = size < blockSize ? constants.BLOCK_SIZES.find((b) => b >= size) : blockSize;
        expect(info.blockSize).toBe(expected);
        expect(info.contentSize).toBe(size);
        expect(frameLayout(frame).blocks.length).toBe(Math.ceil(size / info.blockSize));
        // Linked only when there is more than one block to link (what liblz4 does in one shot).
        expect(info.blockLinked).toBe(size > blockSize);
      }
    },
  );

  test('an empty input is a valid frame that decodes to nothing; liblz4 cannot store a content size of 0', async () => {
    const frame = await roundTrip(Buffer.alloc(0));
    const info = getFrameInfo(frame);
    expect(info.contentSize).toBeUndefined();
    expect(info.headerSize).toBe(7);
    expect(frameLayout(frame).blocks).toEqual([]);
    expect(frame.length).toBe(7 + 4 + 4); // header, end mark, content checksum
  });

  test('a single byte', async () => {
    const frame = await roundTrip(Buffer.from([0x42]));
    expect(getFrameInfo(frame).contentSize).toBe(1);
    expect(frameLayout(frame).blocks).toEqual([expect.objectContaining({ dataSize: 1, compressed: false })]);
  });
});

// compressSync keeps an HC context between calls. A frame begun on a used context could differ
// from one begun afresh (found by test/options.test.ts: this input at level -1 gave two different
// frames in two calls; at level 10 with favorDecSpeed, a run of one byte after random data).
// Every call must give the same bytes as the promise one, whatever came before.
describe('repeated calls give the same frame', () => {
  test.each([-1, 0, 1, 3, 9, 12])('level %i, the same input twice, sync and async', async (level) => {
    const input = compressibleBytes(204792, 7);
    for (const blockLinked of [true, false]) {
      const options = { level, blockLinked, blockChecksum: true, favorDecSpeed: level >= 10 };
      const first = compressSync(input, options);
      expect(compressSync(input, options).equals(first)).toBe(true);
      expect((await compress(input, options)).equals(first)).toBe(true);
      expect(compressSync(input, options).equals(first)).toBe(true);
    }
  });

  test.each([3, 9, 10, 12])('level %i with favorDecSpeed, after random data at the same level', async (level) => {
    const run = Buffer.alloc(200 * KiB, 0x4a);
    for (const blockLinked of [true, false]) {
      for (const blockSize of [64 * KiB, 4 * 1024 * KiB]) {
        const options = { level, blockLinked, blockSize, favorDecSpeed: true };
        compressSync(randomBytes(300 * KiB, level), options);
        expect(compressSync(run, options).equals(await compress(run, options))).toBe(true);
      }
    }
  });
});

// Small sync outputs known only by a bound are written into memory the addon reuses and copied
// out at their exact size: every result must be memory of its own, which later calls leave alone.
describe('small outputs', () => {
  test('each result keeps its bytes through later calls and holds no more memory than its length', () => {
    const inputs = [compressibleBytes(3000, 61), randomBytes(1500, 62), mixedBytes(40 * KiB, 63), Buffer.alloc(0)];
    const frames = inputs.map((input) => compressSync(input, { contentSize: false }));
    const copies = frames.map((frame) => Buffer.from(frame));
    const outputs = frames.map((frame) => decompressSync(frame));
    const outputCopies = outputs.map((out) => Buffer.from(out));
    // More calls of every size through the same reused memory.
    for (let i = 0; i < 50; i++) decompressSync(compressSync(randomBytes(i * 997, 64 + i), { contentSize: false }));
    frames.forEach((frame, i) => {
      expect(frame.equals(copies[i])).toBe(true);
      expect(frame.buffer.byteLength).toBe(frame.length);
    });
    outputs.forEach((out, i) => {
      expect(out.equals(outputCopies[i]) && out.equals(inputs[i])).toBe(true);
      if (out.length > 0) expect(out.buffer.byteLength).toBe(out.length);
    });
  });
});

// From 32 MiB the output is faulted in by a second thread while the decoder fills it: the bytes
// must be the decoder's whether the helper reaches a page first or last, and a decoder that stops
// early (damage, truncation) must leave the helper stopped before the output is handed over.
describe('large outputs', () => {
  const input = mixedBytes(40 * 1024 * KiB, 40);
  const frame = compressSync(input, { level: -1 });

  test('a 40 MiB frame decodes sync and async, with and without a stored size', async () => {
    expect(decompressSync(frame).equals(input)).toBe(true);
    expect((await decompress(frame)).equals(input)).toBe(true);
    const unsized = compressSync(input, { level: -1, contentSize: false });
    expect(decompressSync(unsized).equals(input)).toBe(true);
    expect((await decompress(unsized)).equals(input)).toBe(true);
  });

  // Without a stored size the output is only bounded by the block headers, and the helper follows
  // the decoder a few MiB ahead as it decodes the input in steps.
  test.each([
    ['a stored size', frame],
    ['no stored size', compressSync(input, { level: -1, contentSize: false })],
  ])('a truncated or damaged 40 MiB frame with %s fails with the output decoded so far', async (_name, whole) => {
    const truncated = whole.subarray(0, whole.length >> 1);
    for (const error of [thrown(() => decompressSync(truncated)), await rejectionOf(() => decompress(truncated))]) {
      if (!(error instanceof Lz4FramedNoDataError)) throw error;
      expect(error.code).toBe('ERR_LZ4_NO_DATA');
      expect(error.partial.length).toBeGreaterThan(16 * 1024 * KiB);
      expect(error.partial.equals(input.subarray(0, error.partial.length))).toBe(true);
    }
    const damaged = Buffer.from(whole);
    damaged[damaged.length >> 1] ^= 0xff;
    await expect(decompress(damaged)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_LZ4F_/) });
  });

  test('frames whose block headers overstate the output (short flushed blocks) decode exactly', async () => {
    // 4 MiB blocks flushed every 512 KiB: a bound of 8 times the output; a compressible frame
    // after it stretches the bound per input byte unevenly across the input.
    const short = shortBlockFrame(input.subarray(0, 20 * 1024 * KiB), 512 * KiB, {
      contentSize: false,
      blockSize: constants.BLOCK_SIZE_4MB,
    });
    const zeros = Buffer.alloc(30 * 1024 * KiB);
    const stream = Buffer.concat([
      short,
      compressSync(zeros, { contentSize: false, blockSize: constants.BLOCK_SIZE_4MB }),
    ]);
    const expected = Buffer.concat([input.subarray(0, 20 * 1024 * KiB), zeros]);
    expect(decompressSync(stream).equals(expected)).toBe(true);
    expect((await decompress(stream)).equals(expected)).toBe(true);
  });
});

describe('kinds of data', () => {
  test('incompressible data is stored raw: the frame grows by no more than its framing', async () => {
    const input = randomBytes(300 * KiB, 7);
    const frame = await roundTrip(input);
    const layout = frameLayout(frame);
    expect(layout.blocks.every((block) => !block.compressed)).toBe(true);
    expect(frame.length).toBe(layout.headerSize + input.length + 4 * layout.blocks.length + 4 + 4);
  });

  test('highly compressible data shrinks to less than 1%', async () => {
    const input = Buffer.alloc(4 * 1024 * KiB, 'z');
    const frame = await roundTrip(input, { blockSize: constants.BLOCK_SIZE_4MB });
    expect(frame.length).toBeLessThan(input.length / 100);
  });

  test('higher levels compress text better; negative levels (acceleration) worse', async () => {
    const input = compressibleBytes(256 * KiB, 11);
    const size = (level: number) => compressSync(input, { level }).length;
    expect(size(constants.LEVEL_MAX)).toBeLessThanOrEqual(size(9));
    expect(size(9)).toBeLessThanOrEqual(size(3));
    expect(size(3)).toBeLessThan(size(0));
    expect(size(0)).toBeLessThan(size(-50));
    for (const level of [constants.LEVEL_FAST_MIN, -50, -1, 1, 2, 10, 11, constants.LEVEL_MAX]) {
      await roundTrip(input, { level });
    }
  });

  test('favorDecSpeed frames round trip at the optimal-parser levels', async () => {
    const input = compressibleBytes(100 * KiB, 12);
    for (const level of [10, 12]) await roundTrip(input, { level, favorDecSpeed: true });
  });

  test('strings are compressed as UTF-8', async () => {
    const text = 'naïve café ✓ 𝄞 '.repeat(500);
    const frame = compressSync(text);
    expect(decompressSync(frame).toString('utf8')).toBe(text);
    expect((await compress(text)).equals(frame)).toBe(true);
    expect(getFrameInfo(frame).contentSize).toBe(Buffer.byteLength(text));
  });
});

describe('input types', () => {
  const data = compressibleBytes(10 * KiB + 6, 5);
  // Views with an offset into a larger buffer must read exactly their own bytes.
  const backing = Buffer.concat([Buffer.from('PREFIX01'), data, Buffer.from('SUFFIX01')]);
  const inner = backing.subarray(8, 8 + data.length);
  // Wider element types need a length that is a multiple of their size.
  const padded = new Uint8Array(Math.ceil(data.length / 8) * 8);
  padded.set(data);
  const views: Array<[string, ArrayBufferView | ArrayBuffer]> = [
    ['Buffer', Buffer.from(data)],
    ['Uint8Array subarray', new Uint8Array(inner.buffer, inner.byteOffset, inner.length)],
    ['Uint16Array', new Uint16Array(padded.buffer, 0, data.length >> 1)],
    ['Float64Array subarray', new Float64Array(padded.buffer).subarray(1)],
    ['DataView with offset', new DataView(inner.buffer, inner.byteOffset, inner.length)],
    ['ArrayBuffer', inner.buffer.slice(inner.byteOffset, inner.byteOffset + inner.length)],
  ];

  test.each(views)('compress and decompress accept a %s', async (_name, view) => {
    const bytes = ArrayBuffer.isView(view)
      ? Buffer.from(view.buffer, view.byteOffset, view.byteLength)
      : Buffer.from(view);
    const frame = compressSync(view);
    expect(decompressSync(frame).equals(bytes)).toBe(true);
    expect((await compress(view)).equals(frame)).toBe(true);
    // The frame itself in the same kind of container.
    const frameCopy = new Uint8Array(frame.length + 3);
    frameCopy.set(frame, 3);
    expect(decompressSync(new DataView(frameCopy.buffer, 3)).equals(bytes)).toBe(true);
    expect((await decompress(frameCopy.buffer.slice(3))).equals(bytes)).toBe(true);
  });

  test('a SharedArrayBuffer is accepted', () => {
    const shared = new SharedArrayBuffer(data.length);
    new Uint8Array(shared).set(data);
    expect(decompressSync(compressSync(shared)).equals(data)).toBe(true);
  });
});

describe('concatenated and skippable frames', () => {
  const a = compressibleBytes(70 * KiB, 21);
  const b = randomBytes(1000, 22);
  const frameA = compressSync(a, { blockChecksum: true });
  const frameB = compressSync(b, { contentChecksum: false, level: 9 });

  test('decompress returns every frame of the input, in order', async () => {
    const input = Buffer.concat([frameA, frameB, frameA]);
    const expected = Buffer.concat([a, b, a]);
    expect(decompressSync(input).equals(expected)).toBe(true);
    expect((await decompress(input)).equals(expected)).toBe(true);
  });

  test('skippable frames of every magic (0x184D2A50..5F) before, between and after frames are skipped', async () => {
    for (let nibble = 0; nibble < 16; nibble++) {
      const skip = skippableFrame(Buffer.from(`skip me ${nibble}`), nibble);
      const empty = skippableFrame(Buffer.alloc(0), 15 - nibble);
      const input = Buffer.concat([skip, frameA, empty, skip, frameB, skip]);
      const expected = Buffer.concat([a, b]);
      expect(decompressSync(input).equals(expected)).toBe(true);
      expect((await decompress(input)).equals(expected)).toBe(true);
    }
  });

  test('an input of only skippable frames decodes to nothing', async () => {
    const input = Buffer.concat([skippableFrame(Buffer.from('x')), skippableFrame(randomBytes(5000), 9)]);
    expect(decompressSync(input).length).toBe(0);
    expect((await decompress(input)).length).toBe(0);
  });

  test('getFrameInfo describes the frame the input begins with, skippable ones included', () => {
    const skip = skippableFrame(Buffer.from('twelve bytes'), 3);
    expect(getFrameInfo(Buffer.concat([skip, frameA]))).toEqual({
      skippable: true,
      blockSize: 0,
      blockLinked: false,
      contentChecksum: false,
      blockChecksum: false,
      contentSize: 12,
      dictId: undefined,
      headerSize: 8,
    });
    expect(getFrameInfo(Buffer.concat([frameB, frameA]))).toEqual({
      skippable: false,
      blockSize: 65536,
      blockLinked: false,
      contentChecksum: false,
      blockChecksum: false,
      contentSize: 1000,
      dictId: undefined,
      headerSize: 15,
    });
    // Only the header is needed.
    expect(getFrameInfo(frameA.subarray(0, frameLayout(frameA).headerSize)).contentSize).toBe(a.length);
  });
});

describe('dictionaries', () => {
  // Data that shares much with the dictionary compresses far better with it.
  const dictionary = compressibleBytes(32 * KiB, 31);
  const input = Buffer.concat([
    dictionary.subarray(1000, 9000),
    compressibleBytes(2000, 32),
    dictionary.subarray(20000, 30000),
  ]);

  test('a dictionary round trips, shrinks the frame, and is needed to decode', async () => {
    for (const options of [{}, { blockLinked: false }, { level: 9 }, { level: -3, blockChecksum: true }]) {
      const frame = await roundTrip(input, { ...options, dictionary });
      expect(frame.length).toBeLessThan(compressSync(input, options).length / 2);
    }
  });

  test('dictId is stored in the header only when given', async () => {
    for (const dictId of [1, 0x12345678, 0xffffffff]) {
      const frame = await roundTrip(input, { dictionary, dictId });
      expect(getFrameInfo(frame)).toMatchObject({ dictId, headerSize: 7 + 8 + 4 });
    }
    expect(getFrameInfo(compressSync(input, { dictionary })).dictId).toBeUndefined();
    // A dictId without a dictionary is just a label in the header.
    const labelled = await roundTrip(input, { dictId: 99, contentSize: false });
    expect(getFrameInfo(labelled)).toMatchObject({ dictId: 99, headerSize: 7 + 4, contentSize: undefined });
  });

  test('only the last 64 KiB of a dictionary count', async () => {
    const big = Buffer.concat([randomBytes(100 * KiB, 33), dictionary]);
    const tail = big.subarray(big.length - 64 * KiB);
    const text = Buffer.concat([dictionary.subarray(0, 5000), big.subarray(0, 5000)]);
    const frame = compressSync(text, { dictionary: big });
    expect(compressSync(text, { dictionary: tail }).equals(frame)).toBe(true);
    expect(decompressSync(frame, { dictionary: tail }).equals(text)).toBe(true);
    expect((await decompress(frame, { dictionary: big })).equals(text)).toBe(true);
  });

  test('a Decompressor with the dictionary decodes a dictionary frame fed in small chunks', () => {
    const frame = compressSync(Buffer.concat([input, input]), { dictionary, blockSize: 65536 });
    const d = new Decompressor({
      dictionary: dictionary.buffer.slice(dictionary.byteOffset, dictionary.byteOffset + dictionary.length),
    });
    const out = Buffer.concat(slices(frame, 777).map((part) => d.update(part)));
    d.end();
    expect(out.equals(Buffer.concat([input, input]))).toBe(true);
  });

  // liblz4 takes its dictionary code path (so the bytes may differ from a frame without one),
  // but an empty dictionary gives the frame nothing to refer to.
  test('a frame made with an empty dictionary decodes with or without one', async () => {
    const frame = await roundTrip(input, { dictionary: Buffer.alloc(0) });
    expect(decompressSync(frame).equals(input)).toBe(true);
    expect(decompressSync(compressSync(input), { dictionary: new Uint8Array(0) }).equals(input)).toBe(true);
  });
});

describe('getFrameInfo failures', () => {
  test('a header cut short is NoData; bytes that are not a frame are ERR_LZ4F_FRAMETYPE_UNKNOWN', () => {
    const frame = compressSync('header only matters', { dictId: 5 });
    for (let cut = 0; cut < 7 + 8 + 4; cut++) {
      expect(thrown(() => getFrameInfo(frame.subarray(0, cut)))).toMatchObject({
        name: 'Lz4FramedNoDataError',
        code: 'ERR_LZ4_NO_DATA',
      });
    }
    expect(thrown(() => getFrameInfo(Buffer.from('definitely not a frame')))).toMatchObject({
      name: 'Lz4FramedError',
      code: 'ERR_LZ4F_FRAMETYPE_UNKNOWN',
    });
    expect(thrown(() => getFrameInfo(Buffer.from([0x50, 0x2a, 0x4d, 0x18, 1, 0]))).code).toBe('ERR_LZ4_NO_DATA');
  });

  test('a damaged header is a coded error', () => {
    const frame = compressSync('header checksum');
    const damaged = Buffer.from(frame);
    damaged[6] ^= 1; // the header checksum byte
    expect(thrown(() => getFrameInfo(damaged)).code).toBe('ERR_LZ4F_HEADERCHECKSUM_INVALID');
  });
});
