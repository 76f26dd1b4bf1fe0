import { binding, NativeDecompressor } from './binding';
import './errors';
import { FrameInfo } from './frame-info';
import { BinaryInput, toBytes } from './input';
import { DecompressOptions, decompressOptions } from './options';

/**
 * Streaming decompression over one liblz4 context: feed any slices of a `.lz4` stream, get all
 * the output they complete, across concatenated and skippable frames.
 */
export class Decompressor {
  readonly #native: NativeDecompressor;

  constructor(options?: DecompressOptions) {
    this.#native = new binding.Decompressor(decompressOptions(options));
  }

  /** Decodes `chunk`; returns all output it completes (maybe empty). */
  update(chunk: BinaryInput): Buffer {
    return this.#native.update(toBytes(chunk, 'chunk'));
  }

  /** `update` on the libuv threadpool; `chunk` is not copied and must not change meanwhile. */
  async updateAsync(chunk: BinaryInput): Promise<Buffer> {
    return this.#native.updateAsync(toBytes(chunk, 'chunk'));
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
