// Node Transform streams, like zlib.createGzip(): the work runs on the libuv threadpool, one job
// at a time per stream, so the event loop stays free while gigabytes stream through.
import { addAbortSignal, Transform, TransformCallback } from 'stream';
import { checkSignal } from './abort';
import { CompressCodec, DecompressCodec, StreamCodec } from './codec';
import { CompressorOptions, DecompressOptions } from './options';
import { splitOptions } from './stream-options';

/** Options of the Node stream classes besides the codec options. */
export interface StreamOptions {
  /** Destroys the stream with an AbortError (code 'ABORT_ERR') and frees its context. */
  signal?: AbortSignal;
}

/** Options of `CompressStream` / `createCompressStream`. */
export type CompressStreamOptions = CompressorOptions & StreamOptions;
/** Options of `DecompressStream` / `createDecompressStream`. */
export type DecompressStreamOptions = DecompressOptions & StreamOptions;

// A zero-length write that this identity marks as a flush request, so it keeps its place in the
// write queue (zlib does the same).
const FLUSH_MARK = Buffer.alloc(0);

// Writes are taken in ahead of the job that decodes (or compresses) them: while a job runs, what
// is written is copied into the stream's own buffer and acknowledged at once, until this many
// bytes wait there, so that the next job starts the moment one ends, with everything written
// meanwhile already joined (a 64 KiB-write decompression Transform: the copy and the writer's turn
// were a fifth of a millisecond between jobs, bench/transform-jobs.js). Writes of this size or
// more are not copied: they are acknowledged once their output is pushed, as Node's zlib does.
// The Writable side's high-water mark is the same: writes up to it return true while they are
// being acknowledged at once. A stream holds at most two such buffers of input (the one a job
// reads and the one filling) besides what waits in the Writable's own queue.
const AHEAD_BYTES = 1 << 20;

interface QueuedWrite {
  chunk: unknown;
}

// Input not yet handed to a job, in order: a copy of consecutive writes (open for more until a
// job takes it), a large write as it is, a flush mark, or the end of the input.
interface Pending {
  bytes?: Buffer;
  length: number;
  copied: boolean;
  taken: boolean;
  mark?: typeof FLUSH_MARK | 'end';
  // Acknowledges the write that filled this copy past AHEAD_BYTES, when a job takes it.
  ackOnTake?: () => void;
  // Called once this input's output is pushed (or with its error).
  done?: (error?: Error | null) => void;
}

abstract class CodecTransform<C extends StreamCodec<{ close(): void }>> extends Transform {
  /** @internal */
  protected readonly codec: C;
  // Set while output waits for the consumer: one chunk written can expand to many slices of
  // output, and each next slice waits until the previous output is being read.
  #resumeOutput: (() => void) | undefined;
  #pending: Pending[] = [];
  #pumping = false;
  // A copy buffer a finished job gave back, for the next copy: a fresh 2 MiB per batch cost more
  // in page faults than the copy itself. Reuse is safe because the native contexts keep no
  // pointer into their input after a call (they copy what they hold back).
  #spare: Buffer | undefined;

  protected constructor(codec: C, signal: AbortSignal | undefined) {
    super({ writableHighWaterMark: AHEAD_BYTES });
    this.codec = codec;
    // After the codec exists: an aborted signal destroys the stream at once, closing it.
    if (signal) addAbortSignal(signal, this);
  }

  /** Input bytes consumed so far (as zlib streams' `bytesWritten`). */
  get bytesWritten(): number {
    return this.codec.bytesIn;
  }

  /** @internal */
  protected outputOf(chunk: unknown): AsyncGenerator<Buffer, void, undefined> {
    return this.codec.transform(chunk);
  }

