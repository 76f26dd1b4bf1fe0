// Node Transform streams: round trips over options and chunk sizes, writes split anywhere,
// concatenated and skippable frames, coded errors mid-stream, backpressure, abort and destroy
// freeing the context, flush, and the event loop staying free while a large input compresses.
import { Readable, Writable } from 'stream';
import { pipeline } from 'stream/promises';
import {
  CompressStreamOptions,
  Compressor,
  compressSync,
  createCompressStream,
  createDecompressStream,
  Decompressor,
  decompressSync,
  getFrameInfo,
  Lz4FramedError,
  Lz4FramedNoDataError,
} from '../lib';
import { compressibleBytes, mixedBytes, prng, randomBytes, slices } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import { collector, loopTurnCounter, readableOf, tiled, turns, watchClose } from './helpers/streams';
import { lz4Cli } from './helpers/tools';

const KiB = 1024;
const MiB = 1024 * KiB;
const mixed = mixedBytes(512 * KiB, 4);
const text = compressibleBytes(512 * KiB, 6);

async function compressed(parts: readonly Uint8Array[], options?: CompressStreamOptions): Promise<Buffer> {
  const sink = collector();
  await pipeline(readableOf(parts), createCompressStream(options), sink);
  return sink.data();
}

async function decompressed(parts: readonly Uint8Array[]): Promise<Buffer> {
  const sink = collector();
  await pipeline(readableOf(parts), createDecompressStream(), sink);
  return sink.data();
}

