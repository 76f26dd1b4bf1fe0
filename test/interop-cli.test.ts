// Interop with the reference `lz4` command line (Debian package lz4), both ways: our frames decode
// there to the same bytes, and its frames (every block/checksum/size/level flag, dictionaries,
// concatenated files, skippable frames) decode here, with the header options it wrote.
import {
  Compressor,
  CompressOptions,
  compressSync,
  constants,
  Decompressor,
  decompress,
  decompressSync,
  getFrameInfo,
} from '../lib';
import { compressibleBytes, mixedBytes, randomBytes, slices } from './helpers/data';
import { skippableFrame } from './helpers/frames';
import { thrown } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli, lz4CliVersion } from './helpers/tools';

const tmp = useTmpDir('cli');
const KiB = 1024;
const text = compressibleBytes(300 * KiB, 81);
const noise = randomBytes(70 * KiB, 82);
// Larger than the 4 MiB block, so the CLI keeps -B7 and links blocks when asked.
const large = compressibleBytes(4 * 1024 * KiB + 5000, 83);
const dictionary = compressibleBytes(64 * KiB, 84);
const withDictionary = Buffer.concat([dictionary.subarray(3000, 40000), compressibleBytes(30000, 85)]);

/** The CLI's decoding of `frame` (written to a file, decoded to stdout). */
function cliDecode(frame: Uint8Array, name: string, extra: readonly string[] = []): Buffer {
  return lz4Cli(['-d', '-c', ...extra, tmp().write(name, frame)]);
}

/** The CLI's encoding of `data` from a file (so --content-size can know the size). */
function cliEncode(data: Uint8Array, name: string, args: readonly string[]): Buffer {
  return lz4Cli(['-c', '-q', ...args, tmp().write(name, data)]);
}

/** Our three decoders agree with `expected`. */
async function expectDecodes(frame: Buffer, expected: Buffer, dict?: Buffer): Promise<void> {
  const options = dict ? { dictionary: dict } : undefined;
  expect(decompressSync(frame, options).equals(expected)).toBe(true);
  expect((await decompress(frame, options)).equals(expected)).toBe(true);
  const d = new Decompressor(options);
  const out = Buffer.concat(slices(frame, 10007).map((part) => d.update(part)));
  d.end();
  expect(out.equals(expected)).toBe(true);
}

test('the lz4 command line is installed', () => {
  expect(lz4CliVersion()).toMatch(/LZ4 command line interface .*v1\.\d+\.\d+/);
});

describe('our frames decode with the lz4 command line', () => {
  const cases: Array<[string, Buffer, CompressOptions]> = [];
  for (const blockSize of constants.BLOCK_SIZES) {
    cases.push([`text, blockSize ${blockSize}`, text, { blockSize }]);
  }
  for (const level of [constants.LEVEL_FAST_MIN, -1, 0, 3, 9, 12])
    cases.push([`text, level ${level}`, text, { level }]);
  cases.push(
    [
      'independent blocks, block checksums, no content checksum or size',
      text,
      { blockLinked: false, blockChecksum: true, contentChecksum: false, contentSize: false },
    ],
    ['linked blocks with every checksum and a dictId', text, { blockChecksum: true, dictId: 1234 }],
    ['favorDecSpeed', text, { level: 11, favorDecSpeed: true }],
    ['random data (stored blocks)', noise, { blockChecksum: true }],
    ['empty input', Buffer.alloc(0), {}],
    ['one byte', Buffer.from('!'), {}],
    ['a 4 MiB block, linked', large, { blockSize: constants.BLOCK_SIZE_4MB, blockChecksum: true }],
  );

  test.each(cases)('%s', (_name, input, options) => {
    const frame = compressSync(input, options);
    expect(cliDecode(frame, 'ours.lz4').equals(input)).toBe(true);
  });

  test('streamed frames with flushes, several frames, and skippable frames around them', () => {
    const c = new Compressor({ blockSize: 65536, blockChecksum: true, contentSize: 100000 });
    const parts: Buffer[] = [skippableFrame(Buffer.from('before'), 0)];
    for (let frame = 0; frame < 3; frame++) {
      for (const piece of slices(text.subarray(0, 100000), 30000)) {
        parts.push(c.update(piece), c.flush());
      }
      parts.push(c.end(), skippableFrame(randomBytes(frame * 10, frame), 5 + frame));
    }
    const expected = Buffer.concat([0, 1, 2].map(() => text.subarray(0, 100000)));
    expect(cliDecode(Buffer.concat(parts), 'streamed.lz4').equals(expected)).toBe(true);
  });

  test('dictionary frames decode with lz4 -D', () => {
    const dictFile = tmp().write('dict', dictionary);
    for (const options of [{}, { blockLinked: false }, { dictId: 42, level: 9 }]) {
      const frame = compressSync(withDictionary, { ...options, dictionary });
      expect(cliDecode(frame, 'dict.lz4', ['-D', dictFile]).equals(withDictionary)).toBe(true);
    }
  });
});

