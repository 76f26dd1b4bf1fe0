// Every frame option, alone and combined: the whole matrix round trips on both paths and the
// header says what was asked (as liblz4 adjusts it); bad options are refused by name; a
// property test mixes random options with random chunkings of the streaming contexts.
import fc from 'fast-check';
import {
  Compressor,
  CompressOptions,
  compress,
  compressSync,
  constants,
  Decompressor,
  decompress,
  decompressSync,
  getFrameInfo,
} from '../lib';
import { binding, CompressFields, NativeCompressOptions } from '../lib/binding';
import { compressFields } from '../lib/options';
import { chunk, compressibleBytes, mixedBytes } from './helpers/data';
import { rejected, thrown } from './helpers/outcome';

const LEVELS = [-1, 0, 3, 9, 12];
const FLAGS = [false, true];

interface Combo {
  level: number;
  blockSize: number;
  blockLinked: boolean;
  contentChecksum: boolean;
  blockChecksum: boolean;
  contentSize: boolean;
}

function combos(): Combo[] {
  const all: Combo[] = [];
  for (const level of LEVELS)
    for (const blockSize of constants.BLOCK_SIZES)
      for (const blockLinked of FLAGS)
        for (const contentChecksum of FLAGS)
          for (const blockChecksum of FLAGS)
            for (const contentSize of FLAGS)
              all.push({ level, blockSize, blockLinked, contentChecksum, blockChecksum, contentSize });
  return all;
}

/** liblz4's one-shot rule: the smallest block size that holds the input, never above the request. */
function oneShotBlockSize(requested: number, inputLength: number): number {
  for (const size of constants.BLOCK_SIZES) {
    if (size >= requested || inputLength <= size) return size;
  }
  return requested;
}

// Just over 64 KiB and partly compressible: two blocks at the smallest size, one otherwise.
const input = mixedBytes(70 * 1024 + 3, 41);

// The one-shot functions hand the addon their options by position (cheaper to read than by name);
// both forms must give the same frame and be checked alike by the addon itself.
describe('options by position', () => {
  const input = mixedBytes(20 * 1024, 97);
  const dictionary = mixedBytes(4096, 98);
  const cases: NativeCompressOptions[] = [
    {
      level: 0,
      blockSizeId: 4,
      blockLinked: true,
      contentChecksum: true,
      blockChecksum: false,
      contentSize: input.length,
      favorDecSpeed: false,
      autoFlush: false,
      dictionary: undefined,
      dictId: 0,
    },
    {
      level: 9,
      blockSizeId: 5,
      blockLinked: false,
      contentChecksum: false,
      blockChecksum: true,
      contentSize: 0,
      favorDecSpeed: true,
      autoFlush: false,
      dictionary,
      dictId: 77,
    },
    {
      level: -3,
      blockSizeId: 7,
      blockLinked: true,
      contentChecksum: true,
      blockChecksum: true,
      contentSize: input.length,
      favorDecSpeed: false,
      autoFlush: true,
      dictionary: undefined,
      dictId: 0,
    },
  ];
  test.each(cases.map((c, i) => [i, c] as const))(
    'case %i: the same frame as by name, sync and async',
    async (_i, named) => {
      const frame = binding.compressSync(input, named);
      expect(binding.compressSync(input, compressFields(named)).equals(frame)).toBe(true);
      expect((await binding.compress(input, compressFields(named))).equals(frame)).toBe(true);
      const info = getFrameInfo(frame);
      expect([info.blockLinked || input.length <= info.blockSize, info.contentChecksum, info.blockChecksum]).toEqual([
        named.blockLinked || input.length <= info.blockSize,
        named.contentChecksum,
        named.blockChecksum,
      ]);
      expect(info.dictId).toBe(named.dictId === 0 ? undefined : named.dictId);
      expect(decompressSync(frame, { dictionary: named.dictionary }).equals(input)).toBe(true);
    },
  );

  test('the addon refuses out-of-range and mistyped fields by position as by name', () => {
    const good = compressFields(cases[0]);
    const bad: [number, unknown, string][] = [
      [0, 13, 'level'],
      [1, 8, 'blockSizeId'],
      [5, -1, 'contentSize'],
      [5, 1.5, 'contentSize'],
      [9, 2 ** 32, 'dictId'],
      [0, '3', 'level'],
    ];
    for (const [position, value, name] of bad) {
      const fields: unknown[] = [...good];
      fields[position] = value;
      const error = thrown(() => binding.compressSync(input, fields as unknown as CompressFields));
      expect(error.name).toBe(typeof value === 'string' ? 'TypeError' : 'RangeError');
      expect(error.message).toContain(`options.${name}`);
    }
    expect(
      thrown(() => binding.decompressSync(binding.compressSync(input, good), [false, 100, undefined])),
    ).toMatchObject({
      code: 'ERR_BUFFER_TOO_LARGE',
    });
  });
});

