import { binding, NativeCheckpointInfo, NativeDecompressor } from './binding';
import './errors';
import { FrameInfo } from './frame-info';
import { BinaryInput, describe, heldByJob, toBytes } from './input';
import { DecompressOptions, decompressOptions } from './options';

/** Options of `Decompressor.checkpoint`. */
export interface CheckpointOptions {
  /**
   * 'embed' (default): the checkpoint holds the history window (up to 64 KiB of output in
   * linked-block frames). 'omit': it holds only its length and hash; `restore` then needs the
   * output's last bytes back in `history`.
   */
  history?: 'embed' | 'omit';
}

/**
 * Options of `Decompressor.restore`: the decoder options, with the same `dictionary` and
 * `skipChecksums` as the decoder that was checkpointed, plus the history a checkpoint taken with
 * `history: 'omit'` needs.
 */
export interface RestoreOptions extends DecompressOptions {
  /** Output that ends at the checkpoint's outputOffset (at least its last `historyLength` bytes), when the checkpoint omits its history. */
  history?: BinaryInput;
}

/**
 * What a checkpoint says about itself (see `readCheckpointInfo`).
 * @interface
 */
export type CheckpointInfo = NativeCheckpointInfo;

/** Source a `Decompressor.read()` pulls from: any async iterable of bytes (Node Readable, web ReadableStream, generator). */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

// clone() and restore() hand a ready native handle to the constructor through this slot, which
// is set and consumed synchronously around `new Decompressor()`; users never see it.
let adopting: NativeDecompressor | undefined;

/**
 * Streaming decompression over one liblz4 context: feed any slices of a `.lz4` stream, get all
 * the output they complete, across concatenated and skippable frames. Its whole state can be
 * cloned, checkpointed to a small Buffer and restored, in this or another process.
 */
export class Decompressor {
  readonly #native: NativeDecompressor;

  constructor(options?: DecompressOptions) {
    const native = adopting;
    adopting = undefined;
    this.#native = native ?? new binding.Decompressor(decompressOptions(options));
  }

  /** A decoder that continues exactly where `checkpoint` was taken. */
  static restore(checkpoint: BinaryInput, options?: RestoreOptions): Decompressor {
    const bytes = toBytes(checkpoint, 'checkpoint');
    const native = decompressOptions(options, ['history']);
    const history = options?.history === undefined ? undefined : toBytes(options.history, 'options.history');
    adopting = binding.restoreDecompressor(bytes, history, native);
    return new Decompressor();
  }

  /** Decodes `chunk`; returns all output it completes (maybe empty). */
  update(chunk: BinaryInput): Buffer {
    return this.#native.update(toBytes(chunk, 'chunk'));
  }

  /** `update` on the libuv threadpool; `chunk` is not copied and must not change meanwhile. */
  async updateAsync(chunk: BinaryInput): Promise<Buffer> {
    return this.#native.updateAsync(heldByJob(toBytes(chunk, 'chunk')));
  }

  /**
   * `updateAsync` that stops once about `outputBudget` bytes are out, at the end of a 64 KiB piece
   * of `chunk`, and may go on for a few more such outputs in the same job: all of them, in order
   * (empty ones included). How much of `chunk` was used shows in `inputOffset`. For the stream
   * front-ends (codec.ts), which hand over large batches of queued writes with bounded memory.
   * @internal
   */
  async updateSomeAsync(chunk: Uint8Array, outputBudget: number): Promise<Buffer[]> {
    return this.#native.updateManyAsync(heldByJob(chunk), outputBudget);
  }

  /**
   * Decodes what `source` yields, chunk by chunk, on the threadpool. Each chunk is fully decoded
   * before the next is read, so when the source fails (a dropped connection) the generator
   * rethrows with the decoder intact and `inputOffset` is exactly where a new source must begin:
   * `read(newSource)` continues as if nothing happened. A source that just ends mid-frame ends
   * the generator without error; `end()` tells whether the input was complete.
   */
  async *read(source: ByteSource): AsyncGenerator<Buffer, void, undefined> {
    if (
      source === null ||
      typeof source !== 'object' ||
      !(Symbol.asyncIterator in source || Symbol.iterator in source)
    ) {
      throw new TypeError(`source must be an async iterable of Uint8Array, got ${describe(source)}`);
    }
    for await (const chunk of source) {
      const out = await this.updateAsync(chunk);
      if (out.length > 0) yield out;
    }
  }

  /** An independent deep copy: own buffers and history window, same offsets and options. */
  clone(): Decompressor {
    adopting = this.#native.clone();
    return new Decompressor();
  }

  /** The whole decoder state as a small Buffer, restorable with `Decompressor.restore`. */
  checkpoint(options?: CheckpointOptions): Buffer {
    const history = options?.history ?? 'embed';
    if (history !== 'embed' && history !== 'omit') {
      throw new TypeError(`options.history must be 'embed' or 'omit', got ${String(history)}`);
    }
    return this.#native.checkpoint(history === 'omit');
  }

  /**
   * Declares the input over: throws Lz4FramedNoDataError when it stopped inside a frame (or
   * nothing was fed), and ERR_LZ4F_FRAMETYPE_UNKNOWN when trailing bytes cannot begin a frame.
   */
  end(): void {
    this.#native.end();
  }

  /** Frees the native context now instead of at garbage collection. */
  close(): void {
    this.#native.close();
  }

  /** The header of the frame being decoded, or of the last one; undefined before any. */
  get frameInfo(): FrameInfo | undefined {
    return this.#native.frameInfo;
  }

  /** Compressed bytes consumed so far. */
  get inputOffset(): number {
    return this.#native.inputOffset;
  }

  /** Decoded bytes produced so far. */
  get outputOffset(): number {
    return this.#native.outputOffset;
  }

  /** liblz4's hint of how many bytes the next call would like; 0 exactly at a frame end. */
  get nextInputHint(): number {
    return this.#native.nextInputHint;
  }
}

/** Reads a checkpoint's header (after validating the whole blob) without restoring it. */
export function readCheckpointInfo(checkpoint: BinaryInput): CheckpointInfo {
  return binding.readCheckpointInfo(toBytes(checkpoint, 'checkpoint'));
}
