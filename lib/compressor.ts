import { binding, NativeCompressor } from './binding';
import './errors';
import { BinaryInput, heldByJob, toBytes } from './input';
import { CompressorOptions, compressorOptions } from './options';

/**
 * Streaming compression over one liblz4 context. The first `update` of a frame also returns its
 * header; `end` closes the frame (end mark and checksum) and a later `update` begins a new one.
 * An async call in flight makes every other call fail with ERR_LZ4_BUSY; after `close()`,
 * with ERR_LZ4_CLOSED.
 */
export class Compressor {
  readonly #native: NativeCompressor;

  constructor(options?: CompressorOptions) {
    this.#native = new binding.Compressor(compressorOptions(options));
  }

  /** Compresses `chunk`; may return an empty Buffer while a block fills up. */
  update(chunk: BinaryInput | string): Buffer {
    return this.#native.update(toBytes(chunk, 'chunk', true));
  }

  /** Emits every buffered byte as a complete block (a block boundary). */
  flush(): Buffer {
    return this.#native.flush();
  }

  /** Compresses `chunk` if given, then ends the frame. */
  end(chunk?: BinaryInput | string): Buffer {
    return this.#native.end(chunk === undefined ? undefined : toBytes(chunk, 'chunk', true));
  }

  /**
   * `update` on the libuv threadpool. A binary `chunk` is not copied and must not change until
   * the promise settles; other calls on this compressor meanwhile fail with ERR_LZ4_BUSY.
   */
  async updateAsync(chunk: BinaryInput | string): Promise<Buffer> {
    return this.#native.updateAsync(heldByJob(toBytes(chunk, 'chunk', true)));
  }

  /** `flush` on the libuv threadpool. */
  async flushAsync(): Promise<Buffer> {
    return this.#native.flushAsync();
  }

  /** `end` on the libuv threadpool; a binary `chunk` must not change until the promise settles. */
  async endAsync(chunk?: BinaryInput | string): Promise<Buffer> {
    return this.#native.endAsync(chunk === undefined ? undefined : heldByJob(toBytes(chunk, 'chunk', true)));
  }

  /** Frees the native context now instead of at garbage collection. */
  close(): void {
    this.#native.close();
  }
}
