// buildIndex and its formats: entries checked against python-lz4's own map of block offsets, the
// headers-only walk of independent blocks, the binary index and the seek table (that lz4 -d skips).
import * as fs from 'fs';
import {
  appendSeekTable,
  buildIndex,
  decompressSync,
  indexPathFor,
  loadIndex,
  Lz4Index,
  readCheckpointInfo,
  readSeekTable,
  saveIndex,
} from '../lib';
import { compressibleBytes } from './helpers/data';
import { frameLayout } from './helpers/frames';
import { blockMap, fixtures, lz4CliFile, shortBlockFrame } from './helpers/lz4-files';
import { rejected } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const tmp = useTmpDir('index');
const INTERVAL = 100_000;

function greedyCount(points: Map<number, number>, interval: number): number {
  let count = 1;
  let last = 0;
  for (const output of [...points.values()].sort((a, b) => a - b)) {
    if (output >= last + interval) {
      count++;
      last = output;
    }
  }
  return count;
}

describe.each(fixtures())('$name', ({ name, plain, compressed, dictionary }) => {
  const slug = name.replace(/\W+/g, '-');

  test('entries sit where python-lz4 finds block and frame starts, about one interval apart', async () => {
    const file = tmp().write(`${slug}.lz4`, compressed);
    const dictionaryFile = dictionary ? tmp().write(`${slug}.dict`, dictionary) : undefined;
    const truth = blockMap(file, dictionaryFile);
    const index = await buildIndex(file, { interval: INTERVAL, dictionary });
    expect(index.inputSize).toBe(compressed.length);
    expect(index.outputSize).toBe(plain.length);
    expect(truth.output).toBe(plain.length);
    expect(index.entries[0]).toMatchObject({ kind: 'frame', inputOffset: 0, outputOffset: 0 });
    // No boundary is passed over: at least as many entries as a greedy pick at twice the interval.
    expect(index.entries.length).toBeGreaterThanOrEqual(greedyCount(truth.points, 2 * INTERVAL));
    index.entries.forEach((entry, i) => {
      if (i > 0) expect(truth.points.get(entry.inputOffset)).toBe(entry.outputOffset);
      const previous = index.entries[i - 1];
      if (previous) expect(entry.outputOffset - previous.outputOffset).toBeGreaterThanOrEqual(INTERVAL);
      expect(entry.kind === 'checkpoint').toBe(entry.checkpoint !== undefined);
      if (entry.kind === 'frame') expect(entry.frameOffset).toBe(entry.inputOffset);
      else expect(truth.points.get(entry.frameOffset)).toBeDefined();
    });
  });

  test('toBuffer / Lz4Index.from round trip', async () => {
    const index = await buildIndex(compressed, { interval: INTERVAL, dictionary });
    const copy = Lz4Index.from(index.toBuffer());
    expect(copy).toEqual(index);
    expect(copy.toBuffer().equals(index.toBuffer())).toBe(true);
  });
});

describe('frames of independent blocks are walked, not decoded', () => {
  const plain = compressibleBytes(2_000_000, 21);

  test('a damaged block in the middle does not stop the walk (only headers and last blocks are read)', async () => {
    const compressed = lz4CliFile(plain, ['-B4']);
    const layout = frameLayout(compressed);
    const damaged = Buffer.from(compressed);
    const middle = layout.blocks[Math.floor(layout.blocks.length / 2)];
    damaged.fill(0xff, middle.offset + 4, middle.offset + 4 + 64);
    expect(() => decompressSync(damaged)).toThrow(expect.objectContaining({ code: 'ERR_LZ4F_DECOMPRESSIONFAILED' }));
    const index = await buildIndex(damaged, { interval: INTERVAL });
    expect(index).toEqual(await buildIndex(compressed, { interval: INTERVAL }));
    expect(index.entries.every((entry) => entry.kind !== 'checkpoint')).toBe(true);
  });

  test('without a content size the full-block assumption is reported (exact: false); with one it is proven', async () => {
    expect((await buildIndex(lz4CliFile(plain, ['-B4']))).exact).toBe(false);
    expect((await buildIndex(lz4CliFile(plain, ['-B4', '--content-size']))).exact).toBe(true);
  });

  test('short blocks (flush) with a content size: detected, the frame is decoded, offsets stay exact', async () => {
    const compressed = shortBlockFrame(plain, 50_000, { contentSize: true });
    const file = tmp().write('short-sized.lz4', compressed);
    const index = await buildIndex(file, { interval: INTERVAL });
    expect(index.exact).toBe(true);
    expect(index.outputSize).toBe(plain.length);
    const truth = blockMap(file);
    for (const entry of index.entries) {
      expect(truth.points.get(entry.inputOffset)).toBe(entry.outputOffset);
      expect(entry.fullBlocks).toBe(false);
    }
  });

  test('short blocks without a content size: the walk is wrong and says so (exact: false); exact: true decodes', async () => {
    const compressed = shortBlockFrame(plain, 50_000, { contentSize: false });
    const file = tmp().write('short-unsized.lz4', compressed);
    const assumed = await buildIndex(file, { interval: INTERVAL });
    expect(assumed.exact).toBe(false);
    expect(assumed.outputSize).not.toBe(plain.length);
    const exact = await buildIndex(file, { interval: INTERVAL, exact: true });
    expect(exact.exact).toBe(true);
    expect(exact.outputSize).toBe(plain.length);
    const truth = blockMap(file);
    for (const entry of exact.entries) expect(truth.points.get(entry.inputOffset)).toBe(entry.outputOffset);
  });
});

