// Parallel one-shot compression: the promise `compress` cuts a large input into block-aligned parts
// compressed by concurrent threadpool jobs and joins them into one frame. Independent blocks must
// come out byte-identical to the serial encoder; linked blocks (each part primed with the 64 KiB
// before it) must decode everywhere: here, the lz4 CLI and python-lz4, checksums verified.
import { createHash } from 'crypto';
import { compress, compressSync, decompressSync, getFrameInfo } from '../lib';
import { binding } from '../lib/binding';
import { oneShotCompressOptions } from '../lib/options';
import { compressibleBytes, mixedBytes, randomBytes } from './helpers/data';
import { rejectionOf, thrown } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli, python } from './helpers/tools';

const MiB = 1024 * 1024;
const tmp = useTmpDir('parallel-compress');
// 6.5 MiB: with two lanes, 1 MiB parts and a short last one; not a multiple of any block size.
const input = Buffer.concat([mixedBytes(4 * MiB, 11), compressibleBytes(2 * MiB, 12), randomBytes(MiB / 2, 13)]);

const FRAME_OPTIONS = [
  {},
  { blockSize: 4 * MiB },
  { blockSize: 256 * 1024, blockChecksum: true },
  { contentChecksum: false },
  { contentSize: false, blockSize: MiB },
  { level: 1 },
  { level: -5, blockChecksum: true },
];

describe('independent blocks: the same bytes as compressSync', () => {
  test.each(FRAME_OPTIONS)('%j', async (options) => {
    const serial = compressSync(input, { ...options, blockLinked: false });
    for (const concurrency of [2, 3, 7]) {
      const parallel = await compress(input, { ...options, blockLinked: false, concurrency });
      expect(parallel.equals(serial)).toBe(true);
    }
  });

  test('high compression levels too', async () => {
    const part = input.subarray(0, 3 * MiB);
    const options = { level: 9, blockLinked: false, blockSize: 256 * 1024 };
    expect((await compress(part, { ...options, concurrency: 2 })).equals(compressSync(part, options))).toBe(true);
  });

  test('with a dictionary, which every independent block may use', async () => {
    const dictionary = compressibleBytes(64 * 1024, 14);
    const options = { blockLinked: false, dictionary, dictId: 7 };
    const parallel = await compress(input, { ...options, concurrency: 2 });
    expect(parallel.equals(compressSync(input, options))).toBe(true);
  });
});

describe('linked blocks: another valid frame, decoded by the reference implementations', () => {
  const cases: { options: (typeof FRAME_OPTIONS)[number]; frame: Buffer }[] = FRAME_OPTIONS.map((options) => ({
    options,
    frame: Buffer.alloc(0),
  }));

  beforeAll(async () => {
    for (const c of cases) c.frame = await compress(input, { ...c.options, concurrency: 2 });
  });

  test('the parts reference what precedes them: as small as the serial frame, within 1 %', () => {
    for (const { options, frame } of cases) {
      const serial = compressSync(input, options);
      expect(frame.length).toBeLessThan(serial.length * 1.01);
      expect(frame.length).toBeLessThanOrEqual(compressSync(input, { ...options, blockLinked: false }).length);
    }
  });

  test('lz4framed decodes them, and reads the header compressSync would write', () => {
    for (const { options, frame } of cases) {
      expect(decompressSync(frame).equals(input)).toBe(true);
      expect(getFrameInfo(frame)).toEqual(getFrameInfo(compressSync(input, options)));
    }
  });

  test('lz4 -d decodes them, checksums verified', () => {
    for (const { frame } of cases) {
      expect(lz4Cli(['-dc'], frame).equals(input)).toBe(true);
    }
  });

  test('python-lz4 decodes them', () => {
    const files = cases.map(({ frame }, i) => tmp().write(`linked-${i}.lz4`, frame));
    const program = `
import sys, hashlib, lz4.frame
for path in sys.argv[1:]:
    print(hashlib.sha256(lz4.frame.decompress(open(path, 'rb').read())).hexdigest())
`;
    const digests = python(program, files).toString('utf8').trim().split('\n');
    const expected = createHash('sha256').update(input).digest('hex');
    expect(digests).toEqual(files.map(() => expected));
  });

  test('a corrupted part is caught by the content checksum over the whole input', async () => {
    const frame = await compress(input, { concurrency: 2, level: 1 });
    // A literal byte in the middle of the frame: the blocks still parse, the content changes.
    const bad = Buffer.from(frame);
    let at = Math.floor(bad.length / 2);
    while (decompressSafe(bad, at) !== 'ERR_LZ4F_CONTENTCHECKSUM_INVALID' && at < bad.length - 8) at++;
    expect(decompressSafe(bad, at)).toBe('ERR_LZ4F_CONTENTCHECKSUM_INVALID');
  });

  test('with a dictionary: the first part uses it, lz4 -D decodes the frame', async () => {
    const dictionary = compressibleBytes(64 * 1024, 15);
    const text = Buffer.concat([dictionary.subarray(1000, 30000), input]);
    const frame = await compress(text, { dictionary, concurrency: 2 });
    expect(decompressSync(frame, { dictionary }).equals(text)).toBe(true);
    const dictFile = tmp().write('dict', dictionary);
    expect(lz4Cli(['-dc', '-D', dictFile], frame).equals(text)).toBe(true);
    // The dictionary paid off in the first part: smaller than the frame without it.
    expect(frame.length).toBeLessThan((await compress(text, { concurrency: 2 })).length);
  });
});

