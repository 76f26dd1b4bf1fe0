// The layout of LZ4 frames, read from their headers only: where each frame, block and end mark
// is, without decoding anything. Frame headers are parsed by liblz4 (getFrameInfo); a block header
// is one little-endian word (high bit: stored uncompressed, low 31 bits: the data length).
import { ByteReader } from './byte-reader';
import { Lz4FramedError, Lz4FramedNoDataError } from './errors';
import { FrameInfo } from './frame-info';
import { getFrameInfo } from './one-shot';

// Magic, FLG, BD, content size, dictionary id, header checksum.
const FRAME_HEADER_MAX = 19;
const BLOCK_HEADER_SIZE = 4;
const CHECKSUM_SIZE = 4;
const LENGTH_MASK = 0x7fffffff;

export type FrameAt =
  | { skippable: true; offset: number; end: number }
  | { skippable: false; offset: number; info: FrameInfo; firstBlock: number };

export interface BlockHeader {
  /** Offset of the block's 4-byte header. */
  offset: number;
  /** The end mark (a zero header) closes the frame; `next` is then the frame's end. */
  endMark: boolean;
  /** Stored as is: its decoded size is `dataSize`. */
  uncompressed: boolean;
  dataSize: number;
  /** Offset of the next block header, or of the frame's end after the end mark. */
  next: number;
}

export function truncatedAt(offset: number): Lz4FramedNoDataError {
  return new Lz4FramedNoDataError(`input ended inside the frame structure at offset ${offset} (truncated input)`);
}

/** The frame (or skippable frame) that begins at `offset`; `dataEnd` is where the LZ4 data ends. */
export function frameAt(reader: ByteReader, offset: number, dataEnd: number): FrameAt {
  const bytes = reader.readSync(offset, Math.min(FRAME_HEADER_MAX, dataEnd - offset));
  let info: FrameInfo;
  try {
    info = getFrameInfo(bytes);
  } catch (error) {
    if (error instanceof Lz4FramedError) error.message = `${error.message} (frame at offset ${offset})`;
    throw error;
  }
  if (info.skippable) {
    const end = offset + info.headerSize + (info.contentSize ?? 0);
    if (end > dataEnd) throw truncatedAt(offset);
    return { skippable: true, offset, end };
  }
  return { skippable: false, offset, info, firstBlock: offset + info.headerSize };
}

/** Decodes the block header word found at `offset` of a frame described by `info`. */
export function blockHeader(word: number, offset: number, info: FrameInfo): BlockHeader {
  if (word === 0) {
    const next = offset + BLOCK_HEADER_SIZE + (info.contentChecksum ? CHECKSUM_SIZE : 0);
    return { offset, endMark: true, uncompressed: false, dataSize: 0, next };
  }
  const dataSize = word & LENGTH_MASK;
  if (dataSize > info.blockSize) {
    throw new Lz4FramedError(
      `the block at offset ${offset} (${dataSize} bytes) is larger than its frame's block size (${info.blockSize})`,
      'ERR_LZ4F_MAXBLOCKSIZE_INVALID',
    );
  }
  const next = offset + BLOCK_HEADER_SIZE + dataSize + (info.blockChecksum ? CHECKSUM_SIZE : 0);
  return { offset, endMark: false, uncompressed: word !== dataSize, dataSize, next };
}

/** The block header at `offset`, read on its own (a 4-byte positional read). */
export function blockAt(reader: ByteReader, offset: number, info: FrameInfo, dataEnd: number): BlockHeader {
  if (offset + BLOCK_HEADER_SIZE > dataEnd) throw truncatedAt(offset);
  const word = reader.readSync(offset, BLOCK_HEADER_SIZE).readUInt32LE(0);
  const block = blockHeader(word, offset, info);
  if (block.next > dataEnd) throw truncatedAt(offset);
  return block;
}

/**
 * Follows the block headers of one frame through contiguous chunks of it (a header may straddle
 * two chunks), so whoever feeds the chunks to a decoder knows where blocks and the end mark are.
 */
export class BlockCursor {
  readonly #info: FrameInfo;
  #next: number;
  readonly #pending = Buffer.alloc(BLOCK_HEADER_SIZE);
  #pendingLength = 0;
  #end: BlockHeader | undefined;

  constructor(info: FrameInfo, firstBlock: number) {
    this.#info = info;
    this.#next = firstBlock;
  }

  /** The end mark, once a scanned chunk reached it. */
  get endMark(): BlockHeader | undefined {
    return this.#end;
  }

  /**
   * Every block header completed by `chunk` (whose first byte is at `position`, right after the
   * previous chunk), in order; the end mark is the last one a frame has.
   */
  scan(chunk: Uint8Array, position: number): BlockHeader[] {
    const found: BlockHeader[] = [];
    const chunkEnd = position + chunk.length;
    while (this.#end === undefined && this.#next < chunkEnd) {
      const from = this.#next + this.#pendingLength;
      const take = Math.min(BLOCK_HEADER_SIZE - this.#pendingLength, chunkEnd - from);
      const at = from - position;
      this.#pending.set(chunk.subarray(at, at + take), this.#pendingLength);
      this.#pendingLength += take;
      if (this.#pendingLength < BLOCK_HEADER_SIZE) break;
      const block = blockHeader(this.#pending.readUInt32LE(0), this.#next, this.#info);
      this.#pendingLength = 0;
      this.#next = block.next;
      if (block.endMark) this.#end = block;
      found.push(block);
    }
    return found;
  }
}
