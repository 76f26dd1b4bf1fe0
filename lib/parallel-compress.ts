// Parallel one-shot compression. LZ4 blocks are compressed one after another but independently of
// everything beyond their 64 KiB window, so a large input is cut at block boundaries into parts
// that a few threadpool jobs (lanes) share out and compress at the same time; the frame is then
// header + parts + end mark + content checksum, the checksum (XXH32 of the whole input, which
// cannot be split) being one more task for the lanes. Independent blocks come out byte-identical to the serial encoder's; a
// linked part starts from the 64 KiB before it as its dictionary (liblz4 1.10's own approach to
// multithreading), so it references the same window the serial encoder would, through a
// differently primed match finder: another valid frame of almost the same size.
import { availableParallelism } from 'os';
import { binding, NativeCompressOptions } from './binding';
import { BLOCK_SIZES } from './options';

// A part is at least this large: a threadpool round trip (tens of µs) and loading a 64 KiB
// dictionary stay a small fraction of compressing it.
const MIN_PART = 1024 * 1024;
// Parts per lane: enough for the lanes to finish together though parts compress at different
// speeds (and one lane also computes the checksum), few enough for the per-part set-up (a new
// context, the 64 KiB dictionary of a linked part) not to count.
const PARTS_PER_LANE = 16;
const END_MARK_BYTES = 4;
const CHECKSUM_BYTES = 4;

/** The default of the `concurrency` option: one lane per CPU the process may use. */
export const defaultConcurrency = (): number => availableParallelism();

/**
 * The part size `compress` cuts an input of `length` bytes into (whole blocks, at least 1 MiB,
 * about four parts per lane), or undefined when that would leave one part: no split.
 */
export function partSizeFor(length: number, native: NativeCompressOptions, concurrency: number): number | undefined {
  if (concurrency < 2) return undefined;
  const blockSize = BLOCK_SIZES[native.blockSizeId - 4];
  const wanted = Math.max(MIN_PART, Math.ceil(length / (concurrency * PARTS_PER_LANE)));
  const size = Math.ceil(wanted / blockSize) * blockSize;
  return length > size ? size : undefined;
}

/**
 * One frame of `bytes` as `compress` makes it, in parts of `size` bytes (partSizeFor) compressed
 * by `concurrency` lanes. `bytes` must be held by the jobs (untransferable) for the duration;
 * `native.contentSize` is already set.
 */
export async function compressInParts(
  bytes: Uint8Array,
  native: NativeCompressOptions,
  concurrency: number,
  size: number,
): Promise<Buffer> {
  const count = Math.ceil(bytes.length / size);
  const header = binding.frameHeader(native);
  // Every part gets the room its bound asks for, in one buffer: its pages are reused by the
  // parts instead of each part faulting in memory of its own.
  const stride = binding.partBound(native, size);
  const trailerLength = END_MARK_BYTES + (native.contentChecksum ? CHECKSUM_BYTES : 0);
  const work = binding.outputBuffer(header.length + count * stride + trailerLength);
  const at = (i: number) => header.length + i * stride;
  // Every lane settles before anything is thrown: no job may still use `bytes` when the caller
  // hears back.
  const lanes = await Promise.allSettled(binding.compressParts(bytes, size, native, work, header.length, concurrency));
  const written = new Array<number>(count);
  let checksum = 0;
  for (const lane of lanes) {
    if (lane.status === 'rejected') throw lane.reason;
    const { parts } = lane.value;
    for (let k = 0; k < parts.length; k += 2) written[parts[k]] = parts[k + 1];
    if (lane.value.checksum !== undefined) checksum = lane.value.checksum;
  }

  let length = header.length + trailerLength;
  for (const n of written) length += n;
  // As one-shot outputs: the same memory when little of it would be wasted (the parts then move
  // down in place: copyWithin, where set() would first clone an overlapping source), else an
  // exact copy.
  const inPlace = length >= work.length - work.length / 8;
  const frame = inPlace ? work : binding.outputBuffer(length);
  frame.set(header, 0);
  let end = header.length;
  const pieces: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!inPlace) pieces.push(end, at(i), written[i]);
    else if (end !== at(i)) work.copyWithin(end, at(i), at(i) + written[i]);
    end += written[i];
  }
  if (!inPlace) binding.copyPieces(frame, work, pieces);
  frame.writeUInt32LE(0, end);
  if (native.contentChecksum) frame.writeUInt32LE(checksum, end + END_MARK_BYTES);
  return inPlace ? work.subarray(0, length) : frame;
}
