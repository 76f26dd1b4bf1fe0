// Throughput paths of the streaming API (issue 6): writes queued while a job runs are batched
// into one job, and decompression of a batch stops at an output budget. Neither may change a byte
// of output, an offset, or an error.
import { once } from 'events';
import {
  CompressStream,
  Compressor,
  createCompressStream,
  createDecompressStream,
  Decompressor,
  decompressSync,
} from '../lib';
import { compressibleBytes, mixedBytes, slices } from './helpers/data';
import { flipped, frameLayout } from './helpers/frames';

const KiB = 1024;
const MiB = 1024 * KiB;

type AnyStream = CompressStream | ReturnType<typeof createDecompressStream>;

// Everything `stream` emits, and the promise of its end.
function collect(stream: AnyStream) {
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  return { out, ended: once(stream, 'end') };
}

// Writes every part at once (so they queue while the first job runs) and collects the output.
async function throughStream(stream: AnyStream, parts: Uint8Array[]) {
  const { out, ended } = collect(stream);
  for (const part of parts) stream.write(part);
  stream.end();
  await ended;
  return out;
}

function compressInOneCall(data: Uint8Array, options = {}): Buffer {
  const c = new Compressor(options);
  const out = Buffer.concat([c.update(data), c.end()]);
  c.close();
  return out;
}

const data = mixedBytes(6 * MiB, 61);

// Runs `body` with every Decompressor.updateSomeAsync call (the one native call a decompression
// stream makes per job) reported to `onJob` with its input, and `onSettled` when it settles.
async function watchingJobs(
  onJob: (chunk: Uint8Array) => void,
  onSettled: () => void,
  body: () => Promise<void>,
): Promise<void> {
  const original = Decompressor.prototype.updateSomeAsync;
  Decompressor.prototype.updateSomeAsync = function (this: Decompressor, chunk: Uint8Array, budget: number) {
    onJob(chunk);
    return original.call(this, chunk, budget).finally(onSettled);
  };
  try {
    await body();
  } finally {
    Decompressor.prototype.updateSomeAsync = original;
  }
}

test('queued writes batched into one job: independent blocks byte for byte as one update per write', async () => {
  for (const options of [{ blockLinked: false }, { blockLinked: false, blockChecksum: true, level: 3 }]) {
    const stream = createCompressStream(options);
    const out = await throughStream(stream, slices(data, 64 * KiB));
    const unbatched = new Compressor(options);
    const expected = Buffer.concat([...slices(data, 64 * KiB).map((s) => unbatched.update(s)), unbatched.end()]);
    unbatched.close();
    expect(Buffer.concat(out).equals(expected)).toBe(true);
    expect(stream.bytesWritten).toBe(data.length);
    // Batched: far fewer outputs than writes.
    expect(out.length).toBeLessThan(slices(data, 64 * KiB).length / 4);
  }
});

test('queued writes batched: linked-block frames (whose bytes depend on call boundaries) decode back', async () => {
  for (const options of [{}, { blockSize: 262144, level: 3 }]) {
    const stream = createCompressStream(options);
    const out = await throughStream(stream, slices(data, 64 * KiB));
    expect(decompressSync(Buffer.concat(out)).equals(data)).toBe(true);
    expect(stream.bytesWritten).toBe(data.length);
  }
});

test('a flush between queued writes keeps its place in the batch', async () => {
  const stream = createCompressStream();
  const { out, ended } = collect(stream);
  const parts = slices(data.subarray(0, 1 * MiB), 100 * KiB);
  for (const part of parts.slice(0, 5)) stream.write(part);
  stream.flush();
  for (const part of parts.slice(5)) stream.write(part);
  stream.end();
  await ended;
  const c = new Compressor();
  const expected = Buffer.concat([
    c.update(data.subarray(0, 500 * KiB)),
    c.flush(),
    c.update(data.subarray(500 * KiB, 1 * MiB)),
    c.end(),
  ]);
  c.close();
  expect(Buffer.concat(out).equals(expected)).toBe(true);
});

