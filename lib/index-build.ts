// buildIndex: one pass over a .lz4 file that records where decoding can start, every `interval`
// bytes of output.
//
// Frames of independent blocks are not decoded: their block headers are read (4 bytes each) and
// every compressed block but the frame's last is taken to decode to the frame's block size, which
// is what lz4, python-lz4 and liblz4 write unless a writer flushes mid-frame. The last block is
// decoded alone to learn its size. When the header stores the content size, the sum must match
// it, which proves the blocks full; when it does not match, the frame is decoded instead. Without a
// content size nothing proves it: such an index has `exact: false`, and `exact: true` decodes those
// frames too. Frames of linked blocks are always decoded, at block boundaries, and their entries
// embed a checkpoint with its history window (compressed).
import { checkSignal, throwIfAborted } from './abort';
import { BlockCursor, BlockHeader, blockAt, FrameAt, frameAt, truncatedAt } from './block-layout';
import { ByteReader, openByteReader, RandomAccessInput } from './byte-reader';
import { Decompressor } from './decompressor';
import { Lz4FramedNoDataError } from './errors';
import { FrameInfo } from './frame-info';
import { FINGERPRINT_SPAN, fingerprintOf, Lz4Index, Lz4IndexEntry } from './index-file';
import { BinaryInput, describe } from './input';
import { compressSync } from './one-shot';
import { bool, check, integer } from './options';
import { locateSeekTable, writeSeekTable } from './seek-table';

/** Options of `buildIndex`. */
export interface BuildIndexOptions {
  /** Decoded bytes between entries (default 64 MiB). */
  interval?: number;
  /** Decode frames of independent blocks that have no content size, instead of assuming their blocks full (default false). */
  exact?: boolean;
  /** The dictionary the data was compressed with. */
  dictionary?: BinaryInput;
  /** Also store the index at the end of the file as its seek table (a file input only; see appendSeekTable). */
  seekTable?: boolean;
  /** Stops the build with an AbortError (code 'ABORT_ERR'). */
  signal?: AbortSignal;
}

export interface IndexBuildSettings {
  interval: number;
  exact: boolean;
  dictionary: BinaryInput | undefined;
  signal: AbortSignal | undefined;
}

export const DEFAULT_INTERVAL = 64 * 1024 * 1024;
// Reads in a decoded frame start small (frames may be tiny) and double up to this.
const READ_CHUNK_MIN = 64 * 1024;
const READ_CHUNK_MAX = 4 * 1024 * 1024;
// How often the header walk lets the event loop run (its reads are synchronous: a few bytes each).
const BLOCKS_PER_TURN = 4096;

export function indexBuildSettings(options: unknown): IndexBuildSettings {
  const o = check(options, ['interval', 'exact', 'dictionary', 'signal']);
  return {
    interval: integer(o, 'interval', DEFAULT_INTERVAL, 1, Number.MAX_SAFE_INTEGER),
    exact: bool(o, 'exact', false),
    dictionary: o.dictionary as BinaryInput | undefined,
    signal: checkSignal(o.signal),
  };
}

/** Builds the index of a .lz4 file (a path, file: URL, or its bytes); a seek table at its end is left out. */
export async function buildIndex(input: RandomAccessInput, options?: BuildIndexOptions): Promise<Lz4Index> {
  const { seekTable, ...rest } = options ?? {};
  const settings = indexBuildSettings(rest);
  if (seekTable !== undefined && typeof seekTable !== 'boolean') {
    throw new TypeError(`options.seekTable must be a boolean, got ${describe(seekTable)}`);
  }
  if (seekTable && input instanceof Uint8Array)
    throw new TypeError('options.seekTable needs a file to write to, not a buffer');
  new Decompressor({ dictionary: settings.dictionary }).close(); // a bad dictionary fails here, before any I/O
  const reader = await openByteReader(input);
  let index: Lz4Index;
  let dataEnd: number;
  try {
    dataEnd = (await locateSeekTable(reader))?.dataEnd ?? reader.size;
    index = await indexOf(reader, dataEnd, settings);
  } finally {
    await reader.close();
  }
  if (seekTable) await writeSeekTable(reader.path as string, index, dataEnd);
  return index;
}

