// readRange: decoded bytes [start, start + length) of a .lz4 file, decoding only from the nearest
// index entry before `start` (and, in frames of full independent blocks, from the block holding it).
import { checkSignal } from './abort';
import { blockAt, frameAt } from './block-layout';
import { ByteReader, openByteReader, RandomAccessInput } from './byte-reader';
import { Decompressor } from './decompressor';
import { indexBuildSettings } from './index-build';
import { indexMismatch, Lz4Index, Lz4IndexEntry } from './index-file';
import { checkIndexOption, indexedInput } from './index-lookup';
import { BinaryInput, describe } from './input';
import { check } from './options';
import { decodeSegment, SegmentStart } from './segment-decode';

/** Options of `readRange`. */
export interface ReadRangeOptions {
  /** The index to use; default: the file's seek table, else `<file>.lz4idx`, else one built now (pass one when reading many ranges). */
  index?: Lz4Index;
  /** The dictionary the data was compressed with. */
  dictionary?: BinaryInput;
  /** Stops the read with an AbortError (code 'ABORT_ERR'). */
  signal?: AbortSignal;
}

// Reads sized from the compression ratio to what the range still needs, plus a little: decoding
// stops close to the range's end instead of a fixed chunk past it.
const CHUNK_MIN = 4096;
const CHUNK_MAX = 1024 * 1024;

function checkOffset(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * The decoded bytes [start, start + length) of `input` (a path, file: URL or the bytes). Shorter
 * only when the data ends first; `start` past the end is a RangeError (code ERR_OUT_OF_RANGE).
 */
export async function readRange(
  input: RandomAccessInput,
  start: number,
  length: number,
  options?: ReadRangeOptions,
): Promise<Buffer> {
  checkOffset(start, 'start');
  checkOffset(length, 'length');
  const o = check(options, ['index', 'dictionary', 'signal']);
  const given = checkIndexOption(o.index);
  const dictionary = o.dictionary as BinaryInput | undefined;
  const signal = checkSignal(o.signal);
  new Decompressor({ dictionary }).close();
  const reader = await openByteReader(input);
  try {
    const { index, dataEnd } = await indexedInput(reader, given, indexBuildSettings({ dictionary, signal }));
    if (start > index.outputSize) {
      const error = new RangeError(`start ${start} is past the end of the decoded data (${index.outputSize} bytes)`);
      throw Object.assign(error, { code: 'ERR_OUT_OF_RANGE' });
    }
    const wanted = Math.min(length, index.outputSize - start);
    const result = Buffer.allocUnsafe(wanted);
    if (wanted === 0) return result;
    const end = start + wanted;
    let filled = 0;
    const from = nearestStart(reader, index.entries[index.entryIndexAt(start)], start, dataEnd);
    await decodeSegment({
      reader,
      dataEnd,
      start: from,
      end: dataEnd,
      dictionary,
      chunkSize: (reached) => {
        const need = Math.ceil(((end - reached) * index.inputSize) / Math.max(1, index.outputSize));
        return Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, need + CHUNK_MIN));
      },
      signal,
      onOutput(output, at) {
        const first = Math.max(at, start);
        const last = Math.min(at + output.length, end);
        if (last > first) {
          output.copy(result, first - start, first - at, last - at);
          filled = last - start;
        }
        return at + output.length >= end;
      },
    });
    if (filled !== wanted) {
      throw indexMismatch(
        `decoding ended at ${start + filled}, before the ${index.outputSize} bytes the index promises`,
      );
    }
    return result;
  } finally {
    await reader.close();
  }
}

/**
 * From an entry in a frame of full independent blocks, the block that holds `target`: block
 * headers are followed (4 bytes each) and each block but the frame's last decodes to the block
 * size (a stored block to its length). Any other entry is its own start.
 */
function nearestStart(reader: ByteReader, entry: Lz4IndexEntry, target: number, dataEnd: number): SegmentStart {
  if (!entry.fullBlocks) return entry;
  const frame = frameAt(reader, entry.frameOffset, dataEnd);
  if (frame.skippable || frame.info.blockLinked) return entry;
  const { info } = frame;
  let block = blockAt(reader, entry.kind === 'frame' ? frame.firstBlock : entry.inputOffset, info, dataEnd);
  let output = entry.outputOffset;
  while (!block.endMark) {
    const size = block.uncompressed ? block.dataSize : info.blockSize;
    if (output + size > target) break;
    const next = blockAt(reader, block.next, info, dataEnd);
    if (next.endMark) break; // the last block may be short: decode it rather than guess
    output += size;
    block = next;
  }
  if (output === entry.outputOffset) return entry;
  return { kind: 'block', inputOffset: block.offset, outputOffset: output, frameOffset: frame.offset };
}