describe('lz4 command line frames decode here', () => {
  type Case = [string, Buffer, string[], Partial<ReturnType<typeof getFrameInfo>>];
  const cases: Case[] = [
    [
      'defaults (independent blocks, content checksum)',
      text,
      [],
      { blockLinked: false, contentChecksum: true, blockChecksum: false, contentSize: undefined },
    ],
    ['-B4 -BD (linked 64 KiB blocks)', text, ['-B4', '-BD'], { blockSize: 65536, blockLinked: true }],
    ['-B4 -BX (block checksums)', text, ['-B4', '-BX'], { blockSize: 65536, blockChecksum: true }],
    ['--no-frame-crc', text, ['--no-frame-crc'], { contentChecksum: false }],
    ['--content-size', text, ['--content-size'], { contentSize: text.length }],
    ['-B4', text, ['-B4'], { blockSize: 65536 }],
    ['-B5', text, ['-B5'], { blockSize: 262144 }],
    ['-B6', large, ['-B6'], { blockSize: 1048576 }],
    ['-B7 -BD', large, ['-B7', '-BD'], { blockSize: 4194304, blockLinked: true }],
    ['-1', text, ['-1'], {}],
    ['-9', text, ['-9', '-B4', '-BD'], { blockLinked: true }],
    ['-12', text, ['-12'], {}],
    ['--fast=3', text, ['--fast=3'], {}],
    ['--fast=100', text, ['--fast=100'], {}],
    ['--favor-decSpeed -12', text, ['--favor-decSpeed', '-12'], {}],
    [
      'everything at once',
      text,
      ['-B4', '-BD', '-BX', '--content-size', '-9'],
      { blockSize: 65536, blockLinked: true, blockChecksum: true, contentChecksum: true, contentSize: text.length },
    ],
    ['random data', noise, ['-B4', '-BX'], { blockChecksum: true }],
    ['an empty file', Buffer.alloc(0), [], {}],
    ['one byte', Buffer.from('1'), ['--content-size'], { contentSize: 1 }],
  ];

  test.each(cases)('%s', async (_name, input, args, header) => {
    const frame = cliEncode(input, 'theirs', args);
    expect(getFrameInfo(frame)).toMatchObject({ skippable: false, ...header });
    await expectDecodes(frame, input);
  });

  test('concatenated files (cat a.lz4 b.lz4) and skippable frames (0x184D2A50..5F) before, between and after', async () => {
    const a = cliEncode(text, 'a', ['-B4', '-BD']);
    const b = cliEncode(noise, 'b', ['-BX', '--no-frame-crc']);
    const empty = cliEncode(Buffer.alloc(0), 'e', []);
    const cat = Buffer.concat([a, b, empty, a]);
    const expected = Buffer.concat([text, noise, text]);
    await expectDecodes(cat, expected);
    for (let nibble = 0; nibble < 16; nibble++) {
      const skip = skippableFrame(Buffer.from(`metadata ${nibble}`), nibble);
      const withSkippable = Buffer.concat([skip, a, skip, skippableFrame(Buffer.alloc(0), 15 - nibble), b, skip]);
      await expectDecodes(withSkippable, Buffer.concat([text, noise]));
      // The CLI skips them too: both readers agree on the same file.
      if (nibble % 5 === 0)
        expect(cliDecode(withSkippable, 'skip.lz4').equals(Buffer.concat([text, noise]))).toBe(true);
    }
  });

  test('lz4 -D dictionary frames need the dictionary here too', async () => {
    const dictFile = tmp().write('dict', dictionary);
    for (const args of [['-B4'], ['-B4', '-BD'], ['-9', '-BX']]) {
      const frame = cliEncode(withDictionary, 'dict-theirs', ['-D', dictFile, ...args]);
      await expectDecodes(frame, withDictionary, dictionary);
      const error = thrown(() => decompressSync(frame));
      expect(error.code).toMatch(/^ERR_LZ4F_(DECOMPRESSIONFAILED|CONTENTCHECKSUM_INVALID)$/);
    }
  });

  test('the legacy format (lz4 -l) is not an LZ4 frame: ERR_LZ4F_FRAMETYPE_UNKNOWN', () => {
    const legacy = cliEncode(mixedBytes(1000, 86), 'legacy', ['-l']);
    expect(legacy.readUInt32LE(0)).toBe(0x184c2102);
    expect(thrown(() => decompressSync(legacy)).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
  });
});
