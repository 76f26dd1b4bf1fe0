import { binding } from './binding';
import './errors';
import { BinaryInput, heldByJob, toBytes } from './input';
import {
  CompressOptions,
  compressFields,
  DecompressOptions,
  decompressFields,
  oneShotCompressOptions,
  ParallelCompressOptions,
  parallelCompressOptions,
} from './options';
import { compressInParts, defaultConcurrency, partSizeFor } from './parallel-compress';
import { FrameInfo } from './frame-info';

/** Compresses `input` into one LZ4 frame. */
export function compressSync(input: BinaryInput | string, options?: CompressOptions): Buffer {
  const bytes = toBytes(input, 'input', true);
  // Without options the addon is handed just the content size and reads no option fields.
  return binding.compressSync(
    bytes,
    options === undefined ? bytes.length : compressFields(oneShotCompressOptions(options, bytes.length)),
  );
}

// Below these sizes the promise functions do the work inline: a threadpool round trip costs
// several times more than compressing 16 KiB at a fast level or decoding 4 KiB (bench/: 1 KiB
// async calls ran at a tenth of the sync rate), and the event loop is held for microseconds.
const INLINE_COMPRESS_BYTES = 16 * 1024;
const INLINE_DECOMPRESS_BYTES = 4 * 1024;

/**
 * Compresses `input` into one LZ4 frame on the libuv threadpool; `input` is not copied. Small
 * inputs at fast levels (≤ 16 KiB) are compressed inline. A large input is cut at block
 * boundaries into parts compressed at once by `options.concurrency` jobs and joined into one
 * frame: with independent blocks the same bytes as `compressSync`, with linked blocks an
 * equally valid frame of about the same size.
 */
export async function compress(input: BinaryInput | string, options?: ParallelCompressOptions): Promise<Buffer> {
  const bytes = toBytes(input, 'input', true);
  if (options === undefined && bytes.length <= INLINE_COMPRESS_BYTES) return binding.compressSync(bytes, bytes.length);
  const { native, concurrency } = parallelCompressOptions(options, bytes.length);
  if (bytes.length <= INLINE_COMPRESS_BYTES && native.level < binding.LEVEL_HC_MIN) {
    return binding.compressSync(bytes, compressFields(native));
  }
  const lanes = concurrency ?? defaultConcurrency();
  const partSize = partSizeFor(bytes.length, native, lanes);
  if (partSize !== undefined) return compressInParts(heldByJob(bytes), native, lanes, partSize);
  return binding.compress(heldByJob(bytes), compressFields(native));
}

/** Decodes every frame of `input` (concatenated frames, skippable frames skipped). */
export function decompressSync(input: BinaryInput, options?: DecompressOptions): Buffer {
  return binding.decompressSync(toBytes(input, 'input'), decompressFields(options));
}

/**
 * Decodes every frame of `input` on the libuv threadpool; `input` is not copied. Small inputs
 * (≤ 4 KiB) are decoded inline.
 */
export async function decompress(input: BinaryInput, options?: DecompressOptions): Promise<Buffer> {
  const bytes = toBytes(input, 'input');
  const native = decompressFields(options);
  if (bytes.length <= INLINE_DECOMPRESS_BYTES) return binding.decompressSync(bytes, native);
  return binding.decompress(heldByJob(bytes), native);
}

/** The header of the frame `input` begins with. */
export function getFrameInfo(input: BinaryInput): FrameInfo {
  return binding.getFrameInfo(toBytes(input, 'input'));
}
