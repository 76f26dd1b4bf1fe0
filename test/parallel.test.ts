// decompressParallel writes exactly what a serial decode (and lz4 -d) gives, whatever the split.
import * as fs from 'fs';
import { appendSeekTable, buildIndex, decompressParallel, decompressSync } from '../lib';
import { compressibleBytes } from './helpers/data';
import { fixtures, lz4CliFile, shortBlockFrame } from './helpers/lz4-files';
import { rejected } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const tmp = useTmpDir('parallel');

describe.each(fixtures())('$name', ({ name, plain, compressed, dictionary }) => {
  const slug = name.replace(/\W+/g, '-');

  test.each([1, 2, 5])('concurrency %i: identical to the serial decode', async (concurrency) => {
    const input = tmp().write(`${slug}.lz4`, compressed);
    const output = tmp().path(`${slug}-${concurrency}.out`);
    const index = await buildIndex(input, { interval: 120_000, dictionary });
    const result = await decompressParallel(input, output, { index, concurrency, dictionary });
    expect(result).toEqual({
      inputBytes: compressed.length,
      outputBytes: plain.length,
      segments: index.entries.length,
    });
    const serial = decompressSync(compressed, { dictionary });
    expect(fs.readFileSync(output).equals(serial)).toBe(true);
    expect(serial.equals(plain)).toBe(true);
  });
});

test('a seekable lz4 CLI file, split by its own seek table, equals lz4 -d', async () => {
  const plain = compressibleBytes(3_000_000, 41);
  const input = tmp().write('seekable.lz4', lz4CliFile(plain, ['-B4']));
  await appendSeekTable(input, { interval: 200_000 });
  const output = tmp().path('seekable.out');
  const { segments } = await decompressParallel(input, output, { concurrency: 3 });
  expect(segments).toBeGreaterThan(10);
  expect(fs.readFileSync(output).equals(lz4Cli(['-d', '-c', input]))).toBe(true);
});

test('without an index one is built from the headers; more segments than workers', async () => {
  const plain = compressibleBytes(4_000_000, 42);
  const input = tmp().write('unindexed.lz4', lz4CliFile(plain, ['-B4']));
  const output = tmp().path('unindexed.out');
  const { segments } = await decompressParallel(input, output, { concurrency: 2, interval: 300_000 });
  expect(segments).toBeGreaterThan(4);
  expect(fs.readFileSync(output).equals(plain)).toBe(true);
});

test('an index whose full-block assumption was wrong is caught (ERR_LZ4_INDEX_MISMATCH), the output removed', async () => {
  const plain = compressibleBytes(1_000_000, 43);
  const input = tmp().write('short-blocks.lz4', shortBlockFrame(plain, 50_000, { contentSize: false }));
  const output = tmp().path('short-blocks.out');
  const assumed = await buildIndex(input, { interval: 100_000 });
  expect(assumed.exact).toBe(false);
  expect((await rejected(decompressParallel(input, output, { index: assumed, concurrency: 2 }))).code).toBe(
    'ERR_LZ4_INDEX_MISMATCH',
  );
  expect(fs.existsSync(output)).toBe(false);
  await decompressParallel(input, output, { index: await buildIndex(input, { interval: 100_000, exact: true }) });
  expect(fs.readFileSync(output).equals(plain)).toBe(true);
});

test("damaged data fails with the decoder's code and leaves no output", async () => {
  const plain = compressibleBytes(1_000_000, 44);
  const compressed = lz4CliFile(plain, ['-B4']);
  const damaged = Buffer.from(compressed);
  damaged.fill(0xff, 300_000, 300_064);
  const input = tmp().write('damaged.lz4', damaged);
  const output = tmp().path('damaged.out');
  expect((await rejected(decompressParallel(input, output, { interval: 100_000 }))).code).toMatch(/^ERR_LZ4F_/);
  expect(fs.existsSync(output)).toBe(false);
});

test('abort and bad arguments', async () => {
  const input = tmp().write('abort.lz4', lz4CliFile(compressibleBytes(1_000_000, 45), ['-B4']));
  const output = tmp().path('abort.out');
  const error = await rejected(decompressParallel(input, output, { signal: AbortSignal.abort() }));
  expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
  expect(fs.existsSync(output)).toBe(false);
  await expect(decompressParallel(input, output, { concurrency: 0 })).rejects.toThrow(RangeError);
  await expect(decompressParallel(input, output, { index: 'x' } as never)).rejects.toThrow(TypeError);
  await expect(decompressParallel(42 as never, output)).rejects.toThrow(TypeError);
});
