// Async-iterable front-end: any source of byte chunks (Node Readable, async generator, file
// handle stream, array) in, an async generator of Buffers out. It runs on the Transform streams,
// which bring what a hand-made loop would have to redo: small chunks read ahead of a job in
// flight are joined into one threadpool job, read-ahead is bounded, and errors, early exits and
// aborts tear down both ends.
import { pipeline, Readable } from 'stream';
import { checkSignal, throwIfAborted } from './abort';
import { BinaryInput, describe, toBytes } from './input';
import { compressorOptions, CompressorOptions, decompressOptions, DecompressOptions } from './options';
import { splitOptions } from './stream-options';
import { CompressStream, DecompressStream } from './streams';

/** Anything `for await` can read chunks of bytes from. */
export type ChunkSource<T = BinaryInput> = AsyncIterable<T> | Iterable<T>;

/** Options of `compressStream` / `decompressStream` besides the codec options. */
export interface IterableOptions {
  /** Stops the generator with an AbortError (code 'ABORT_ERR') and frees its context. */
  signal?: AbortSignal;
}

// How far the source may be read ahead of the job in flight.
const READ_AHEAD = 1 << 20;

/** Compresses the chunks of `source` into one LZ4 frame. */
export function compressStream(
  source: ChunkSource<BinaryInput | string>,
  options?: CompressorOptions & IterableOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { own, codec } = splitOptions(options, ['signal']);
  const signal = checkSignal(own.signal);
  checkSource(source);
  compressorOptions(codec); // bad options fail at the call, not at the first iteration
  return run(bytesOf(source, true), () => new CompressStream({ ...codec, signal }), signal);
}

/** Decompresses the LZ4 stream in the chunks of `source` (concatenated and skippable frames). */
export function decompressStream(
  source: ChunkSource,
  options?: DecompressOptions & IterableOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { own, codec } = splitOptions(options, ['signal']);
  const signal = checkSignal(own.signal);
  checkSource(source);
  decompressOptions(codec);
  return run(bytesOf(source, false), () => new DecompressStream({ ...codec, signal }), signal);
}

function checkSource(source: unknown): void {
  const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  const iterable =
    s !== null &&
    typeof s === 'object' &&
    (typeof s[Symbol.asyncIterator] === 'function' || typeof s[Symbol.iterator] === 'function');
  if (!iterable)
    throw new TypeError(`source must be an async iterable or an iterable of chunks, got ${describe(source)}`);
}

// Any ArrayBufferView or ArrayBuffer (and strings for compression) as Uint8Array, which a byte
// Readable takes; anything else is a TypeError naming the chunk.
async function* bytesOf(source: ChunkSource<unknown>, allowString: boolean): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield toBytes(chunk, 'chunk', allowString);
}

// The context is created on the first pull: a generator never iterated holds no native memory.
async function* run(
  source: AsyncIterable<Uint8Array>,
  makeTransform: () => CompressStream | DecompressStream,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  throwIfAborted(signal);
  const transform = makeTransform();
  const input = Readable.from(source, { objectMode: false, highWaterMark: READ_AHEAD });
  // Failures reach the consumer through the transform it reads; the callback has nothing to add.
  pipeline(input, transform, () => {});
  // Leaving the loop early (break, return, an error) destroys the transform, then the source.
  for await (const chunk of transform) yield chunk as Buffer;
}