// Without options the addon is handed only the content size (a shortcut that reads no option
// fields): the frame must be the documented defaults' frame, byte for byte, on every path.
describe('no options', () => {
  const spelledOut = {
    level: 0,
    blockSize: 65536,
    blockLinked: true,
    contentChecksum: true,
    blockChecksum: false,
    contentSize: true,
    favorDecSpeed: false,
  };
  test.each([0, 1, 1024, 16 * 1024, 16 * 1024 + 1, 200 * 1024 + 7])(
    '%i bytes: the frame of {} and of every default spelled out, sync and async',
    async (size) => {
      const input = mixedBytes(size, 90 + (size % 13));
      const frame = compressSync(input);
      expect(frame.equals(compressSync(input, {}))).toBe(true);
      expect(frame.equals(compressSync(input, spelledOut))).toBe(true);
      expect((await compress(input)).equals(frame)).toBe(true);
      const info = getFrameInfo(frame);
      // liblz4 stores no size of 0 (0 means unknown in the header), whatever was asked.
      expect(info.contentSize).toBe(size === 0 ? undefined : size);
      expect(info.contentChecksum).toBe(true);
      expect(info.blockChecksum).toBe(false);
      expect(decompressSync(frame).equals(input)).toBe(true);
    },
  );
});

describe('option matrix (4 block sizes x blockLinked x contentChecksum x blockChecksum x contentSize x 5 levels)', () => {
  const all = combos();
  test('has every combination', () => expect(all.length).toBe(4 * 2 * 2 * 2 * 2 * 5));

  describe.each(LEVELS)('level %i', (level) => {
    const cases = all.filter((c) => c.level === level).map((c) => [JSON.stringify(c), c] as const);

    test.each(cases)('one-shot %s: sync and async agree, decode, and the header reports it', async (_name, combo) => {
      const frame = compressSync(input, combo);
      expect((await compress(input, combo)).equals(frame)).toBe(true);
      expect(decompressSync(frame).equals(input)).toBe(true);
      expect((await decompress(frame)).equals(input)).toBe(true);
      const blockSize = oneShotBlockSize(combo.blockSize, input.length);
      expect(getFrameInfo(frame)).toEqual({
        skippable: false,
        blockSize,
        // One block needs no link, and liblz4 clears the flag then.
        blockLinked: combo.blockLinked && input.length > blockSize,
        contentChecksum: combo.contentChecksum,
        blockChecksum: combo.blockChecksum,
        contentSize: combo.contentSize ? input.length : undefined,
        dictId: undefined,
        headerSize: combo.contentSize ? 15 : 7,
      });
    });

    test.each(cases)('Compressor %s: the frame keeps exactly the requested options', async (_name, combo) => {
      const { contentSize, ...rest } = combo;
      const options = { ...rest, contentSize: contentSize ? input.length : undefined };
      const sync = new Compressor(options);
      const parts = chunk(input, [1000, 40000]);
      const frame = Buffer.concat([...parts.map((p) => sync.update(p)), sync.end()]);
      const async = new Compressor(options);
      const asyncParts: Buffer[] = [];
      for (const p of parts) asyncParts.push(await async.updateAsync(p));
      asyncParts.push(await async.endAsync());
      expect(Buffer.concat(asyncParts).equals(frame)).toBe(true);
      const info = getFrameInfo(frame);
      expect(info).toMatchObject({
        blockSize: combo.blockSize,
        blockLinked: combo.blockLinked,
        contentChecksum: combo.contentChecksum,
        blockChecksum: combo.blockChecksum,
        contentSize: contentSize ? input.length : undefined,
      });
      const d = new Decompressor();
      expect(d.update(frame).equals(input)).toBe(true);
      d.end();
      expect(d.frameInfo).toEqual(info);
    });
  });
});

