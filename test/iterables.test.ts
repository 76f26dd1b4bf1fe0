// compressStream / decompressStream over async iterables: every kind of source, chunk sizes,
// concatenated frames, coded errors, pulling only as fast as the consumer, breaking out early,
// and AbortSignal freeing the context at once.
import * as fs from 'fs';
import { Readable } from 'stream';
import {
  Compressor,
  compressStream,
  compressSync,
  Decompressor,
  decompressStream,
  decompressSync,
  Lz4FramedNoDataError,
} from '../lib';
import { compressibleBytes, mixedBytes, slices } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import { collect, tiled, watchClose } from './helpers/streams';
import { rejectionOf } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const KiB = 1024;
const MiB = 1024 * KiB;
const input = tiled(mixedBytes(256 * KiB, 12), 3 * MiB + 5);
const tmp = useTmpDir('iterables');

async function* generate(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

describe('sources and chunk sizes', () => {
  test.each([1, 100, 64 * KiB, 4 * MiB])('async generator of %i-byte chunks round trips', async (size) => {
    const data = size === 1 ? input.subarray(0, 20 * KiB) : input;
    const frame = await collect(compressStream(generate(slices(data, size)), { blockSize: 262144 }));
    expect(decompressSync(frame).equals(data)).toBe(true);
    expect((await collect(decompressStream(generate(slices(frame, size))))).equals(data)).toBe(true);
  });

  test('a Node Readable, a file handle stream, an array and strings are sources too', async () => {
    const fromReadable = await collect(compressStream(Readable.from(slices(input, 50 * KiB))));
    expect(decompressSync(fromReadable).equals(input)).toBe(true);

    const file = tmp().write('in.lz4', fromReadable);
    const handle = await fs.promises.open(file);
    try {
      expect((await collect(decompressStream(handle.createReadStream()))).equals(input)).toBe(true);
    } finally {
      await handle.close();
    }

    expect(
      (await collect(decompressStream([fromReadable.subarray(0, 10), fromReadable.subarray(10)]))).equals(input),
    ).toBe(true);
    const text = await collect(compressStream(['strings ', 'are ', Buffer.from('UTF-8: é')]));
    expect(decompressSync(text).toString('utf8')).toBe('strings are UTF-8: é');
  });

  test('the lz4 CLI decodes what compressStream makes; concatenated and skippable frames decode', async () => {
    const a = compressibleBytes(100 * KiB, 1);
    const frame = await collect(compressStream([a], { level: 9, blockLinked: false }));
    expect(lz4Cli(['-d', '-c'], frame).equals(a)).toBe(true);
    const stream = Buffer.concat([lz4Cli(['-c'], a), skippableFrame(Buffer.from('skip me')), frame]);
    expect((await collect(decompressStream(slices(stream, 999)))).equals(Buffer.concat([a, a]))).toBe(true);
  });

  test('bad arguments fail at the call, before any iteration', () => {
    expect(() => compressStream(42 as never)).toThrow(TypeError);
    expect(() => compressStream([], { level: 100 })).toThrow(RangeError);
    expect(() => decompressStream([], { bogus: 1 } as never)).toThrow(TypeError);
    expect(() => decompressStream([], { signal: {} } as never)).toThrow(TypeError);
  });
});

describe('errors', () => {
  const frame = compressSync(input.subarray(0, 500 * KiB), { blockSize: 65536 });
  const layout = frameLayout(frame);

  test('a corrupt block fails the generator with its code, after the output before it', async () => {
    const damaged = flipped(frame, layout.blocks[5].offset + 4 + 100);
    const out: Buffer[] = [];
    const error = await rejectionOf(async () => {
      for await (const chunk of decompressStream(slices(damaged, 64 * KiB))) out.push(chunk);
    });
    expect(error.code).toMatch(/^ERR_LZ4F_/);
    expect(Buffer.concat(out).length).toBeGreaterThan(0);
  });

  test('a truncated input is Lz4FramedNoDataError; a non-byte chunk is a TypeError', async () => {
    const error = await rejectionOf(() => collect(decompressStream([frame.subarray(0, frame.length - 3)])));
    expect(error).toBeInstanceOf(Lz4FramedNoDataError);
    expect(error.code).toBe('ERR_LZ4_NO_DATA');
    expect(await rejectionOf(() => collect(decompressStream(['text is not LZ4'] as never)))).toBeInstanceOf(TypeError);
  });

  test('an error of the source reaches the consumer as is', async () => {
    async function* broken() {
      yield compressSync('first').subarray(0, 8);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }
    expect((await rejectionOf(() => collect(decompressStream(broken())))).code).toBe('ECONNRESET');
  });
});

describe('pulling, breaking out and aborting', () => {
  afterEach(() => jest.restoreAllMocks());

  test('the source is read ahead by a bounded amount only', async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield input.subarray(0, 64 * KiB);
      }
    }
    const options = { blockSize: 65536, blockLinked: false } as const;
    // Every chunk is the same 64 KiB: each one becomes one block of this size.
    const probe = new Compressor(options);
    probe.update(input.subarray(0, 64 * KiB));
    const blockBytes = probe.update(input.subarray(0, 64 * KiB)).length;
    probe.close();
    const output = compressStream(source(), options);
    let taken = 0;
    let outputBytes = 0;
    for await (const chunk of output) {
      outputBytes += chunk.length;
      if (++taken === 3) break;
    }
    // The chunks compressed so far, and at most about 3 MiB (48 chunks) of read-ahead of a 64 MB
    // source: 1 MiB read ahead by the iterable, 1 MiB queued on the stream's writable side (its
    // queued writes become one output), 1 MiB in the job.
    const blocksOut = Math.ceil(outputBytes / blockBytes);
    expect(blocksOut).toBeGreaterThanOrEqual(3);
    expect(pulled).toBeLessThanOrEqual(blocksOut + 48);
  });

  test('breaking out of the loop closes the context and returns the source', async () => {
    const { spy, closed } = watchClose(Decompressor.prototype);
    let sourceReturned: () => void;
    const returned = new Promise<void>((resolve) => (sourceReturned = resolve));
    async function* source() {
      try {
        for (const part of slices(compressSync(input), 16 * KiB)) yield part;
      } finally {
        sourceReturned();
      }
    }
    for await (const chunk of decompressStream(source())) {
      void chunk;
      break;
    }
    await returned;
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('abort while waiting for a stalled source: AbortError, context closed', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    async function* stalled() {
      yield input.subarray(0, 1000);
      setImmediate(() => controller.abort());
      await new Promise(() => {}); // a connection that never sends again
    }
    const error = await rejectionOf(() => collect(compressStream(stalled(), { signal: controller.signal })));
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('abort while a job is in flight: AbortError, and the context closes when the job settles', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    const updateAsync = Compressor.prototype.updateAsync;
    // Aborts right after the first job is queued, so it is certainly in flight.
    jest.spyOn(Compressor.prototype, 'updateAsync').mockImplementation(function (this: Compressor, chunk) {
      const job = updateAsync.call(this, chunk);
      controller.abort();
      return job;
    });
    const big = tiled(compressibleBytes(256 * KiB, 3), 2 * MiB);
    const error = await rejectionOf(() => collect(compressStream([big], { level: 9, signal: controller.signal })));
    expect(error.code).toBe('ABORT_ERR');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('an already aborted signal fails the first pull', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejectionOf(() => collect(compressStream([input], { signal: controller.signal })))).code).toBe(
      'ABORT_ERR',
    );
  });
});