// Writes as a well-behaved producer makes them: until write() says to wait, then after 'drain'.
// Batches then stay near the high-water mark and follow one another, each joined into the buffer
// the stream reuses; `sizes` cycles so consecutive batches differ in size and in layout.
async function throughStreamWithBackpressure(stream: AnyStream, bytes: Uint8Array, sizes: number[]) {
  const { out, ended } = collect(stream);
  let writes = 0;
  for (let at = 0; at < bytes.length; writes++) {
    const part = bytes.subarray(at, at + sizes[writes % sizes.length]);
    at += part.length;
    if (!stream.write(part)) await once(stream, 'drain');
  }
  stream.end();
  await ended;
  return { out, writes };
}

test('batches joined one after another into a reused buffer: every byte as written, in order', async () => {
  const sizes = [64 * KiB, 3 * KiB, 200 * KiB, 17, 96 * KiB + 5, 1 * KiB];
  const independent = { blockLinked: false };
  const compressed = await throughStreamWithBackpressure(createCompressStream(independent), data, sizes);
  // Independent blocks do not depend on call boundaries: the frame must be exactly one update's.
  expect(Buffer.concat(compressed.out).equals(compressInOneCall(data, independent))).toBe(true);
  expect(compressed.out.length).toBeLessThan(compressed.writes / 4);

  const linked = compressInOneCall(data);
  const decompressed = await throughStreamWithBackpressure(createDecompressStream(), linked, sizes);
  expect(Buffer.concat(decompressed.out).equals(data)).toBe(true);
});

test('runs of writes split by flushes in one batch, each shorter than the last, keep their own bytes', async () => {
  const stream = createCompressStream({ blockLinked: false });
  const { out, ended } = collect(stream);
  const plain = data.subarray(0, 1 * MiB);
  // The first write starts a job; the rest queue behind it as one batch of three runs.
  const cuts = [0, 10 * KiB, 410 * KiB, 710 * KiB, 1 * MiB];
  const runs = cuts.slice(1).map((end, i) => slices(plain.subarray(cuts[i], end), 50 * KiB));
  for (const [i, run] of runs.entries()) {
    for (const part of run) stream.write(part);
    if (i > 0 && i < runs.length - 1) stream.flush();
  }
  stream.end();
  await ended;
  const c = new Compressor({ blockLinked: false });
  const expected = Buffer.concat([
    c.update(plain.subarray(0, cuts[2])),
    c.flush(),
    c.update(plain.subarray(cuts[2], cuts[3])),
    c.flush(),
    c.update(plain.subarray(cuts[3])),
    c.end(),
  ]);
  c.close();
  expect(Buffer.concat(out).equals(expected)).toBe(true);
});

test('a batch is decoded in budgeted calls: same output, bounded output chunks, every input byte counted', async () => {
  for (const plain of [data, compressibleBytes(24 * MiB, 62)]) {
    const packed = compressInOneCall(plain);
    const stream = createDecompressStream();
    const out = await throughStream(stream, slices(packed, 64 * KiB));
    expect(Buffer.concat(out).equals(plain)).toBe(true);
    expect(stream.bytesWritten).toBe(packed.length);
    // 1 MiB budget plus what one 64 KiB piece decodes to (at most 255 times it).
    for (const chunk of out) expect(chunk.length).toBeLessThanOrEqual(1 * MiB + 255 * 64 * KiB);
    expect(out.length).toBeGreaterThan(plain.length / (32 * MiB));
  }
});

