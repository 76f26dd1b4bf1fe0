// What every streaming front-end (Node Transform, async iterable, Web Stream, files) shares:
// one native context driven by one threadpool job at a time, large chunks cut into slices so a
// single call never allocates much, and a context closed as soon as it is idle once closing was
// asked for (a busy context refuses close() with ERR_LZ4_BUSY).
import { abortable } from './abort';
import { Compressor } from './compressor';
import { Decompressor } from './decompressor';
import { BinaryInput, toBytes } from './input';
import { CompressorOptions, DecompressOptions } from './options';

// One compression call handles at most this much input: its scratch buffer stays near one
// block plus this, whatever chunk sizes the caller writes.
const COMPRESS_SLICE = 1 << 20;
// One decompression call stops once its output reaches this, at the end of a 64 KiB piece of
// input: its output stays below this plus 255 times a piece even for the most compressible data
// (typically a few hundred KiB more), however much input a batch of writes hands over.
const DECOMPRESS_OUTPUT_BUDGET = 1 << 20;

interface Context {
  close(): void;
}

export abstract class StreamCodec<C extends Context> {
  protected readonly context: C;
  readonly #signal: AbortSignal | undefined;
  #inFlight = false;
  #closeWhenIdle = false;
  #closed = false;
  #bytesIn = 0;

  /** `signal`: a job in flight is given up (AbortError) when it fires, and the context closed. */
  protected constructor(context: C, signal?: AbortSignal) {
    this.context = context;
    this.#signal = signal;
  }

  /** Input bytes handed to the context so far. */
  get bytesIn(): number {
    return this.#bytesIn;
  }

  /** The output of `chunk`, slice by slice. */
  abstract transform(chunk: unknown): AsyncGenerator<Buffer, void, undefined>;

  /** The output that ends the stream; then frees the context. */
  abstract finish(): AsyncGenerator<Buffer, void, undefined>;

  /** Frees the native context now, or when the job in flight settles. Idempotent. */
  close(): void {
    if (this.#inFlight) this.#closeWhenIdle = true;
    else this.#closeNow();
  }

  protected async *slices(
    bytes: Uint8Array,
    size: number,
    step: (slice: Uint8Array) => Promise<Buffer>,
  ): AsyncGenerator<Buffer, void, undefined> {
    for (let pos = 0; pos < bytes.length; pos += size) {
      const slice = bytes.subarray(pos, pos + size);
      const out = await this.job(() => step(slice));
      this.consumed(slice.length);
      if (out.length > 0) yield out;
    }
  }

  protected consumed(bytes: number): void {
    this.#bytesIn += bytes;
  }

  protected async job<T>(start: () => Promise<T>): Promise<T> {
    // In flight from before the call: whatever runs during it (an abort) must not close the context.
    this.#inFlight = true;
    let pending: Promise<T>;
    try {
      pending = start();
    } catch (error) {
      this.#idle();
      throw error;
    }
    const settled = pending.finally(() => this.#idle());
    try {
      return await abortable(settled, this.#signal);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  #idle(): void {
    this.#inFlight = false;
    if (this.#closeWhenIdle) this.#closeNow();
  }

  #closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.context.close();
  }
}

export class CompressCodec extends StreamCodec<Compressor> {
  constructor(options: CompressorOptions | undefined, signal?: AbortSignal) {
    super(new Compressor(options), signal);
  }

  transform(chunk: BinaryInput | string): AsyncGenerator<Buffer, void, undefined> {
    return this.slices(toBytes(chunk, 'chunk', true), COMPRESS_SLICE, (slice) => this.context.updateAsync(slice));
  }

  /** Everything buffered, as complete blocks (a block boundary). */
  async *flush(): AsyncGenerator<Buffer, void, undefined> {
    const out = await this.job(() => this.context.flushAsync());
    if (out.length > 0) yield out;
  }

  async *finish(): AsyncGenerator<Buffer, void, undefined> {
    const out = await this.job(() => this.context.endAsync());
    this.close();
    yield out;
  }
}

export class DecompressCodec extends StreamCodec<Decompressor> {
  constructor(options: DecompressOptions | undefined, signal?: AbortSignal) {
    super(new Decompressor(options), signal);
  }

  async *transform(chunk: BinaryInput): AsyncGenerator<Buffer, void, undefined> {
    const bytes = toBytes(chunk, 'chunk');
    // Each call takes what it can of the rest; every call consumes at least one piece or throws.
    // A failure after a call's first output waits for the next call, so that output goes out first.
    for (let pos = 0; pos < bytes.length;) {
      const before = this.context.inputOffset;
      const rest = bytes.subarray(pos);
      const outputs = await this.job(() => this.context.updateSomeAsync(rest, DECOMPRESS_OUTPUT_BUDGET));
      const used = this.context.inputOffset - before;
      pos += used;
      this.consumed(used);
      for (const out of outputs) if (out.length > 0) yield out;
    }
  }

  /** Throws Lz4FramedNoDataError when the input stopped inside a frame. */
  async *finish(): AsyncGenerator<Buffer, void, undefined> {
    try {
      this.context.end();
    } finally {
      this.close();
    }
  }
}
