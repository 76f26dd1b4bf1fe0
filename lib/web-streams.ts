// WHATWG streams front-end, shaped like the global CompressionStream: a { readable, writable }
// pair for pipeThrough(), built on node:stream/web's TransformStream.
import { ReadableStream, Transformer, TransformStream, WritableStream } from 'stream/web';
import { abortErrorOf, checkSignal } from './abort';
import { CompressCodec, DecompressCodec, StreamCodec } from './codec';
import { BinaryInput } from './input';
import { CompressorOptions, DecompressOptions } from './options';
import { splitOptions } from './stream-options';

/** Options of `Lz4CompressionStream` / `Lz4DecompressionStream` besides the codec options. */
export interface WebStreamOptions {
  /** Errors both sides with an AbortError (code 'ABORT_ERR') and frees the context. */
  signal?: AbortSignal;
}

/** Compresses the chunks written to `writable` into one LZ4 frame read from `readable`. */
export class Lz4CompressionStream {
  /** The compressed bytes. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Where the input goes: bytes, or strings (encoded as UTF-8); closing it ends the frame. */
  readonly writable: WritableStream<BinaryInput | string>;

  constructor(options?: CompressorOptions & WebStreamOptions) {
    const { own, codec } = splitOptions(options, ['signal']);
    const signal = checkSignal(own.signal);
    ({ readable: this.readable, writable: this.writable } = transformStreamOf(
      new CompressCodec(codec, signal),
      signal,
    ));
  }
}

/** Decompresses the LZ4 stream written to `writable` (concatenated and skippable frames). */
export class Lz4DecompressionStream {
  /** The decoded bytes. */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * Where the compressed bytes go. Closing it inside a frame (or before any byte) errors both
   * sides with Lz4FramedNoDataError (code ERR_LZ4_NO_DATA).
   */
  readonly writable: WritableStream<BinaryInput>;

  constructor(options?: DecompressOptions & WebStreamOptions) {
    const { own, codec } = splitOptions(options, ['signal']);
    const signal = checkSignal(own.signal);
    ({ readable: this.readable, writable: this.writable } = transformStreamOf(
      new DecompressCodec(codec, signal),
      signal,
    ));
  }
}

// Node 20 calls `cancel` when the readable is cancelled or the writable aborted (older versions
// leave the context to the garbage collector); @types/node does not declare it yet.
type TransformerWithCancel<I> = Transformer<I, Uint8Array> & { cancel(reason: unknown): void };

function transformStreamOf<I>(
  codec: StreamCodec<{ close(): void }>,
  signal: AbortSignal | undefined,
): TransformStream<I, Uint8Array> {
  let stopListening = (): void => {};
  // Every way the pair can end frees the context: flush, an error, the readable cancelled or the
  // writable aborted (the cancel hook), or the signal.
  const end = () => {
    stopListening();
    codec.close();
  };
  const transformer: TransformerWithCancel<I> = {
    start(controller) {
      if (signal === undefined) return;
      const onAbort = () => {
        end();
        controller.error(abortErrorOf(signal));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      stopListening = () => signal.removeEventListener('abort', onAbort);
    },
    async transform(chunk, controller) {
      try {
        for await (const out of codec.transform(chunk)) controller.enqueue(out);
      } catch (error) {
        end();
        throw error;
      }
    },
    async flush(controller) {
      try {
        for await (const out of codec.finish()) controller.enqueue(out);
      } finally {
        end();
      }
    },
    cancel: end,
  };
  return new TransformStream<I, Uint8Array>(transformer);
}