test('a corrupt block inside a batch: the blocks before it come out, then the coded error', async () => {
  const plain = data.subarray(0, 3 * MiB);
  const packed = compressInOneCall(plain, { blockChecksum: true });
  const layout = frameLayout(packed);
  const bad = layout.blocks[40];
  const corrupt = flipped(packed, bad.offset + 4 + 10);
  const stream = createDecompressStream();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const failed = once(stream, 'error');
  for (const part of slices(corrupt, 64 * KiB)) stream.write(part);
  stream.end();
  const [error] = (await failed) as [Error & { code: string }];
  expect(error.code).toBe('ERR_LZ4F_BLOCKCHECKSUM_INVALID');
  const emitted = Buffer.concat(out);
  // Everything up to the 64 KiB piece holding the bad block (at least the whole blocks before
  // that piece), and only bytes of the input.
  expect(emitted.length).toBeGreaterThanOrEqual(40 * 64 * KiB - 128 * KiB);
  expect(emitted.length).toBeLessThanOrEqual(40 * 64 * KiB);
  expect(emitted.equals(plain.subarray(0, emitted.length))).toBe(true);
});

test('a corrupt last block of a batch that ends the stream: the coded error still comes, at end()', async () => {
  const plain = data.subarray(0, MiB);
  const packed = compressInOneCall(plain, { blockChecksum: true });
  const layout = frameLayout(packed);
  const last = layout.blocks[layout.blocks.length - 1];
  const corrupt = flipped(packed, last.offset + 4 + 10);
  const d = new Decompressor();
  // One budgeted call takes the whole input: its output comes out, the failure waits.
  const out = Buffer.concat(await d.updateSomeAsync(corrupt, 64 * MiB));
  expect(out.equals(plain.subarray(0, out.length))).toBe(true);
  expect(() => d.end()).toThrow(expect.objectContaining({ code: 'ERR_LZ4F_BLOCKCHECKSUM_INVALID' }));
  d.close();
  // And through a stream, written in one piece.
  const stream = createDecompressStream();
  stream.resume();
  const failed = once(stream, 'error');
  stream.end(corrupt);
  const [error] = (await failed) as [Error & { code: string }];
  expect(error.code).toBe('ERR_LZ4F_BLOCKCHECKSUM_INVALID');
});

test('large outputs (4 MiB blocks, very compressible, 64 KiB updates) are whole and exact', async () => {
  const plain = compressibleBytes(12 * MiB, 63);
  const packed = compressInOneCall(plain, { blockSize: 4194304 });
  const d = new Decompressor();
  const outputs = slices(packed, 64 * KiB).map((part) => d.update(part));
  d.end();
  expect(Buffer.concat(outputs).equals(plain)).toBe(true);
  d.close();
});

test('checkpoint and clone mid-stream still work after update() calls', async () => {
  const packed = compressInOneCall(data);
  const d = new Decompressor();
  const parts = slices(packed, 64 * KiB);
  const head = Buffer.concat(parts.slice(0, 10).map((p) => d.update(p)));
  const checkpoint = d.checkpoint();
  const clone = d.clone();
  const restored = Decompressor.restore(checkpoint);
  for (const decoder of [d, clone, restored]) {
    const tail = Buffer.concat(parts.slice(10).map((p) => decoder.update(p)));
    decoder.end();
    expect(Buffer.concat([head, tail]).equals(data)).toBe(true);
    decoder.close();
  }
});

// Decodes `packed` with budgeted calls: every output in order, the number of outputs each call
// gave, and where a failure stopped it.
async function budgetedCalls(packed: Uint8Array, budget: number, callInput = 960 * KiB) {
  const d = new Decompressor();
  const outputs: Buffer[] = [];
  const perCall: number[] = [];
  let failure: (Error & { code?: string }) | undefined;
  try {
    for (let pos = 0; pos < packed.length;) {
      const before = d.inputOffset;
      const some = await d.updateSomeAsync(packed.subarray(pos, pos + callInput), budget);
      outputs.push(...some);
      perCall.push(some.length);
      pos += d.inputOffset - before;
    }
    d.end();
  } catch (error) {
    failure = error as Error & { code?: string };
  }
  d.close();
  return { outputs, perCall, failure };
}

