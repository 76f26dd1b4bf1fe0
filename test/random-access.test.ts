// readRange equals the slice of a full decode at any offset — 0, the last byte, across frame and
// block boundaries, random ones — whichever index it uses (given, seek table, beside the file, built).
import * as fs from 'fs';
import { appendSeekTable, buildIndex, indexPathFor, readRange, saveIndex } from '../lib';
import { compressibleBytes, prng } from './helpers/data';
import { frameLayout } from './helpers/frames';
import { blockMap, fixtures, lz4CliFile } from './helpers/lz4-files';
import { rejected } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';

const tmp = useTmpDir('random-access');

describe.each(fixtures())('$name', ({ name, plain, compressed, dictionary }) => {
  const slug = name.replace(/\W+/g, '-');

  test('ranges at 0, the end, frame and block boundaries and random offsets equal the plain slice', async () => {
    const file = tmp().write(`${slug}.lz4`, compressed);
    const dictionaryFile = dictionary ? tmp().write(`${slug}.dict`, dictionary) : undefined;
    const index = await buildIndex(file, { interval: 150_000, dictionary });
    const random = prng(plain.length);
    const starts = [0, plain.length - 1, plain.length - 100_000];
    // Across every frame and block boundary python-lz4 sees, from just before it.
    for (const output of blockMap(file, dictionaryFile).points.values()) starts.push(Math.max(0, output - 10));
    for (const entry of index.entries) starts.push(entry.outputOffset, Math.max(0, entry.outputOffset - 1));
    for (let i = 0; i < 12; i++) starts.push(Math.floor(random() * plain.length));
    for (const start of starts) {
      const length = 1 + Math.floor(random() * 200_000);
      const got = await readRange(file, start, length, { index, dictionary });
      expect(got.equals(plain.subarray(start, start + length))).toBe(true);
    }
  });

  test('with the index from a seek table, from <file>.lz4idx, built on the spot, and over a buffer', async () => {
    const start = Math.floor(plain.length * 0.6);
    const expected = plain.subarray(start, start + 70_000);
    const seekable = tmp().write(`${slug}-seekable.lz4`, compressed);
    await appendSeekTable(seekable, { interval: 150_000, dictionary });
    expect((await readRange(seekable, start, 70_000, { dictionary })).equals(expected)).toBe(true);
    const beside = tmp().write(`${slug}-beside.lz4`, compressed);
    await saveIndex(await buildIndex(beside, { interval: 150_000, dictionary }), indexPathFor(beside));
    expect((await readRange(beside, start, 70_000, { dictionary })).equals(expected)).toBe(true);
    fs.rmSync(indexPathFor(beside));
    expect((await readRange(beside, start, 70_000, { dictionary })).equals(expected)).toBe(true);
    expect((await readRange(compressed, start, 70_000, { dictionary })).equals(expected)).toBe(true);
  });
});

describe('edges and errors', () => {
  const plain = compressibleBytes(500_000, 31);
  const compressed = lz4CliFile(plain, ['-B4']);

  test('length past the end is clipped, length 0 is empty, start at the end is empty, past it a RangeError', async () => {
    expect((await readRange(compressed, plain.length - 10, 1000)).equals(plain.subarray(plain.length - 10))).toBe(true);
    expect((await readRange(compressed, 1000, 0)).length).toBe(0);
    expect((await readRange(compressed, plain.length, 10)).length).toBe(0);
    const error = await rejected(readRange(compressed, plain.length + 1, 10));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.code).toBe('ERR_OUT_OF_RANGE');
  });

  test('bad arguments', async () => {
    await expect(readRange(compressed, -1, 10)).rejects.toThrow(RangeError);
    await expect(readRange(compressed, 1.5, 10)).rejects.toThrow(RangeError);
    await expect(readRange(compressed, '0' as never, 10)).rejects.toThrow(TypeError);
    await expect(readRange(compressed, 0, 10, { index: {} as never })).rejects.toThrow(TypeError);
    await expect(readRange(42 as never, 0, 10)).rejects.toThrow(TypeError);
  });

  test('an index of another file, or of a changed file, is refused', async () => {
    const other = await buildIndex(lz4CliFile(compressibleBytes(500_000, 32), ['-B4']));
    expect((await rejected(readRange(compressed, 0, 10, { index: other }))).code).toBe('ERR_LZ4_INDEX_MISMATCH');
    const file = tmp().write('changed.lz4', compressed);
    await saveIndex(await buildIndex(file), indexPathFor(file));
    fs.writeFileSync(file, lz4CliFile(plain, ['-B5']));
    expect((await rejected(readRange(file, 0, 10))).code).toBe('ERR_LZ4_INDEX_MISMATCH');
  });

  test("a damaged block fails only the ranges that need it, with the decoder's code", async () => {
    const { blocks } = frameLayout(compressed);
    const middle = Math.floor(blocks.length / 2);
    const damaged = Buffer.from(compressed);
    damaged.fill(0xff, blocks[middle].offset + 4, blocks[middle].offset + 68);
    const index = await buildIndex(damaged, { interval: 100_000 });
    expect((await readRange(damaged, 0, 50_000, { index })).equals(plain.subarray(0, 50_000))).toBe(true);
    const last = plain.length - 1000;
    expect((await readRange(damaged, last, 1000, { index })).equals(plain.subarray(last))).toBe(true);
    const error = await rejected(readRange(damaged, middle * 65536 + 10, 100, { index }));
    expect(error.code).toBe('ERR_LZ4F_DECOMPRESSIONFAILED');
  });
});
