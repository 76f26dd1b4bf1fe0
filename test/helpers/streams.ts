// Small tools for the streaming tests: sources that count what they hand out, sinks that collect.
import { Readable, Writable } from 'stream';

/** All chunks of an async iterable, joined. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(parts);
}

/** A Writable that keeps everything written; `data()` joins it. */
export function collector(): Writable & { data(): Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return Object.assign(sink, { data: () => Buffer.concat(parts) });
}

/** A byte Readable over `parts`, one chunk each, read on demand. */
export function readableOf(parts: readonly Uint8Array[]): Readable {
  return Readable.from(parts, { objectMode: false });
}

/** A promise of the next `setImmediate` turn, `times` times over: lets threadpool jobs settle. */
export async function turns(times: number): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Counts event-loop turns (setImmediate) until stopped: a loop blocked by synchronous work turns
 * only a few times, one that waits for threadpool jobs turns many times.
 */
export function loopTurnCounter(): { stop(): number } {
  let count = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    count++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return count;
    },
  };
}

/**
 * A `length`-byte input built fast from rotated copies of `base` (generating megabytes byte by
 * byte is slow). Copies start at different offsets, so block boundaries fall on different bytes.
 */
export function tiled(base: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let pos = 0, copy = 0; pos < length; copy++) {
    const shift = (copy * 7919) % base.length;
    pos += base.copy(out, pos, shift);
    if (pos < length) pos += base.copy(out, pos, 0, shift);
  }
  return out;
}

/**
 * Spies on `prototype.close()`, calling through; `closed` resolves at the first call. A test that
 * awaits it knows the context was freed, and no late close() of one test lands in the next.
 */
export function watchClose<T extends { close(): void }>(
  prototype: T,
): { spy: jest.SpiedFunction<() => void>; closed: Promise<void> } {
  const original = prototype.close;
  const spy = jest.spyOn(prototype as { close(): void }, 'close');
  const closed = new Promise<void>((resolve) => {
    spy.mockImplementation(function (this: T) {
      try {
        original.call(this);
      } finally {
        resolve();
      }
    });
  });
  return { spy, closed };
}