test('one job decodes several budgeted outputs and settles with all of them, in order', async () => {
  const packed = compressInOneCall(data);
  for (const budget of [256 * KiB, MiB]) {
    // Calls of 2 MiB of input: about 6 MiB of output each, more than four budgets.
    const { outputs, perCall, failure } = await budgetedCalls(packed, budget, 2 * MiB);
    expect(failure).toBeUndefined();
    expect(Buffer.concat(outputs).equals(data)).toBe(true);
    // Up to four outputs per job, each within its budget plus one 64 KiB piece's worth.
    expect(Math.max(...perCall)).toBe(4);
    for (const out of outputs) expect(out.length).toBeLessThanOrEqual(budget + 255 * 64 * KiB);
    expect(perCall.length).toBeLessThanOrEqual(outputs.length / 2);
  }
});

test('a corrupt block in a later output of a job: the outputs before it, then the error at the next call', async () => {
  const packed = compressInOneCall(data, { blockChecksum: true });
  const layout = frameLayout(packed);
  // Blocks of 64 KiB, jobs of up to four 1 MiB outputs: the bad block falls in every place of a
  // job's later outputs, at the first piece of one (nothing of it decoded) or further in.
  let failedAtAnOutputStart = 0;
  for (let bad = 30; bad <= 60; bad++) {
    const corrupt = flipped(packed, layout.blocks[bad].offset + 4 + 10);
    const { outputs, perCall, failure } = await budgetedCalls(corrupt, MiB);
    expect(failure?.code).toBe('ERR_LZ4F_BLOCKCHECKSUM_INVALID');
    const emitted = Buffer.concat(outputs);
    expect(emitted.equals(data.subarray(0, emitted.length))).toBe(true);
    // Everything before the 64 KiB piece of input holding the bad block (a few blocks of output
    // at this data's ratio), and never the bad block.
    expect(emitted.length).toBeGreaterThanOrEqual(bad * 64 * KiB - 6 * 64 * KiB);
    expect(emitted.length).toBeLessThanOrEqual(bad * 64 * KiB);
    // A job that met it at the start of a later output settled with the outputs before, the
    // failing one empty; the error came from the next call.
    const lastJob = outputs.slice(-perCall[perCall.length - 1]);
    if (lastJob.length > 1 && lastJob[lastJob.length - 1].length === 0) failedAtAnOutputStart++;
  }
  expect(failedAtAnOutputStart).toBeGreaterThan(0);
});

test('a budgeted call checks its budget: anything but a positive number is a RangeError', async () => {
  const d = new Decompressor();
  const packed = compressInOneCall(data);
  for (const budget of [0, -1, Number.NaN, '1' as unknown as number]) {
    // Thrown by the addon, whose RangeError is not this realm's (jest): checked by name.
    await expect(d.updateSomeAsync(packed, budget)).rejects.toMatchObject({
      name: 'RangeError',
      message: 'outputBudget must be positive',
    });
  }
  // Nothing was consumed: the whole input still decodes.
  expect(Buffer.concat(await d.updateSomeAsync(packed, 64 * MiB)).equals(data)).toBe(true);
  d.end();
  d.close();
});

test("writes a 'drain' handler makes reach the decoder together, not the first one alone", async () => {
  const packed = compressInOneCall(data);
  const callInputs: number[] = [];
  await watchingJobs(
    (chunk) => callInputs.push(chunk.length),
    () => undefined,
    async () => {
      const stream = createDecompressStream();
      const { out, ended } = collect(stream);
      const parts = slices(packed, 64 * KiB);
      let next = 0;
      const write = () => {
        while (next < parts.length) if (!stream.write(parts[next++])) return void stream.once('drain', write);
        stream.end();
      };
      write();
      await ended;
      expect(Buffer.concat(out).equals(data)).toBe(true);
      // Only the very first write goes alone; after each 'drain' the writes queue up together.
      expect(callInputs.filter((length) => length === 64 * KiB).length).toBeLessThanOrEqual(1);
    },
  );
});