export async function fingerprintOfReader(reader: ByteReader, dataEnd: number): Promise<Buffer> {
  const span = Math.min(FINGERPRINT_SPAN, dataEnd);
  return fingerprintOf(dataEnd, await reader.read(0, span), await reader.read(dataEnd - span, span));
}

interface FrameResult {
  end: number;
  output: number;
  entries: Lz4IndexEntry[];
  /** Offsets follow from the headers (full blocks); proven unless `assumed`. */
  fullBlocks: boolean;
  assumed: boolean;
}

/** Indexes the LZ4 data in reader[0, dataEnd). */
export async function indexOf(reader: ByteReader, dataEnd: number, settings: IndexBuildSettings): Promise<Lz4Index> {
  if (dataEnd === 0) throw new Lz4FramedNoDataError('input is empty: an LZ4 frame was expected');
  const { interval, signal } = settings;
  const entries: Lz4IndexEntry[] = [
    { kind: 'frame', inputOffset: 0, outputOffset: 0, frameOffset: 0, fullBlocks: false },
  ];
  let output = 0;
  let exact = true;
  let first = true;
  for (let position = 0; position < dataEnd;) {
    throwIfAborted(signal);
    const frame = frameAt(reader, position, dataEnd);
    if (frame.skippable) {
      position = frame.end;
      first = false;
      continue;
    }
    const mark = entries[entries.length - 1].outputOffset + interval;
    let frameEntry: Lz4IndexEntry | undefined = first ? entries[0] : undefined;
    if (!first && output >= mark) {
      frameEntry = {
        kind: 'frame',
        inputOffset: position,
        outputOffset: output,
        frameOffset: position,
        fullBlocks: false,
      };
      entries.push(frameEntry);
    }
    first = false;
    const next = entries[entries.length - 1].outputOffset + interval;
    const result = await indexFrame(reader, frame, dataEnd, output, next, settings);
    if (frameEntry) frameEntry.fullBlocks = result.fullBlocks;
    for (const entry of result.entries) entries.push({ ...entry, fullBlocks: result.fullBlocks });
    exact &&= !result.assumed;
    output += result.output;
    position = result.end;
  }
  return new Lz4Index({
    inputSize: dataEnd,
    outputSize: output,
    interval,
    exact,
    fingerprint: await fingerprintOfReader(reader, dataEnd),
    entries,
  });
}

async function indexFrame(
  reader: ByteReader,
  frame: Extract<FrameAt, { skippable: false }>,
  dataEnd: number,
  output: number,
  mark: number,
  settings: IndexBuildSettings,
): Promise<FrameResult> {
  const walk = !frame.info.blockLinked && (!settings.exact || frame.info.contentSize !== undefined);
  if (walk) {
    const walked = await walkFrame(reader, frame, dataEnd, output, mark, settings);
    if (walked) return walked;
  }
  return decodeFrame(reader, frame, dataEnd, output, mark, settings);
}

// Decoded size of a block whose data size is not its decoded size: stored blocks are, compressed
// ones are the block size unless they are the frame's last.
function modelSize(block: BlockHeader, info: FrameInfo): number {
  return block.uncompressed ? block.dataSize : info.blockSize;
}

/** Headers only. Undefined when the frame's content size contradicts full blocks. */
async function walkFrame(
  reader: ByteReader,
  frame: Extract<FrameAt, { skippable: false }>,
  dataEnd: number,
  output: number,
  mark: number,
  settings: IndexBuildSettings,
): Promise<FrameResult | undefined> {
  const { info } = frame;
  const entries: Lz4IndexEntry[] = [];
  let decoded = 0; // of the blocks before `last`
  let last: BlockHeader | undefined;
  let block = blockAt(reader, frame.firstBlock, info, dataEnd);
  for (let count = 1; !block.endMark; count++) {
    if (last) decoded += modelSize(last, info);
    if (output + decoded >= mark && block.offset !== frame.firstBlock) {
      const at = output + decoded;
      entries.push({
        kind: 'block',
        inputOffset: block.offset,
        outputOffset: at,
        frameOffset: frame.offset,
        fullBlocks: true,
      });
      mark = output + decoded + settings.interval;
    }
    last = block;
    block = blockAt(reader, block.next, info, dataEnd);
    if (count % BLOCKS_PER_TURN === 0) {
      await new Promise(setImmediate);
      throwIfAborted(settings.signal);
    }
  }
  const lastSize =
    last === undefined
      ? 0
      : last.uncompressed
        ? last.dataSize
        : await decodedSizeOfBlock(reader, frame, last, settings);
  const total = decoded + lastSize;
  if (info.contentSize !== undefined && info.contentSize !== total) return undefined;
  return { end: block.next, output: total, entries, fullBlocks: true, assumed: info.contentSize === undefined };
}

