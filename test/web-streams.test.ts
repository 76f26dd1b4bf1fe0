// Lz4CompressionStream / Lz4DecompressionStream: { readable, writable } pairs like the global
// CompressionStream, for pipeThrough: round trips, interop, errors with codes, cancel and abort
// freeing the context.
import { ReadableStream, WritableStream } from 'stream/web';
import {
  Compressor,
  compressSync,
  Decompressor,
  decompressSync,
  Lz4CompressionStream,
  Lz4DecompressionStream,
  Lz4FramedNoDataError,
} from '../lib';
import { compressibleBytes, mixedBytes, slices } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import { collect, tiled, watchClose } from './helpers/streams';
import { rejectionOf } from './helpers/outcome';
import { lz4Cli } from './helpers/tools';

const KiB = 1024;
const MiB = 1024 * KiB;
const input = tiled(mixedBytes(256 * KiB, 9), 2 * MiB + 3);

function streamOf(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]);
      else controller.close();
    },
  });
}

describe('round trips with pipeThrough', () => {
  test.each([1000, 64 * KiB, 4 * MiB])('chunks of %i bytes', async (size) => {
    const packed = streamOf(slices(input, size)).pipeThrough(
      new Lz4CompressionStream({ blockSize: 1048576, level: 3 }),
    );
    const frame = await collect(packed);
    expect(decompressSync(frame).equals(input)).toBe(true);
    const back = await collect(streamOf(slices(frame, size)).pipeThrough(new Lz4DecompressionStream()));
    expect(back.equals(input)).toBe(true);
  });

  test('it is the shape of CompressionStream, and composes with it', async () => {
    const lz4 = new Lz4CompressionStream();
    expect(lz4.readable).toBeInstanceOf(ReadableStream);
    expect(lz4.writable).toBeInstanceOf(WritableStream);
    const text = compressibleBytes(100 * KiB, 4);
    // gzip around lz4 and back: each layer only sees bytes
    const layered = streamOf([text])
      .pipeThrough(new Lz4CompressionStream())
      .pipeThrough(new CompressionStream('gzip') as never)
      .pipeThrough(new DecompressionStream('gzip') as never)
      .pipeThrough(new Lz4DecompressionStream());
    expect((await collect(layered as AsyncIterable<Uint8Array>)).equals(text)).toBe(true);
  });

  test('the lz4 CLI reads its output; concatenated and skippable frames decode', async () => {
    const frame = await collect(streamOf([input]).pipeThrough(new Lz4CompressionStream({ blockLinked: false })));
    expect(lz4Cli(['-d', '-c'], frame).equals(input)).toBe(true);
    const stream = Buffer.concat([lz4Cli(['-c'], input), skippableFrame(Buffer.from('x')), frame]);
    const back = await collect(streamOf(slices(stream, 5000)).pipeThrough(new Lz4DecompressionStream()));
    expect(back.equals(Buffer.concat([input, input]))).toBe(true);
  });

  test('writing to the writable side directly; strings are UTF-8', async () => {
    const { readable, writable } = new Lz4CompressionStream();
    const writer = writable.getWriter();
    const done = collect(readable);
    await writer.write('web ');
    await writer.write(new TextEncoder().encode('streams'));
    await writer.close();
    expect(decompressSync(await done).toString()).toBe('web streams');
  });
});

describe('errors and teardown', () => {
  afterEach(() => jest.restoreAllMocks());
  const frame = compressSync(input, { blockSize: 65536 });

  test('a corrupt block errors the readable with its code, and closes the context', async () => {
    const { spy, closed } = watchClose(Decompressor.prototype);
    const layout = frameLayout(frame);
    const damaged = flipped(frame, layout.blocks[2].offset + 40);
    const error = await rejectionOf(() =>
      collect(streamOf(slices(damaged, 16 * KiB)).pipeThrough(new Lz4DecompressionStream())),
    );
    expect(error.code).toMatch(/^ERR_LZ4F_/);
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('a truncated input is Lz4FramedNoDataError; a bad chunk a TypeError', async () => {
    const error = await rejectionOf(() =>
      collect(streamOf([frame.subarray(0, frame.length - 1)]).pipeThrough(new Lz4DecompressionStream())),
    );
    expect(error).toBeInstanceOf(Lz4FramedNoDataError);
    const bad = await rejectionOf(() => collect(streamOf([42 as never]).pipeThrough(new Lz4DecompressionStream())));
    expect(bad).toBeInstanceOf(TypeError);
    expect(() => new Lz4CompressionStream({ level: 13 })).toThrow(RangeError);
  });

  test('cancelling the readable frees the context', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const readable = streamOf(slices(input, 64 * KiB)).pipeThrough(new Lz4CompressionStream({ autoFlush: true }));
    const reader = readable.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel('enough');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('the signal errors both sides with AbortError and frees the context', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    const { readable, writable } = new Lz4CompressionStream({ signal: controller.signal });
    const writer = writable.getWriter();
    const reading = rejectionOf(() => collect(readable));
    await writer.write(input.subarray(0, 1000)); // goes through: the reader pulls
    controller.abort();
    const error = await reading;
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    expect((await rejectionOf(() => writer.write(input))).code).toBe('ABORT_ERR');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });
});
