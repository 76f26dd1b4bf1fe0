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

// Writes queue up to this many bytes while a job runs (Node's default is 16 KiB), so that
// `_writev` hands them to the next job together: 64 KiB writes then cost one threadpool round
// trip per megabyte instead of one each. The memory a stream holds grows by as much.
const WRITABLE_HIGH_WATER_MARK = 1 << 20;

interface QueuedWrite {
  chunk: unknown;
}

abstract class CodecTransform<C extends StreamCodec<{ close(): void }>> extends Transform {
  /** @internal */
  protected readonly codec: C;
  // Set while output waits for the consumer: one chunk written can expand to many slices of
  // output, and each next slice waits until the previous output is being read.
  #resumeOutput: (() => void) | undefined;
  #joinBuffer: Buffer | undefined;

  protected constructor(codec: C, signal: AbortSignal | undefined) {
    super({ writableHighWaterMark: WRITABLE_HIGH_WATER_MARK });
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
  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#drive(
      () => this.outputOf(chunk),
      (error?: Error | null) => {
        // The writer's next writes (a 'drain' handler's loop) queue up until the next tick and
        // reach _writev as one batch, instead of the first of them making a job of its own.
        if (!error && !this.writableEnded) {
          this.cork();
          process.nextTick(() => this.uncork());
        }
        callback(error);
      },
    );
  }

  // Writes queued while a job ran are joined into one chunk: many small writes cost one
  // threadpool job instead of one each. Flush marks split the batch, keeping their place.
  /** @internal */
  override _writev(writes: QueuedWrite[], callback: (error?: Error | null) => void): void {
    const batches: Buffer[][] = [];
    let run: Buffer[] = [];
    for (const { chunk } of writes) {
      if (chunk === FLUSH_MARK) {
        if (run.length > 0) batches.push(run);
        batches.push([FLUSH_MARK]);
        run = [];
      } else {
        run.push(chunk as Buffer);
      }
    }
    if (run.length > 0) batches.push(run);
    // Each batch is joined only when its turn comes: they share the join buffer.
    const next = (index: number): void => {
      if (index === batches.length) callback();
      else
        this._write(this.#join(batches[index]), 'buffer' as BufferEncoding, (error?: Error | null) =>
          error ? callback(error) : next(index + 1),
        );
    };
    next(0);
  }

  // The chunks of a batch as one. The stream keeps the buffer it joins into and reuses it for the
  // next batch: a fresh megabyte per batch cost more in page faults than the copy itself (a
  // 64 KiB-write decompression Transform, bench/ab.js --ops transform). Reuse is safe because a
  // batch is consumed whole before its callback lets the next one in, and the native contexts keep
  // no pointer into their input after a call (they copy what they hold back).
  #join(chunks: Buffer[]): Buffer {
    if (chunks.length === 1) return chunks[0];
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    let target = this.#joinBuffer;
    if (target === undefined || target.length < total) {
      target = Buffer.allocUnsafeSlow(total);
      // A batch far above the high-water mark (one huge write among small ones) is not kept.
      if (total <= 2 * WRITABLE_HIGH_WATER_MARK) this.#joinBuffer = target;
    }
    let at = 0;
    for (const chunk of chunks) {
      target.set(chunk, at);
      at += chunk.length;
    }
    return target.subarray(0, total);
  }

  /** @internal */
  override _flush(callback: TransformCallback): void {
    this.#drive(() => this.codec.finish(), callback);
  }

  /** @internal */
  override _read(size: number): void {
    this.#wake();
    super._read(size);
  }

  /** @internal */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.codec.close();
    this.#joinBuffer = undefined;
    this.#wake();
    callback(error);
  }

  #wake(): void {
    const resume = this.#resumeOutput;
    this.#resumeOutput = undefined;
    resume?.();
  }

  // Pushes each output as it comes. Once the stream is destroyed, what is still in flight is
  // dropped: the callback would only feed a stream that no longer exists.
  #drive(outputs: () => AsyncGenerator<Buffer, void, undefined>, callback: TransformCallback): void {
    const run = async () => {
      for await (const out of outputs()) {
        if (this.destroyed) return;
        if (!this.push(out)) await new Promise<void>((resolve) => (this.#resumeOutput = resolve));
        if (this.destroyed) return;
      }
      if (!this.destroyed) callback();
    };
    run().catch((error: Error) => {
      if (!this.destroyed) callback(error);
    });
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