async function rejection(run: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await run;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('round trips', () => {
  const matrix: CompressStreamOptions[] = [
    {},
    { level: 9, blockSize: 262144, blockLinked: false, blockChecksum: true },
    { level: -4, blockSize: 4194304, contentChecksum: false },
    { level: 10, blockSize: 1048576, autoFlush: true, favorDecSpeed: true },
  ];
  // Each chunk size with an input several chunks long (1-byte writes on a smaller input).
  const chunkSizes: [number, number][] = [
    [1, 24 * KiB],
    [13, 200 * KiB],
    [4096, 1 * MiB],
    [65537, 2 * MiB],
    [4 * MiB, 9 * MiB],
  ];

  test.each(matrix.map((options) => [JSON.stringify(options), options]))(
    'options %s over chunk sizes 1 B to 4 MiB',
    async (_name, options) => {
      for (const [chunkSize, length] of chunkSizes) {
        const input = tiled(mixed, length);
        const frame = await compressed(slices(input, chunkSize), options);
        const info = getFrameInfo(frame);
        expect(info.blockSize).toBe(options.blockSize ?? 65536);
        expect(info.blockLinked).toBe(options.blockLinked ?? true);
        expect(info.blockChecksum).toBe(options.blockChecksum ?? false);
        expect(info.contentChecksum).toBe(options.contentChecksum ?? true);
        expect(decompressSync(frame).equals(input)).toBe(true);
        expect((await decompressed(slices(frame, chunkSize))).equals(input)).toBe(true);
      }
    },
  );

  test('the lz4 command line decodes a stream compressed here, and the stream decodes its output', async () => {
    const input = tiled(text, 3 * MiB + 7);
    const frame = await compressed(slices(input, 100 * KiB), { blockSize: 262144 });
    expect(lz4Cli(['-d', '-c'], frame).equals(input)).toBe(true);
    const theirs = lz4Cli(['-c', '-BD', '-B5', '--content-size'], input);
    expect((await decompressed(slices(theirs, 64 * KiB + 3))).equals(input)).toBe(true);
  });

  test('an empty input gives a valid empty frame; strings are UTF-8', async () => {
    const empty = await compressed([]);
    expect(decompressSync(empty).length).toBe(0);
    expect(lz4Cli(['-d', '-c'], empty).length).toBe(0);
    const stream = createCompressStream();
    const sink = collector();
    const done = pipeline(stream, sink);
    stream.write('héllo ');
    stream.end('wörld');
    await done;
    expect(decompressSync(sink.data()).toString('utf8')).toBe('héllo wörld');
  });

  test('bytesWritten counts the input consumed', async () => {
    const input = compressibleBytes(300 * KiB);
    const compress = createCompressStream();
    const sink = collector();
    await pipeline(readableOf(slices(input, 10 * KiB)), compress, sink);
    expect(compress.bytesWritten).toBe(input.length);
    const decompress = createDecompressStream();
    await pipeline(readableOf([sink.data()]), decompress, collector());
    expect(decompress.bytesWritten).toBe(sink.data().length);
  });
});

describe('decompression input split anywhere', () => {
  const input = mixedBytes(300 * KiB, 11);
  const frame = compressSync(input, { blockSize: 65536, blockChecksum: true, contentSize: true, dictId: 7 });

  test('two writes split at every place that matters: header bytes, block headers, checksums, end mark', async () => {
    const layout = frameLayout(frame);
    const cuts = new Set<number>();
    for (let k = 1; k <= layout.headerSize + 5; k++) cuts.add(k);
    for (const block of layout.blocks) {
      for (const at of [block.offset, block.checksumOffset ?? block.offset])
        for (let d = -1; d <= 4; d++) cuts.add(at + d);
    }
    for (let d = -1; d <= 8; d++) cuts.add(layout.endMarkOffset + d);
    for (const cut of [...cuts].filter((c) => c > 0 && c < frame.length)) {
      const out = await decompressed([frame.subarray(0, cut), frame.subarray(cut)]);
      expect(out.equals(input)).toBe(true);
    }
  });

  test('random write sizes from 1 byte to 100 KiB', async () => {
    const next = prng(99);
    for (let round = 0; round < 12; round++) {
      const parts: Buffer[] = [];
      for (let pos = 0; pos < frame.length;) {
        const size = next() < 0.5 ? 1 + ((next() * 16) | 0) : 1 + ((next() * 100 * KiB) | 0);
        parts.push(frame.subarray(pos, pos + size));
        pos += size;
      }
      expect((await decompressed(parts)).equals(input)).toBe(true);
    }
  });
});

describe('frames', () => {
  test('concatenated frames and skippable frames (lz4 CLI and this library) decode as one stream', async () => {
    const a = compressibleBytes(200 * KiB, 1);
    const b = randomBytes(70 * KiB, 2);
    const c = mixedBytes(100 * KiB, 3);
    const stream = Buffer.concat([
      lz4Cli(['-c'], a),
      skippableFrame(Buffer.from('metadata'), 3),
      compressSync(b, { blockLinked: false }),
      skippableFrame(Buffer.alloc(0), 15),
      await compressed([c]),
    ]);
    for (const size of [1, 7, 64 * KiB, stream.length]) {
      expect((await decompressed(slices(stream, size))).equals(Buffer.concat([a, b, c]))).toBe(true);
    }
  });
});

describe('errors mid-stream reach the consumer with their code', () => {
  const input = mixedBytes(600 * KiB, 5);
  const frame = compressSync(input, { blockSize: 65536 });
  const layout = frameLayout(frame);

  test('a corrupt block after output has been produced', async () => {
    const lastBlock = layout.blocks[layout.blocks.length - 1];
    const damaged = flipped(frame, lastBlock.offset + 4 + Math.floor(lastBlock.dataSize / 2));
    const sink = collector();
    const error = await rejection(pipeline(readableOf(slices(damaged, 32 * KiB)), createDecompressStream(), sink));
    expect(error).toBeInstanceOf(Lz4FramedError);
    expect(error.code).toMatch(/^ERR_LZ4F_(DECOMPRESSIONFAILED|CONTENTCHECKSUM_INVALID)$/);
    expect(sink.data().length).toBeGreaterThan(0);
    expect(input.subarray(0, sink.data().length).equals(sink.data())).toBe(true);
  });

  test('a wrong content checksum', async () => {
    const damaged = flipped(frame, layout.contentChecksumOffset!);
    const error = await rejection(pipeline(readableOf([damaged]), createDecompressStream(), collector()));
    expect(error.code).toBe('ERR_LZ4F_CONTENTCHECKSUM_INVALID');
  });

  test('a truncated tail is Lz4FramedNoDataError, an empty input too', async () => {
    for (const cut of [frame.length - 1, layout.endMarkOffset, layout.blocks[3].offset + 10, 5]) {
      const error = await rejection(
        pipeline(readableOf(slices(frame.subarray(0, cut), 50 * KiB)), createDecompressStream(), collector()),
      );
      expect(error).toBeInstanceOf(Lz4FramedNoDataError);
      expect(error.code).toBe('ERR_LZ4_NO_DATA');
    }
    const empty = await rejection(pipeline(readableOf([]), createDecompressStream(), collector()));
    expect(empty.code).toBe('ERR_LZ4_NO_DATA');
  });

  test('garbage after the last frame', async () => {
    const error = await rejection(
      pipeline(readableOf([frame, Buffer.from('trailing garbage')]), createDecompressStream(), collector()),
    );
    expect(error.code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
  });

  test('bad options are TypeError / RangeError at creation', () => {
    expect(() => createCompressStream({ level: 99 })).toThrow(RangeError);
    expect(() => createCompressStream({ nope: true } as never)).toThrow(TypeError);
    expect(() => createDecompressStream({ signal: 'x' } as never)).toThrow(TypeError);
    expect(() => createDecompressStream(null as never)).toThrow(TypeError);
  });
});

describe('backpressure', () => {
  // A source that makes data only when read, and a slow consumer: the source may only run a
  // bounded distance ahead of what the consumer has taken.
  async function maxLead(
    transform: NodeJS.ReadWriteStream,
    source: (i: number) => Buffer,
    chunks: number,
  ): Promise<{ lead: number; consumed: number }> {
    let produced = 0;
    let i = 0;
    const readable = new Readable({
      read() {
        if (i === chunks) return void this.push(null);
        const chunk = source(i++);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    let consumed = 0;
    let lead = 0;
    const slow = new Writable({
      highWaterMark: 16 * KiB,
      write(chunk: Buffer, _encoding, callback) {
        consumed += chunk.length;
        lead = Math.max(lead, produced - consumed);
        void turns(3).then(() => callback());
      },
    });
    await pipeline(readable, transform, slow);
    return { lead, consumed };
  }

  const noise = randomBytes(MiB, 8); // incompressible: output and input sizes are alike

  test('a slow consumer holds the compressing producer back', async () => {
    const { lead, consumed } = await maxLead(
      createCompressStream(),
      (i) => noise.subarray((i % 16) * 64 * KiB, ((i % 16) + 1) * 64 * KiB),
      384,
    );
    expect(consumed).toBeGreaterThan(24 * MiB);
    expect(lead).toBeLessThan(4 * MiB);
  });

  test('a slow consumer holds the decompressing producer back', async () => {
    const frame = compressSync(Buffer.concat(Array(24).fill(noise)), { blockLinked: false });
    const { lead, consumed } = await maxLead(
      createDecompressStream(),
      (i) => frame.subarray(i * 64 * KiB, (i + 1) * 64 * KiB),
      Math.ceil(frame.length / (64 * KiB)),
    );
    expect(consumed).toBe(24 * MiB);
    expect(lead).toBeLessThan(4 * MiB);
  });
});

describe('abort and destroy free the context', () => {
  afterEach(() => jest.restoreAllMocks());

  test('aborting mid-stream rejects with AbortError and closes the compressor', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    const stream = createCompressStream({ signal: controller.signal, level: 9 });
    let fed = 0;
    const source = new Readable({
      read() {
        if (++fed === 20) controller.abort();
        this.push(tiled(text, 256 * KiB));
      },
    });
    const error = await rejection(pipeline(source, stream, collector()));
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    expect(stream.destroyed).toBe(true);
    await closed;
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0].type).toBe('return'); // no ERR_LZ4_BUSY: it waited for the job in flight
  });

  test('destroy() while a job is in flight closes the context once the job settles', async () => {
    const { spy, closed } = watchClose(Decompressor.prototype);
    const input = compressSync(tiled(text, 8 * MiB), { blockSize: 4194304 });
    const stream = createDecompressStream();
    stream.on('data', () => {});
    stream.write(input); // the job starts at once, on the threadpool
    stream.destroy();
    expect(stream.destroyed).toBe(true);
    expect(spy).not.toHaveBeenCalled(); // busy: closing now would fail with ERR_LZ4_BUSY
    await closed;
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0].type).toBe('return');
  });

  test('an already aborted signal destroys the stream at once', async () => {
    const { spy, closed } = watchClose(Compressor.prototype);
    const controller = new AbortController();
    controller.abort();
    const stream = createCompressStream({ signal: controller.signal });
    const error = await new Promise<Error & { code?: string }>((resolve) => stream.on('error', resolve));
    expect(error.code).toBe('ABORT_ERR');
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });

  test('a stream that ends normally closes its context', async () => {
    const { spy, closed } = watchClose(Decompressor.prototype);
    await decompressed([compressSync('closed at the end')]);
    await closed;
    expect(spy.mock.results).toEqual([{ type: 'return', value: undefined }]);
  });
});

