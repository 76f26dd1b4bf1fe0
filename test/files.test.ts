// compressFile / decompressFile: real files, interop with the lz4 CLI, progress, the overwrite
// rule, and that a failed or aborted run leaves neither a file under the final name nor a
// temporary file.
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { Compressor, compressFile, decompressFile, FileProgress, getFrameInfo, Lz4FramedNoDataError } from '../lib';
import { compressibleBytes, mixedBytes } from './helpers/data';
import { flipped, frameLayout } from './helpers/frames';
import { tiled, watchClose } from './helpers/streams';
import { rejectionOf } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const KiB = 1024;
const MiB = 1024 * KiB;
const input = tiled(mixedBytes(512 * KiB, 17), 5 * MiB + 77);
const tmp = useTmpDir('files');
let caseNo = 0;

// A fresh sub-directory per test, so leftovers are easy to see.
function dir(): { path(name: string): string; names(): string[] } {
  const d = tmp().path(`case-${++caseNo}`);
  fs.mkdirSync(d);
  return { path: (name) => `${d}/${name}`, names: () => fs.readdirSync(d).sort() };
}

describe('round trips', () => {
  test('compressFile → lz4 -d, and lz4 → decompressFile, with the byte counts', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input);
    const packed = await compressFile(d.path('in'), d.path('in.lz4'), { level: 4, blockSize: 262144 });
    expect(packed.inputBytes).toBe(input.length);
    expect(packed.outputBytes).toBe(fs.statSync(d.path('in.lz4')).size);
    expect(lz4Cli(['-d', '-c', d.path('in.lz4')]).equals(input)).toBe(true);
    const info = getFrameInfo(fs.readFileSync(d.path('in.lz4')));
    expect(info.contentSize).toBe(input.length); // stored by default, as one-shot compress
    expect(info.blockSize).toBe(262144);

    fs.writeFileSync(
      d.path('theirs.lz4'),
      Buffer.concat([lz4Cli(['-c', '-BD'], input), lz4Cli(['-c', '-9'], input.subarray(0, 1000))]),
    );
    const unpacked = await decompressFile(d.path('theirs.lz4'), pathToFileURL(d.path('back')));
    expect(unpacked.outputBytes).toBe(input.length + 1000);
    expect(fs.readFileSync(d.path('back')).equals(Buffer.concat([input, input.subarray(0, 1000)]))).toBe(true);
    expect(d.names()).toEqual(['back', 'in', 'in.lz4', 'theirs.lz4']);
  });

  test('contentSize: false leaves the size out; an empty file is a valid frame', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), compressibleBytes(100 * KiB));
    await compressFile(d.path('in'), d.path('in.lz4'), { contentSize: false });
    expect(getFrameInfo(fs.readFileSync(d.path('in.lz4'))).contentSize).toBeUndefined();
    fs.writeFileSync(d.path('empty'), '');
    await compressFile(d.path('empty'), d.path('empty.lz4'));
    expect(lz4Cli(['-d', '-c', d.path('empty.lz4')]).length).toBe(0);
  });

  test('onProgress sees growing counts and the input size, and a last call with the totals', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input);
    const seen: FileProgress[] = [];
    const result = await compressFile(d.path('in'), d.path('out.lz4'), { onProgress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].inputBytes).toBeGreaterThanOrEqual(seen[i - 1].inputBytes);
      expect(seen[i].outputBytes).toBeGreaterThanOrEqual(seen[i - 1].outputBytes);
    }
    expect(seen.every((p) => p.totalInputBytes === input.length)).toBe(true);
    expect(seen[seen.length - 1]).toEqual({ ...result, totalInputBytes: input.length });
  });
});