// Flips byte `at` of `frame` (a copy) and says how decoding fails, or 'ok'.
function decompressSafe(frame: Buffer, at: number): string {
  const copy = Buffer.from(frame);
  copy[at] ^= 0x55;
  try {
    decompressSync(copy);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'uncoded';
  }
}

describe('when compress splits the input', () => {
  test('concurrency 1 is one job: the same frame as compressSync, linked blocks too', async () => {
    expect((await compress(input, { concurrency: 1 })).equals(compressSync(input))).toBe(true);
  });

  test('an input no larger than one part is not split', async () => {
    const small = input.subarray(0, MiB);
    expect((await compress(small, { concurrency: 4 })).equals(compressSync(small))).toBe(true);
    // Parts are whole blocks: with 4 MiB blocks, 6.5 MiB makes only two parts.
    const frame = await compress(input, { blockSize: 4 * MiB, concurrency: 8 });
    expect(decompressSync(frame).equals(input)).toBe(true);
  });

  test('the default concurrency splits a large input (frames differ from the serial one)', async () => {
    expect((await compress(input)).equals(compressSync(input))).toBe(false);
  });

  test('incompressible input: the parts move down in place in the shared buffer, same bytes as compressSync', async () => {
    const noise = randomBytes(5 * MiB, 16);
    const options = { blockLinked: false, concurrency: 2 };
    const frame = await compress(noise, options);
    expect(frame.equals(compressSync(noise, { blockLinked: false }))).toBe(true);
    expect(lz4Cli(['-dc'], frame).equals(noise)).toBe(true);
  });

  test('an empty input and one of a single byte', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from([7])]) {
      expect(decompressSync(await compress(bytes, { concurrency: 8 })).equals(bytes)).toBe(true);
    }
  });
});

describe('arguments', () => {
  test('concurrency must be an integer from 1 to 1024', async () => {
    for (const concurrency of [0, 1.5, -1, 1025, Number.NaN]) {
      expect((await rejectionOf(() => compress(input, { concurrency }))).name).toBe('RangeError');
    }
    expect((await rejectionOf(() => compress(input, { concurrency: '2' as unknown as number }))).name).toBe(
      'TypeError',
    );
  });

  test('compressSync has no concurrency option', () => {
    const error = thrown(() => compressSync(input, { concurrency: 2 } as never));
    expect(error.name).toBe('TypeError');
    expect(error.message).toMatch(/unknown option "concurrency"/);
  });

  test('an input transferred away while parts are compressed stays attached (the transfer copies)', async () => {
    const bytes = new Uint8Array(input);
    const pending = compress(bytes, { concurrency: 2 });
    const moved = structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(bytes.byteLength).toBe(input.length);
    expect(Buffer.from(moved).equals(input)).toBe(true);
    expect(decompressSync(await pending).equals(input)).toBe(true);
  });

  test('the native part functions check their ranges before touching memory', async () => {
    const native = oneShotCompressOptions(undefined, input.length);
    const stride = binding.partBound(native, MiB);
    const parts = Math.ceil(input.length / MiB);
    const into = binding.outputBuffer(parts * stride);
    const lanes = (partSize: number, buffer: Buffer, at: number, count: number) =>
      thrown(() => binding.compressParts(input, partSize, native, buffer, at, count)).name;
    expect(lanes(0, into, 0, 2)).toBe('RangeError');
    expect(lanes(input.length + 1, into, 0, 2)).toBe('RangeError');
    expect(lanes(MiB, into, 1, 2)).toBe('RangeError'); // the last part's room would run past the end
    expect(lanes(MiB, binding.outputBuffer((parts - 1) * stride), 0, 2)).toBe('RangeError'); // a part short
    expect(lanes(MiB, into, 0, 0)).toBe('RangeError');
    expect(lanes(MiB, into, 0, 1.5)).toBe('RangeError');
    expect(lanes(MiB, {} as Buffer, 0, 2)).toBe('TypeError');
    // Two lanes share the parts and the checksum: every part done once, the checksum once.
    const results = await Promise.all(binding.compressParts(input, MiB, native, into, 0, 2));
    expect(results).toHaveLength(2);
    const done = results.flatMap((r) => r.parts.filter((_v, k) => k % 2 === 0)).sort((a, b) => a - b);
    expect(done).toEqual(Array.from({ length: parts }, (_v, i) => i));
    expect(results.filter((r) => r.checksum !== undefined)).toHaveLength(1);

    const dst = Buffer.alloc(8);
    const copy = (pieces: number[]) => thrown(() => binding.copyPieces(dst, into, pieces)).name;
    expect(copy([0, 0])).toBe('RangeError');
    expect(copy([0, 0, 9])).toBe('RangeError');
    expect(copy([4, into.length - 2, 4])).toBe('RangeError');
    expect(copy([4, 0, 4, 0, 0, 4])).toBe('RangeError'); // destinations must ascend
    expect(copy([-1, 0, 1])).toBe('RangeError');
    binding.copyPieces(dst, Buffer.from('abcdefgh'), [0, 4, 4, 4, 0, 4]);
    expect(dst.toString()).toBe('efghabcd');
  });
});