describe('flush', () => {
  test('flush() emits a block boundary: what was written so far decodes', async () => {
    const stream = createCompressStream({ blockSize: 4194304 });
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.write('first part, ');
    await new Promise<void>((resolve) => stream.flush(resolve));
    const decoder = new Decompressor();
    expect(decoder.update(Buffer.concat(parts)).toString()).toBe('first part, ');
    stream.write('second part');
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    expect(decompressSync(Buffer.concat(parts)).toString()).toBe('first part, second part');
    await new Promise<void>((resolve) => stream.flush(resolve)); // after the end: only the callback
  });
});

describe('the event loop stays free', () => {
  test('while a large input compresses at a high level, the loop keeps turning', async () => {
    const input = tiled(text, 4 * MiB);
    const counter = loopTurnCounter();
    const sink = collector();
    await pipeline(readableOf([input]), createCompressStream({ level: 9, blockSize: 4194304 }), sink);
    expect(counter.stop()).toBeGreaterThan(20);
    expect(decompressSync(sink.data()).equals(input)).toBe(true);
  });
});

describe('memory', () => {
  test('a 64 MiB stream does not grow RSS in proportion', async () => {
    const piece = tiled(text, MiB);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let total = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        total += chunk.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        callback();
      },
    });
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) yield piece;
      })(),
      { objectMode: false },
    );
    await pipeline(source, createCompressStream(), createDecompressStream(), sink);
    expect(total).toBe(64 * MiB);
    expect(peak - baseline).toBeLessThan(48 * MiB);
  });
});