describe('the output name is never left half written', () => {
  afterEach(() => jest.restoreAllMocks());

  test('an existing output is an error (ERR_LZ4_OUTPUT_EXISTS) unless overwrite is set', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input.subarray(0, 10 * KiB));
    fs.writeFileSync(d.path('out.lz4'), 'precious');
    const error = await rejectionOf(() => compressFile(d.path('in'), d.path('out.lz4')));
    expect(error.code).toBe('ERR_LZ4_OUTPUT_EXISTS');
    expect(fs.readFileSync(d.path('out.lz4'), 'utf8')).toBe('precious');
    await compressFile(d.path('in'), d.path('out.lz4'), { overwrite: true });
    expect(lz4Cli(['-d', '-c', d.path('out.lz4')]).equals(input.subarray(0, 10 * KiB))).toBe(true);
    expect(d.names()).toEqual(['in', 'out.lz4']);
  });

  test('a file that appears under the output name during the run is not replaced', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input);
    const error = await rejectionOf(() =>
      compressFile(d.path('in'), d.path('out.lz4'), {
        onProgress: () => {
          if (!fs.existsSync(d.path('out.lz4'))) fs.writeFileSync(d.path('out.lz4'), 'someone else');
        },
      }),
    );
    expect(error.code).toBe('ERR_LZ4_OUTPUT_EXISTS');
    expect(fs.readFileSync(d.path('out.lz4'), 'utf8')).toBe('someone else');
    expect(d.names()).toEqual(['in', 'out.lz4']);
  });

  test('corrupt and truncated inputs fail with their codes and leave nothing', async () => {
    const d = dir();
    const frame = lz4Cli(['-c', '-B4'], input);
    const layout = frameLayout(frame);
    fs.writeFileSync(d.path('bad.lz4'), flipped(frame, layout.blocks[20].offset + 4 + 7));
    fs.writeFileSync(d.path('short.lz4'), frame.subarray(0, layout.blocks[30].offset + 100));
    const corrupt = await rejectionOf(() => decompressFile(d.path('bad.lz4'), d.path('bad')));
    expect(corrupt.code).toMatch(/^ERR_LZ4F_/);
    const truncated = await rejectionOf(() => decompressFile(d.path('short.lz4'), d.path('short')));
    expect(truncated).toBeInstanceOf(Lz4FramedNoDataError);
    expect(d.names()).toEqual(['bad.lz4', 'short.lz4']);
  });

  test('aborting mid-way: AbortError, the context freed, no output, no temporary file', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input);
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    const error = await rejectionOf(() =>
      compressFile(d.path('in'), d.path('out.lz4'), {
        level: 9,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    );
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
    expect(d.names()).toEqual(['in']);
  });

  test('an already aborted signal, an exception in onProgress: nothing is left', async () => {
    const d = dir();
    fs.writeFileSync(d.path('in'), input);
    const controller = new AbortController();
    controller.abort();
    expect(
      (await rejectionOf(() => compressFile(d.path('in'), d.path('a.lz4'), { signal: controller.signal }))).code,
    ).toBe('ABORT_ERR');
    const thrown = await rejectionOf(() =>
      compressFile(d.path('in'), d.path('b.lz4'), {
        onProgress: () => {
          throw new Error('listener failed');
        },
      }),
    );
    expect(thrown.message).toBe('listener failed');
    expect(d.names()).toEqual(['in']);
  });

  test('a missing input or output directory fails with the system error before any output', async () => {
    const d = dir();
    expect((await rejectionOf(() => compressFile(d.path('missing'), d.path('out.lz4')))).code).toBe('ENOENT');
    fs.writeFileSync(d.path('in'), 'x');
    expect((await rejectionOf(() => compressFile(d.path('in'), d.path('no/such/dir.lz4')))).code).toBe('ENOENT');
    expect(d.names()).toEqual(['in']);
  });

  test('bad arguments are TypeError / RangeError', async () => {
    const d = dir();
    expect(await rejectionOf(() => compressFile('', d.path('x')))).toBeInstanceOf(TypeError);
    expect(await rejectionOf(() => compressFile(d.path('x'), 42 as never))).toBeInstanceOf(TypeError);
    expect(await rejectionOf(() => compressFile(d.path('x'), d.path('y'), { contentSize: 5 } as never))).toBeInstanceOf(
      TypeError,
    );
    expect(await rejectionOf(() => compressFile(d.path('x'), d.path('y'), { level: 77 }))).toBeInstanceOf(RangeError);
    expect(
      await rejectionOf(() => decompressFile(d.path('x'), d.path('y'), { overwrite: 'yes' } as never)),
    ).toBeInstanceOf(TypeError);
    expect(
      await rejectionOf(() => decompressFile(d.path('x'), d.path('y'), { onProgress: 1 } as never)),
    ).toBeInstanceOf(TypeError);
  });
});