/** Decodes one block of a frame of independent blocks on its own: a fresh decoder, the frame header, the block. */
async function decodedSizeOfBlock(
  reader: ByteReader,
  frame: Extract<FrameAt, { skippable: false }>,
  block: BlockHeader,
  settings: IndexBuildSettings,
): Promise<number> {
  const decoder = new Decompressor({ dictionary: settings.dictionary });
  try {
    decoder.update(await reader.read(frame.offset, frame.info.headerSize));
    return (await decoder.updateAsync(await reader.read(block.offset, block.next - block.offset))).length;
  } finally {
    decoder.close();
  }
}

/** Decodes the frame, fed at block boundaries so that an entry (a checkpoint for linked blocks) can be taken there. */
async function decodeFrame(
  reader: ByteReader,
  frame: Extract<FrameAt, { skippable: false }>,
  dataEnd: number,
  output: number,
  mark: number,
  settings: IndexBuildSettings,
): Promise<FrameResult> {
  const { info } = frame;
  const linked = info.blockLinked;
  // Entries land at most about a piece of input past their mark.
  const piece = Math.max(4096, Math.min(1 << 20, Math.floor(settings.interval / 8)));
  const decoder = new Decompressor({ dictionary: settings.dictionary });
  const entries: Lz4IndexEntry[] = [];
  let modelled = 0; // full-block arithmetic over the blocks before `last`, to compare with the decoded size
  let last: BlockHeader | undefined;
  try {
    decoder.update(await reader.read(frame.offset, info.headerSize));
    const cursor = new BlockCursor(info, frame.firstBlock);
    let position = frame.firstBlock;
    let chunkSize = READ_CHUNK_MIN;
    const feed = async (bytes: Buffer) => {
      await decoder.updateAsync(bytes);
    };
    while (cursor.endMark === undefined || position < cursor.endMark.next) {
      throwIfAborted(settings.signal);
      const chunk = await reader.read(position, Math.min(chunkSize, dataEnd - position));
      chunkSize = Math.min(READ_CHUNK_MAX, chunkSize * 2);
      if (chunk.length === 0) throw truncatedAt(position);
      const chunkStart = position;
      let fed = chunkStart;
      for (const block of cursor.scan(chunk, chunkStart)) {
        if (last) modelled += modelSize(last, info);
        last = block.endMark ? last : block;
        if (block.endMark || block.offset <= fed || block.offset - fed < piece) continue;
        await feed(chunk.subarray(fed - chunkStart, block.offset - chunkStart));
        fed = block.offset;
        const at = output + decoder.outputOffset;
        if (at >= mark) {
          const entry: Lz4IndexEntry = {
            kind: 'block',
            inputOffset: fed,
            outputOffset: at,
            frameOffset: frame.offset,
            fullBlocks: false,
          };
          if (linked) Object.assign(entry, { kind: 'checkpoint', checkpoint: compressSync(decoder.checkpoint()) });
          entries.push(entry);
          mark = at + settings.interval;
        }
      }
      const end =
        cursor.endMark === undefined
          ? chunkStart + chunk.length
          : Math.min(chunkStart + chunk.length, cursor.endMark.next);
      if (end > fed) await feed(chunk.subarray(fed - chunkStart, end - chunkStart));
      position = end;
    }
    if (decoder.nextInputHint !== 0) throw truncatedAt(position);
    const total = decoder.outputOffset;
    let fullBlocks = false;
    if (!linked) {
      const lastSize =
        last === undefined
          ? 0
          : last.uncompressed
            ? last.dataSize
            : await decodedSizeOfBlock(reader, frame, last, settings);
      // `modelled` counted `last` too once the end mark was scanned: take it back out.
      const beforeLast = last === undefined ? 0 : modelled - modelSize(last, info);
      fullBlocks = beforeLast + lastSize === total;
    }
    return { end: position, output: total, entries, fullBlocks, assumed: false };
  } finally {
    decoder.close();
  }
}