test('entries of linked frames embed a compressed checkpoint with its history', async () => {
  const plain = compressibleBytes(3_000_000, 22);
  const compressed = lz4CliFile(plain, ['-BD', '-B4']);
  const index = await buildIndex(compressed, { interval: 500_000 });
  const checkpoints = index.entries.filter((entry) => entry.kind === 'checkpoint');
  expect(checkpoints.length).toBeGreaterThanOrEqual(4);
  for (const entry of checkpoints) {
    const info = readCheckpointInfo(decompressSync(entry.checkpoint as Buffer));
    expect(info).toMatchObject({ historyEmbedded: true, historyLength: 65536, blockLinked: true });
    // Offsets inside the checkpoint count from the start of its frame (here: the file).
    expect(info.inputOffset).toBe(entry.inputOffset);
    expect(info.outputOffset).toBe(entry.outputOffset);
    // Taken at a block boundary: only the window, no buffered input, and compressed below it.
    expect((entry.checkpoint as Buffer).length).toBeLessThan(65536);
  }
});

describe('binary index validation', () => {
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = (
      await buildIndex(lz4CliFile(compressibleBytes(600_000, 23), ['-BD', '-B4']), { interval: 100_000 })
    ).toBuffer();
  });

  test('every damaged byte, cut or extra byte is ERR_LZ4_BAD_INDEX', () => {
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let at = 0; at < bytes.length; at += step) {
      const damaged = Buffer.from(bytes);
      damaged[at] ^= 0x41;
      expect(() => Lz4Index.from(damaged)).toThrow(expect.objectContaining({ code: 'ERR_LZ4_BAD_INDEX' }));
    }
    for (const length of [0, 10, 71, 104, bytes.length - 1]) {
      expect(() => Lz4Index.from(bytes.subarray(0, length))).toThrow(
        expect.objectContaining({ code: 'ERR_LZ4_BAD_INDEX' }),
      );
    }
    expect(() => Lz4Index.from(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(
      expect.objectContaining({ code: 'ERR_LZ4_BAD_INDEX' }),
    );
    expect(() => Lz4Index.from('index' as never)).toThrow(TypeError);
  });

  test('the constructor refuses entries out of order', () => {
    const index = Lz4Index.from(bytes);
    const entries = [...index.entries].reverse();
    expect(() => new Lz4Index({ ...index, entries })).toThrow(expect.objectContaining({ code: 'ERR_LZ4_BAD_INDEX' }));
  });

  test('saveIndex / loadIndex beside the data', async () => {
    const index = Lz4Index.from(bytes);
    const file = tmp().path('saved.lz4');
    await saveIndex(index, indexPathFor(file));
    expect(fs.existsSync(`${file}.lz4idx`)).toBe(true);
    expect(await loadIndex(indexPathFor(file))).toEqual(index);
  });
});