  /** @internal */
  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#acknowledge(this.#accept(chunk), callback);
    this.#pump();
  }

  // Writes the Writable queued (while a write waited, or corked): all taken in before a job may
  // take them, so they stay together; the callback answers for all of them, so it waits for any
  // that were not copied.
  /** @internal */
  override _writev(writes: QueuedWrite[], callback: (error?: Error | null) => void): void {
    let last: Pending | undefined;
    let allCopied = true;
    for (const { chunk } of writes) {
      last = this.#accept(chunk);
      allCopied &&= last.copied;
    }
    if (last === undefined) callback();
    else if (allCopied) this.#acknowledge(last, callback);
    else last.done = callback;
    this.#pump();
  }

  /** @internal */
  override _flush(callback: TransformCallback): void {
    this.#pending.push({ length: 0, copied: false, taken: false, mark: 'end', done: callback });
    this.#pump();
  }

  // Queues `chunk`: appended to the copy a job has not taken yet, in a new copy, or as it is.
  #accept(chunk: unknown): Pending {
    let entry: Pending;
    if (chunk === FLUSH_MARK) {
      entry = { length: 0, copied: false, taken: false, mark: FLUSH_MARK };
      this.#pending.push(entry);
    } else {
      const bytes = chunk as Buffer;
      const open = this.#pending.at(-1);
      if (bytes.length >= AHEAD_BYTES) {
        entry = { bytes, length: bytes.length, copied: false, taken: false };
        this.#pending.push(entry);
      } else {
        if (open?.copied && !open.taken) {
          entry = open;
        } else {
          entry = { bytes: this.#spare, length: 0, copied: true, taken: false };
          this.#spare = undefined;
          this.#pending.push(entry);
        }
        this.#copyInto(entry, bytes);
      }
    }
    return entry;
  }

  // Appends `bytes` to the copy, growing it (doubling, from a quarter of AHEAD_BYTES) as needed:
  // a short stream never allocates for more than it is given.
  #copyInto(entry: Pending, bytes: Buffer): void {
    const needed = entry.length + bytes.length;
    if (entry.bytes === undefined || entry.bytes.length < needed) {
      let capacity = Math.max(entry.bytes?.length ?? 0, AHEAD_BYTES / 4);
      while (capacity < needed) capacity *= 2;
      const grown = Buffer.allocUnsafeSlow(capacity);
      if (entry.bytes !== undefined) grown.set(entry.bytes.subarray(0, entry.length));
      entry.bytes = grown;
    }
    entry.bytes.set(bytes, entry.length);
    entry.length = needed;
  }

  // A copied write is acknowledged at once while its copy is below AHEAD_BYTES, else when a job
  // takes the copy; any other input once its output is out.
  #acknowledge(entry: Pending, callback: (error?: Error | null) => void): void {
    if (!entry.copied) entry.done = callback;
    else if (entry.taken || entry.length < AHEAD_BYTES) callback();
    else entry.ackOnTake = () => callback();
  }

  // Hands the pending input to the codec in order, one entry at a time, and pushes each output
  // as it comes. Once the stream is destroyed, what is still in flight is dropped: its output
  // would only feed a stream that no longer exists.
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const run = async (): Promise<void> => {
      for (;;) {
        const entry = this.#pending[0];
        if (entry === undefined || this.destroyed) {
          this.#pumping = false;
          return;
        }
        entry.taken = true;
        const ack = entry.ackOnTake;
        entry.ackOnTake = undefined;
        const outputs =
          entry.mark === 'end'
            ? this.codec.finish()
            : this.outputOf(entry.mark ?? entry.bytes!.subarray(0, entry.length));
        // The first job starts before the writer is told to go on: its next writes (copied into
        // the next buffer, or queued in the Writable and copied now) then overlap this job.
        let next = outputs.next();
        ack?.();
        try {
          for (let result = await next; !result.done; result = await next) {
            if (!this.destroyed && !this.push(result.value)) {
              await new Promise<void>((resolve) => (this.#resumeOutput = resolve));
            }
            if (this.destroyed) {
              // Left early: the codec's generator ends too, as a for-await would end it.
              void outputs.return(undefined).catch(() => undefined);
              return;
            }
            next = outputs.next();
          }
        } catch (error) {
          if (this.destroyed) return;
          if (entry.done) entry.done(error as Error);
          else this.destroy(error as Error);
          return;
        }
        this.#pending.shift();
        // Kept for the next copy unless a corked batch made it larger than copies grow.
        if (entry.copied && entry.bytes!.length <= 2 * AHEAD_BYTES) this.#spare = entry.bytes;
        entry.done?.();
      }
    };
    void run();
  }

  /** @internal */
  override _read(size: number): void {
    this.#wake();
    super._read(size);
  }

  /** @internal */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.codec.close();
    this.#pending = [];
    this.#spare = undefined;
    this.#wake();
    callback(error);
  }

  #wake(): void {
    const resume = this.#resumeOutput;
    this.#resumeOutput = undefined;
    resume?.();
  }
}

/** Compresses what is written into one LZ4 frame. */
export class CompressStream extends CodecTransform<CompressCodec> {
  constructor(options?: CompressStreamOptions) {
    const { own, codec } = splitOptions(options, ['signal']);
    const signal = checkSignal(own.signal);
    super(new CompressCodec(codec), signal);
  }

  /**
   * Emits everything written so far as complete blocks (a block boundary), after the writes
   * before it; `callback` runs once that output is pushed.
   */
  flush(callback?: () => void): void {
    if (this.writableEnded) {
      if (callback) process.nextTick(callback);
      return;
    }
    this.write(FLUSH_MARK, callback === undefined ? undefined : () => callback());
  }

  /** @internal */
  protected override outputOf(chunk: unknown): AsyncGenerator<Buffer, void, undefined> {
    return chunk === FLUSH_MARK ? this.codec.flush() : this.codec.transform(chunk as Buffer);
  }
}

/** Decompresses an LZ4 stream: concatenated frames, skippable frames skipped. */
export class DecompressStream extends CodecTransform<DecompressCodec> {
  constructor(options?: DecompressStreamOptions) {
    const { own, codec } = splitOptions(options, ['signal']);
    const signal = checkSignal(own.signal);
    super(new DecompressCodec(codec), signal);
  }
}

/** `new CompressStream(options)`, named like `zlib.createGzip()`. */
export function createCompressStream(options?: CompressStreamOptions): CompressStream {
  return new CompressStream(options);
}

/** `new DecompressStream(options)`, named like `zlib.createGunzip()`. */
export function createDecompressStream(options?: DecompressStreamOptions): DecompressStream {
  return new DecompressStream(options);
}
