import { binding } from './binding';
import './errors';
import { BinaryInput, heldByJob, toBytes } from './input';
import { CompressOptions, DecompressOptions, decompressOptions, oneShotCompressOptions } from './options';
import { FrameInfo } from './frame-info';

/** Compresses `input` into one LZ4 frame. */
export function compressSync(input: BinaryInput | string, options?: CompressOptions): Buffer {
  const bytes = toBytes(input, 'input', true);
  return binding.compressSync(bytes, oneShotCompressOptions(options, bytes.length));
}

/** Compresses `input` into one LZ4 frame on the libuv threadpool; `input` is not copied. */
export async function compress(input: BinaryInput | string, options?: CompressOptions): Promise<Buffer> {
  const bytes = toBytes(input, 'input', true);
  const native = oneShotCompressOptions(options, bytes.length);
  return binding.compress(heldByJob(bytes), native);
}

/** Decodes every frame of `input` (concatenated frames, skippable frames skipped). */
export function decompressSync(input: BinaryInput, options?: DecompressOptions): Buffer {
  return binding.decompressSync(toBytes(input, 'input'), decompressOptions(options));
}

/** Decodes every frame of `input` on the libuv threadpool; `input` is not copied. */
export async function decompress(input: BinaryInput, options?: DecompressOptions): Promise<Buffer> {
  const native = decompressOptions(options);
  return binding.decompress(heldByJob(toBytes(input, 'input')), native);
}

/** The header of the frame `input` begins with. */
export function getFrameInfo(input: BinaryInput): FrameInfo {
  return binding.getFrameInfo(toBytes(input, 'input'));
}