describe('block size in one shot', () => {
  // What liblz4 really does: a small input gets a smaller block size, a larger one gets the request.
  test.each(constants.BLOCK_SIZES.map((b) => [b]))('requested %i', (blockSize) => {
    for (const length of [0, 1, 65536, 65537, 262144, 262145, 1048576, 1048577]) {
      const data = Buffer.alloc(length, 'q');
      expect(getFrameInfo(compressSync(data, { blockSize, level: -1 })).blockSize).toBe(
        oneShotBlockSize(blockSize, length),
      );
    }
    const larger = compressibleBytes(blockSize + 1, 42);
    const frame = compressSync(larger, { blockSize, level: -1 });
    expect(getFrameInfo(frame)).toMatchObject({ blockSize, blockLinked: true });
    expect(decompressSync(frame).equals(larger)).toBe(true);
  });

  test('the level range is constants.LEVEL_FAST_MIN to constants.LEVEL_MAX', () => {
    expect(constants.LEVEL_MAX).toBe(12);
    expect(constants.LEVEL_FAST_MIN).toBeLessThan(-1);
    const small = compressibleBytes(5000, 43);
    for (const level of [constants.LEVEL_FAST_MIN, constants.LEVEL_HC_MIN, constants.LEVEL_MAX]) {
      expect(decompressSync(compressSync(small, { level })).equals(small)).toBe(true);
    }
  });
});