describe('seek table', () => {
  const plain = compressibleBytes(1_000_000, 24);

  test('appended as a skippable frame: lz4 -d and decompressSync still give the same bytes', async () => {
    for (const args of [['-B4'], ['-BD', '-B5']]) {
      const compressed = lz4CliFile(plain, args);
      const file = tmp().write('seekable.lz4', compressed);
      const index = await appendSeekTable(file, { interval: 200_000 });
      const seekable = fs.readFileSync(file);
      expect(seekable.length).toBeGreaterThan(compressed.length);
      expect(seekable.subarray(0, compressed.length).equals(compressed)).toBe(true);
      expect(lz4Cli(['-d', '-c'], seekable).equals(plain)).toBe(true);
      expect(decompressSync(seekable).equals(plain)).toBe(true);
      expect(await readSeekTable(file)).toEqual(index);
      // Indexing a seekable file leaves the table out; appending again replaces it.
      expect(await buildIndex(file, { interval: 200_000 })).toEqual(index);
      await appendSeekTable(file, { interval: 200_000 });
      expect(fs.readFileSync(file).equals(seekable)).toBe(true);
    }
  });

  test('buildIndex({ seekTable: true }) builds and stores in one call (files only)', async () => {
    const compressed = lz4CliFile(plain, ['-B4']);
    const file = tmp().write('build-and-store.lz4', compressed);
    const index = await buildIndex(file, { seekTable: true, interval: 300_000 });
    expect(await readSeekTable(file)).toEqual(index);
    expect(lz4Cli(['-d', '-c', file]).equals(plain)).toBe(true);
    await expect(buildIndex(compressed, { seekTable: true })).rejects.toThrow(TypeError);
  });

  test('no table: undefined; a damaged table: ERR_LZ4_BAD_INDEX', async () => {
    const compressed = lz4CliFile(plain, ['-B4']);
    expect(await readSeekTable(compressed)).toBeUndefined();
    const file = tmp().write('damaged-table.lz4', compressed);
    await appendSeekTable(file);
    const seekable = fs.readFileSync(file);
    const damaged = Buffer.from(seekable);
    damaged[compressed.length + 40] ^= 1;
    expect((await rejected(readSeekTable(damaged))).code).toBe('ERR_LZ4_BAD_INDEX');
    const badLength = Buffer.from(seekable);
    badLength.writeBigUInt64LE(BigInt(seekable.length + 1), seekable.length - 16);
    expect((await rejected(readSeekTable(badLength))).code).toBe('ERR_LZ4_BAD_INDEX');
  });

  test('an index of another file is refused', async () => {
    const file = tmp().write('other.lz4', lz4CliFile(plain, ['-B4']));
    const other = await buildIndex(lz4CliFile(compressibleBytes(1_000_000, 25), ['-B4']));
    expect((await rejected(appendSeekTable(file, { index: other }))).code).toBe('ERR_LZ4_INDEX_MISMATCH');
  });
});

describe('bad inputs are coded errors', () => {
  const compressed = lz4CliFile(compressibleBytes(300_000, 26), ['-B4']);

  const oversized = Buffer.from(compressed);
  oversized.writeUInt32LE(70_000, frameLayout(compressed).blocks[1].offset);
  test.each([
    { name: 'empty', input: Buffer.alloc(0), code: 'ERR_LZ4_NO_DATA' },
    { name: 'cut inside a block', input: compressed.subarray(0, compressed.length - 1000), code: 'ERR_LZ4_NO_DATA' },
    { name: 'cut inside the end mark', input: compressed.subarray(0, compressed.length - 2), code: 'ERR_LZ4_NO_DATA' },
    {
      name: 'garbage after the frame',
      input: Buffer.concat([compressed, Buffer.from('garbage!')]),
      code: 'ERR_LZ4F_FRAMETYPE_UNKNOWN',
    },
    { name: 'a block larger than the block size', input: oversized, code: 'ERR_LZ4F_MAXBLOCKSIZE_INVALID' },
  ])('$name → $code', async ({ input, code }) => {
    expect((await rejected(buildIndex(input))).code).toBe(code);
  });

  test('bad arguments', async () => {
    await expect(buildIndex(42 as never)).rejects.toThrow(TypeError);
    await expect(buildIndex(compressed, { interval: 0 })).rejects.toThrow(RangeError);
    await expect(buildIndex(compressed, { nope: 1 } as never)).rejects.toThrow(TypeError);
    await expect(buildIndex(tmp().path('missing.lz4'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