test("a stream destroyed while it pushes a job's outputs: no more data, no error, nothing unhandled", async () => {
  const packed = compressInOneCall(data);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const stream = createDecompressStream();
    let outputs = 0;
    stream.on('data', () => {
      outputs++;
      stream.destroy();
    });
    const errors: Error[] = [];
    stream.on('error', (error) => errors.push(error));
    stream.end(packed);
    await once(stream, 'close');
    // Long enough for the job in flight to settle.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(outputs).toBe(1);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a consumer that does not read holds the stream to about one job of output', async () => {
  const packed = compressInOneCall(data);
  const stream = createDecompressStream();
  stream.end(packed);
  await new Promise((resolve) => setTimeout(resolve, 300));
  // One output pushed past the readable high-water mark; the job's other outputs wait unpushed
  // and the input after that job is not touched.
  expect(stream.readableLength).toBeLessThanOrEqual(2 * MiB);
  expect(stream.bytesWritten).toBeLessThanOrEqual(2 * MiB);
  expect(stream.bytesWritten).toBeLessThan(packed.length);
  const { out, ended } = collect(stream);
  await ended;
  expect(Buffer.concat(out).equals(data)).toBe(true);
});

test('outputs of a job pushed while the consumer is paused keep their order', async () => {
  const packed = compressInOneCall(data);
  const stream = createDecompressStream();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => {
    out.push(chunk);
    // Paused at the first output (read in flowing mode): that job's outputs after its first
    // wait in line until the consumer resumes.
    if (out.length === 1) {
      stream.pause();
      setTimeout(() => stream.resume(), 100);
    }
  });
  const ended = once(stream, 'end');
  stream.end(packed);
  await ended;
  expect(out.length).toBeGreaterThan(4);
  expect(Buffer.concat(out).equals(data)).toBe(true);
});

// Writes are taken in ahead: copied and acknowledged while the job before them runs, so a writer
// may reuse its buffer as soon as its callback comes, even though decoding has not reached it.
test('a writer that refills one buffer as soon as each write is acknowledged gets exact output', async () => {
  const packed = compressInOneCall(data);
  const independent = { blockLinked: false };
  for (const [stream, input, expected] of [
    [createDecompressStream(), packed, data],
    [createCompressStream(independent), data, compressInOneCall(data, independent)],
  ] as const) {
    const { out, ended } = collect(stream);
    // Small writes are copied; writes of 1 MiB (not copied) are acknowledged once consumed.
    const half = Math.floor(input.length / 2);
    for (const [part, size] of [
      [input.subarray(0, half), 64 * KiB],
      [input.subarray(half), 1 * MiB],
    ] as const) {
      const slot = Buffer.alloc(size);
      for (const piece of slices(part, size)) {
        slot.set(piece);
        await new Promise<void>((resolve, reject) =>
          stream.write(slot.subarray(0, piece.length), (error) => (error ? reject(error) : resolve())),
        );
        slot.fill(0x5a);
      }
    }
    stream.end();
    await ended;
    expect(Buffer.concat(out).equals(expected)).toBe(true);
  }
});

test('writes are acknowledged while the job before them runs, at most about 2 MiB ahead of it', async () => {
  const packed = compressInOneCall(data);
  let jobs = 0;
  await watchingJobs(
    () => jobs++,
    () => jobs--,
    async () => {
      const stream = createDecompressStream();
      const { out, ended } = collect(stream);
      let acknowledged = 0;
      let duringJobs = 0;
      let ahead = 0;
      const parts = slices(packed, 64 * KiB);
      for (const part of parts) {
        const more = stream.write(part, () => {
          acknowledged += part.length;
          if (jobs > 0) duringJobs++;
          ahead = Math.max(ahead, acknowledged - stream.bytesWritten);
        });
        if (!more) await once(stream, 'drain');
      }
      stream.end();
      await ended;
      expect(Buffer.concat(out).equals(data)).toBe(true);
      expect(duringJobs).toBeGreaterThan(parts.length / 2);
      // The copy a job decodes (up to 1 MiB and the write that filled it) and the one filling.
      expect(ahead).toBeGreaterThan(0);
      expect(ahead).toBeLessThanOrEqual(2 * MiB + 128 * KiB);
    },
  );
});