describe('argument validation', () => {
  const data = Buffer.from('validate me');
  type Bad = [string, unknown, 'TypeError' | 'RangeError', RegExp];
  const badCompress: Bad[] = [
    ['unknown option', { levle: 3 }, 'TypeError', /levle/],
    ['level not a number', { level: '3' }, 'TypeError', /level/],
    ['level not an integer', { level: 1.5 }, 'RangeError', /level/],
    ['level above LEVEL_MAX', { level: 13 }, 'RangeError', /level/],
    ['level NaN', { level: NaN }, 'RangeError', /level/],
    ['blockSize not listed', { blockSize: 100000 }, 'RangeError', /blockSize/],
    ['blockSize as an id', { blockSize: 4 }, 'RangeError', /blockSize/],
    ['blockSize a string', { blockSize: '64KB' }, 'TypeError', /blockSize/],
    ['blockLinked not boolean', { blockLinked: 1 }, 'TypeError', /blockLinked/],
    ['contentChecksum not boolean', { contentChecksum: 'yes' }, 'TypeError', /contentChecksum/],
    ['blockChecksum not boolean', { blockChecksum: null }, 'TypeError', /blockChecksum/],
    ['contentSize not boolean in one shot', { contentSize: 11 }, 'TypeError', /contentSize/],
    ['favorDecSpeed not boolean', { favorDecSpeed: 0 }, 'TypeError', /favorDecSpeed/],
    ['dictionary a string', { dictionary: 'words' }, 'TypeError', /dictionary/],
    ['dictionary an array', { dictionary: [1, 2, 3] }, 'TypeError', /dictionary/],
    ['dictId negative', { dictId: -1 }, 'RangeError', /dictId/],
    ['dictId above uint32', { dictId: 2 ** 32 }, 'RangeError', /dictId/],
    ['autoFlush is for Compressor only', { autoFlush: true }, 'TypeError', /autoFlush/],
    ['options null', null, 'TypeError', /options/],
    ['options a number', 5, 'TypeError', /options/],
  ];

  test.each(badCompress)('compress: %s', async (_name, options, kind, message) => {
    const error = thrown(() => compressSync(data, options as CompressOptions));
    expect(error.name).toBe(kind);
    expect(error.message).toMatch(message);
    const asyncError = await rejected(compress(data, options as CompressOptions));
    expect(asyncError.name).toBe(kind);
    expect(asyncError.message).toBe(error.message);
  });

  test('the level bounds are inclusive', () => {
    expect(() => compressSync(data, { level: constants.LEVEL_FAST_MIN })).not.toThrow();
    expect(thrown(() => compressSync(data, { level: constants.LEVEL_FAST_MIN - 1 }))).toBeInstanceOf(RangeError);
    expect(() => compressSync(data, { level: constants.LEVEL_MAX })).not.toThrow();
    expect(thrown(() => compressSync(data, { level: constants.LEVEL_MAX + 1 }))).toBeInstanceOf(RangeError);
    expect(() => compressSync(data, { dictId: 0xffffffff })).not.toThrow();
  });

  const badCompressor: Bad[] = [
    ['contentSize a boolean', { contentSize: true }, 'TypeError', /contentSize/],
    ['contentSize negative', { contentSize: -1 }, 'RangeError', /contentSize/],
    ['contentSize fractional', { contentSize: 1.5 }, 'RangeError', /contentSize/],
    ['autoFlush not boolean', { autoFlush: 'true' }, 'TypeError', /autoFlush/],
    ['level too low', { level: constants.LEVEL_FAST_MIN - 1 }, 'RangeError', /level/],
    ['unknown option', { checksum: true }, 'TypeError', /checksum/],
  ];

  test.each(badCompressor)('new Compressor: %s', (_name, options, kind, message) => {
    const error = thrown(() => new Compressor(options as never));
    expect(error.name).toBe(kind);
    expect(error.message).toMatch(message);
  });

  const badDecompress: Bad[] = [
    ['unknown option', { maxOutput: 5 }, 'TypeError', /maxOutput/],
    ['compress options are not decompress options', { level: 1 }, 'TypeError', /level/],
    ['skipChecksums not boolean', { skipChecksums: 1 }, 'TypeError', /skipChecksums/],
    ['maxOutputLength negative', { maxOutputLength: -1 }, 'RangeError', /maxOutputLength/],
    ['maxOutputLength fractional', { maxOutputLength: 0.5 }, 'RangeError', /maxOutputLength/],
    [
      'maxOutputLength above buffer.constants.MAX_LENGTH',
      { maxOutputLength: 2 ** 53 },
      'RangeError',
      /maxOutputLength/,
    ],
    ['maxOutputLength a string', { maxOutputLength: '10' }, 'TypeError', /maxOutputLength/],
    ['dictionary a number', { dictionary: 7 }, 'TypeError', /dictionary/],
  ];

  test.each(badDecompress)('decompress and new Decompressor: %s', async (_name, options, kind, message) => {
    const frame = compressSync(data);
    for (const run of [() => decompressSync(frame, options as never), () => new Decompressor(options as never)]) {
      const error = thrown(run);
      expect(error.name).toBe(kind);
      expect(error.message).toMatch(message);
    }
    expect((await rejected(decompress(frame, options as never))).name).toBe(kind);
  });

  test('inputs that are not bytes are TypeErrors naming the argument', async () => {
    for (const bad of [undefined, null, 42, {}, [1, 2], true]) {
      expect(thrown(() => compressSync(bad as never))).toMatchObject({
        name: 'TypeError',
        message: expect.stringMatching(/^input /),
      });
      expect(await rejected(compress(bad as never))).toBeInstanceOf(TypeError);
      expect(thrown(() => decompressSync(bad as never))).toBeInstanceOf(TypeError);
      expect(await rejected(decompress(bad as never))).toBeInstanceOf(TypeError);
      expect(thrown(() => getFrameInfo(bad as never))).toBeInstanceOf(TypeError);
      const c = new Compressor();
      expect(thrown(() => c.update(bad as never))).toMatchObject({
        name: 'TypeError',
        message: expect.stringMatching(/^chunk /),
      });
      const d = new Decompressor();
      expect(thrown(() => d.update(bad as never))).toMatchObject({
        name: 'TypeError',
        message: expect.stringMatching(/^chunk /),
      });
    }
    // Strings are text to compress, never compressed data.
    expect(thrown(() => decompressSync('04224d18' as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => new Decompressor().update('x' as never))).toBeInstanceOf(TypeError);
  });
});

describe('property: random options and chunkings round trip through the streaming contexts', () => {
  const options = fc.record(
    {
      level: fc.constantFrom(constants.LEVEL_FAST_MIN, -20, -1, 0, 1, 2, 3, 6, 9, 10, 12),
      blockSize: fc.constantFrom(...constants.BLOCK_SIZES),
      blockLinked: fc.boolean(),
      contentChecksum: fc.boolean(),
      blockChecksum: fc.boolean(),
      favorDecSpeed: fc.boolean(),
      autoFlush: fc.boolean(),
      dictId: fc.integer({ min: 0, max: 0xffffffff }),
    },
    { requiredKeys: [] },
  );
  // Data with long repeats and noise; sizes up to a few blocks of the smallest size.
  const data = fc
    .tuple(fc.integer({ min: 0, max: 200 * 1024 }), fc.integer({ min: 1, max: 1000 }), fc.boolean())
    .map(([length, seed, compressible]) => (compressible ? compressibleBytes(length, seed) : mixedBytes(length, seed)));
  // A plan for the compressor: chunk lengths, some of them followed by a flush.
  const plan = fc.array(fc.record({ length: fc.integer({ min: 0, max: 70000 }), flush: fc.boolean() }), {
    maxLength: 8,
  });
  const decodeChunks = fc.array(fc.integer({ min: 1, max: 100000 }), { maxLength: 10 });

  test('sync', () => {
    fc.assert(
      fc.property(options, data, plan, decodeChunks, (opts, bytes, steps, reads) => {
        const c = new Compressor(opts);
        const out: Buffer[] = [];
        let pos = 0;
        for (const step of steps) {
          out.push(c.update(bytes.subarray(pos, pos + step.length)));
          pos = Math.min(bytes.length, pos + step.length);
          if (step.flush) out.push(c.flush());
        }
        out.push(c.end(bytes.subarray(pos)));
        const frame = Buffer.concat(out);
        expect(decompressSync(frame).equals(bytes)).toBe(true);
        const d = new Decompressor();
        const decoded = Buffer.concat(chunk(frame, reads).map((part) => d.update(part)));
        d.end();
        expect(decoded.equals(bytes)).toBe(true);
        expect(d.inputOffset).toBe(frame.length);
        expect(d.outputOffset).toBe(bytes.length);
        expect(d.nextInputHint).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  test('async, one-shot options included', async () => {
    await fc.assert(
      fc.asyncProperty(
        options,
        fc.boolean(),
        data,
        decodeChunks,
        async ({ autoFlush, ...opts }, contentSize, bytes, reads) => {
          const frame = await compress(bytes, { ...opts, contentSize });
          expect(frame.equals(compressSync(bytes, { ...opts, contentSize }))).toBe(true);
          expect(getFrameInfo(frame).contentSize).toBe(contentSize && bytes.length > 0 ? bytes.length : undefined);
          const d = new Decompressor();
          const parts: Buffer[] = [];
          for (const part of chunk(frame, reads)) parts.push(await d.updateAsync(part));
          d.end();
          expect(Buffer.concat(parts).equals(bytes)).toBe(true);
          const c = new Compressor({ ...opts, autoFlush });
          const again = Buffer.concat([await c.updateAsync(bytes), await c.endAsync()]);
          expect((await decompress(again)).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});
