// Decompressor.update decodes straight into the Buffer it returns when the block headers of the
// chunk bound its output (native/dctx_state.c: lz4framed_dctx_output_bound), and through its
// scratch buffer otherwise. Whichever way, the output must be exact, and no output may pin much
// more memory than it holds: a bound that overstates (short flushed blocks, forged headers) must
// end in an exact copy, never in a large allocation kept alive by a small result.
import { once } from 'events';
import { Decompressor, compressSync, createDecompressStream } from '../lib';
import { compressibleBytes, mixedBytes, randomBytes, slices } from './helpers/data';
import { shortBlockFrame } from './helpers/lz4-files';

const KiB = 1024;
const MiB = 1024 * KiB;

// `received` sees each output as soon as it is returned, before the next call.
function decodeInChunks(frame: Uint8Array, chunkSize: number, async = false, received = (_: Buffer) => {}) {
  const d = new Decompressor();
  const run = async (): Promise<Buffer[]> => {
    const outputs: Buffer[] = [];
    for (let at = 0; at < frame.length; at += chunkSize) {
      const chunk = frame.subarray(at, at + chunkSize);
      const out = async ? await d.updateAsync(chunk) : d.update(chunk);
      received(out);
      outputs.push(out);
    }
    d.end();
    d.close();
    return outputs;
  };
  return run();
}

// At most 1/8 of a returned Buffer's memory is unused, plus the byte a bound leaves spare.
function expectTight(outputs: Buffer[]): void {
  for (const out of outputs) expect(out.buffer.byteLength).toBeLessThanOrEqual(Math.ceil((out.length * 8) / 7) + 1);
}

// A 4 MiB-block frame flushed every `every` bytes: blocks far shorter than the frame's block
// size, each of which the headers count as a whole block.
const flushedStream = (data: Buffer, every: number) =>
  shortBlockFrame(data, every, { contentSize: false, blockSize: 4 * MiB });

describe('Decompressor.update output', () => {
  const inputs: Array<[string, Buffer]> = [
    ['mixed', mixedBytes(3 * MiB, 7)],
    ['compressible', compressibleBytes(3 * MiB, 7)],
    ['random (raw blocks)', randomBytes(2 * MiB, 7)],
  ];

  test.each(inputs)('%s data in 64 KiB chunks, every block size, sync and async: exact and tight', async (_, data) => {
    for (const blockSize of [64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB]) {
      for (const blockChecksum of [false, true]) {
        const frame = compressSync(data, { blockSize, blockChecksum, contentSize: false });
        for (const async of [false, true]) {
          const outputs = await decodeInChunks(frame, 64 * KiB, async);
          expect(Buffer.concat(outputs).equals(data)).toBe(true);
          expectTight(outputs);
          if (blockSize === 64 * KiB) {
            // Full blocks bound the output exactly: all but the first chunk (the frame header,
            // no bound) and the last (a short last block) land in a Buffer one byte over it.
            const direct = outputs.filter((out) => out.buffer.byteLength === out.length + 1).length;
            expect(direct).toBeGreaterThanOrEqual(outputs.length - 2);
          }
        }
      }
    }
  });

  test.each([
    [300 * KiB, [4, 5, 1000, 4 * KiB - 1, 64 * KiB + 7, 300 * KiB]],
    [40 * KiB, [1, 3]],
  ])('%i bytes in chunks across block, checksum and frame boundaries', async (size, chunkSizes) => {
    const data = mixedBytes(size, 8);
    const frame = Buffer.concat([
      compressSync(data, { blockChecksum: true }),
      compressSync(data.subarray(0, size / 4), { blockSize: 256 * KiB }),
    ]);
    const expected = Buffer.concat([data, data.subarray(0, size / 4)]);
    for (const chunkSize of chunkSizes) {
      const outputs = await decodeInChunks(frame, chunkSize);
      expect(Buffer.concat(outputs).equals(expected)).toBe(true);
      expectTight(outputs);
    }
  });

  test('short flushed blocks in 4 MiB-block frames: the overstated bound ends in exact outputs', async () => {
    const data = mixedBytes(2 * MiB, 9);
    const frame = flushedStream(data, 64 * KiB);
    for (const async of [false, true]) {
      const outputs = await decodeInChunks(frame, 64 * KiB, async);
      expect(Buffer.concat(outputs).equals(data)).toBe(true);
      expectTight(outputs);
    }
  });

  test('thousands of tiny blocks whose headers claim 4 MiB each are not preallocated for', async () => {
    // 100-byte flushes of repetitive bytes: ~12-byte compressed blocks, a bound of 4 MiB each, far
    // beyond what a chunk can decode to.
    const data = compressibleBytes(400 * KiB, 10);
    const frame = flushedStream(data, 100);
    const before = process.memoryUsage().arrayBuffers;
    const outputs = await decodeInChunks(frame, 64 * KiB);
    expect(Buffer.concat(outputs).equals(data)).toBe(true);
    expectTight(outputs);
    // Nothing near the forged bound (gigabytes) was ever held.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
  });

  // Within one call liblz4 keeps its history of linked blocks in the output itself (stableDst);
  // before an output is returned that history moves into the decoder. A caller that overwrites
  // (or frees) each output at once must not change a byte of what follows.
  test('outputs overwritten as soon as they arrive change nothing after them (sync, async, stream)', async () => {
    const data = mixedBytes(6 * MiB, 11);
    const frame = compressSync(data, { level: 9, contentSize: false });
    const copies: Buffer[] = [];
    const keepAndOverwrite = (out: Buffer) => {
      copies.push(Buffer.from(out));
      out.fill(0xa5);
    };
    for (const async of [false, true]) {
      for (const chunkSize of [64 * KiB, 1 * MiB]) {
        copies.length = 0;
        await decodeInChunks(frame, chunkSize, async, keepAndOverwrite);
        expect(Buffer.concat(copies).equals(data)).toBe(true);
      }
    }
    // The stream decodes several outputs per job and pushes them one after another.
    copies.length = 0;
    const stream = createDecompressStream();
    stream.on('data', keepAndOverwrite);
    const ended = once(stream, 'end');
    for (const part of slices(frame, 64 * KiB)) stream.write(part);
    stream.end();
    await ended;
    expect(Buffer.concat(copies).equals(data)).toBe(true);
  });
});
