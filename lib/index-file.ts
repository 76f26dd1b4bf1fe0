// Lz4Index: where decoding can start inside a .lz4 file, and its binary form (an `.lz4idx` file
// beside the data, or the payload of a seek table at the end of the file).
//
// Layout, little-endian:
//   header (72 bytes): magic "LZ4INDEX", u16 version (1), u16 flags (bit 0: exact), u32 entry count,
//     u64 input size, u64 output size, u64 interval, 32-byte fingerprint of the input
//   entries: u8 kind (0 frame, 1 block, 2 checkpoint), u8 flags (bit 0: full blocks), u16 zero,
//     u32 checkpoint length, u64 input offset, u64 output offset, u64 frame offset, checkpoint bytes
//   trailer: SHA-256 of everything before it (32 bytes)
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Lz4FramedError } from './errors';
import { BinaryInput, toBytes } from './input';

/**
 * - 'frame': a frame boundary; a fresh decoder starts here.
 * - 'block': a block boundary inside a frame of independent blocks; a fresh decoder is fed the
 *   frame's header (at `frameOffset`), then the blocks from `inputOffset`.
 * - 'checkpoint': a block boundary inside a frame of linked blocks; the decoder is restored from
 *   `checkpoint` (its history window embedded).
 */
export type Lz4IndexEntryKind = 'frame' | 'block' | 'checkpoint';

/** A place in the input where decoding can start. */
export interface Lz4IndexEntry {
  /** How a decoder starts here (see `Lz4IndexEntryKind`). */
  kind: Lz4IndexEntryKind;
  /** Compressed offset where decoding starts. */
  inputOffset: number;
  /** Decoded offset of the first byte decoding from here produces. */
  outputOffset: number;
  /** Start of the frame that holds `inputOffset` (equal to it for 'frame'). */
  frameOffset: number;
  /**
   * The frame holding this entry has independent blocks that each decode to the frame's block
   * size, except its last: a reader may jump to any later block of that frame by arithmetic.
   */
  fullBlocks: boolean;
  /** 'checkpoint' only: the decoder checkpoint, itself compressed as one LZ4 frame (compressSync). */
  checkpoint?: Buffer;
}

/** What `new Lz4Index()` is built from; each field is as the `Lz4Index` property of that name. */
export interface Lz4IndexFields {
  /** Bytes of LZ4 data indexed. */
  inputSize: number;
  /** Decoded size of all of it. */
  outputSize: number;
  /** The requested distance between entries, in decoded bytes (at least 1). */
  interval: number;
  /** Every offset was verified while building. */
  exact: boolean;
  /** SHA-256 of the input's size, first and last 4 KiB (32 bytes). */
  fingerprint: Buffer;
  /** Sorted by offset, the first being the frame boundary at offset 0. */
  entries: Lz4IndexEntry[];
}

const MAGIC = Buffer.from('LZ4INDEX', 'latin1');
const VERSION = 1;
const HEADER_SIZE = 72;
const ENTRY_HEADER_SIZE = 32;
const DIGEST_SIZE = 32;
const KINDS: readonly Lz4IndexEntryKind[] = ['frame', 'block', 'checkpoint'];
export const FINGERPRINT_SPAN = 4096;

export function badIndex(why: string): Lz4FramedError {
  return new Lz4FramedError(`invalid LZ4 index: ${why}`, 'ERR_LZ4_BAD_INDEX');
}

export function indexMismatch(why: string): Lz4FramedError {
  return new Lz4FramedError(`the index does not match the input: ${why}`, 'ERR_LZ4_INDEX_MISMATCH');
}

/** SHA-256 over the data size, its first and its last 4 KiB: tells a file from another cheaply. */
export function fingerprintOf(size: number, head: Uint8Array, tail: Uint8Array): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(size));
  return createHash('sha256').update(length).update(head).update(tail).digest();
}

/**
 * Where decoding can start inside a .lz4 file (see `buildIndex`), for `readRange` and
 * `decompressParallel`. Immutable; `new Lz4Index(fields)` and `Lz4Index.from` validate it and
 * throw an Lz4FramedError with code ERR_LZ4_BAD_INDEX when it is inconsistent.
 */
export class Lz4Index {
  /** Bytes of LZ4 data indexed (a seek table after them is not counted). */
  readonly inputSize: number;
  /** Decoded size of all of it. */
  readonly outputSize: number;
  /** The requested distance between entries, in decoded bytes. */
  readonly interval: number;
  /**
   * Every offset was verified while building. False when some frame of independent blocks had no
   * content size and was only walked: its blocks were then assumed full (see buildIndex).
   */
  readonly exact: boolean;
  /** SHA-256 of the input's size, first and last 4 KiB: an index is only used with its own file. */
  readonly fingerprint: Buffer;
  /** Sorted by offset; the first is always { kind: 'frame', inputOffset: 0, outputOffset: 0 }. */
  readonly entries: readonly Lz4IndexEntry[];

  constructor(fields: Lz4IndexFields) {
    validate(fields);
    this.inputSize = fields.inputSize;
    this.outputSize = fields.outputSize;
    this.interval = fields.interval;
    this.exact = fields.exact;
    this.fingerprint = Buffer.from(fields.fingerprint);
    this.entries = Object.freeze(fields.entries.map((entry) => Object.freeze({ ...entry })));
  }

  /** The position of the last entry at or before decoded offset `outputOffset`. */
  entryIndexAt(outputOffset: number): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.entries[mid].outputOffset <= outputOffset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The binary form (an `.lz4idx` file's content), checksummed; `Lz4Index.from` reads it back. */
  toBuffer(): Buffer {
    const parts: Buffer[] = [];
    const header = Buffer.alloc(HEADER_SIZE);
    MAGIC.copy(header, 0);
    header.writeUInt16LE(VERSION, 8);
    header.writeUInt16LE(this.exact ? 1 : 0, 10);
    header.writeUInt32LE(this.entries.length, 12);
    header.writeBigUInt64LE(BigInt(this.inputSize), 16);
    header.writeBigUInt64LE(BigInt(this.outputSize), 24);
    header.writeBigUInt64LE(BigInt(this.interval), 32);
    this.fingerprint.copy(header, 40);
    parts.push(header);
    for (const entry of this.entries) {
      const head = Buffer.alloc(ENTRY_HEADER_SIZE);
      head.writeUInt8(KINDS.indexOf(entry.kind), 0);
      head.writeUInt8(entry.fullBlocks ? 1 : 0, 1);
      head.writeUInt32LE(entry.checkpoint?.length ?? 0, 4);
      head.writeBigUInt64LE(BigInt(entry.inputOffset), 8);
      head.writeBigUInt64LE(BigInt(entry.outputOffset), 16);
      head.writeBigUInt64LE(BigInt(entry.frameOffset), 24);
      parts.push(head);
      if (entry.checkpoint) parts.push(entry.checkpoint);
    }
    const body = Buffer.concat(parts);
    return Buffer.concat([body, createHash('sha256').update(body).digest()]);
  }

  /** Parses and validates `toBuffer()`'s output; anything else is an error with code ERR_LZ4_BAD_INDEX. */
  static from(buffer: BinaryInput): Lz4Index {
    const bytes = toBytes(buffer, 'buffer');
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.length < HEADER_SIZE + DIGEST_SIZE) throw badIndex(`${view.length} bytes is too short`);
    if (!view.subarray(0, 8).equals(MAGIC)) throw badIndex('wrong magic (not an lz4framed index)');
    const version = view.readUInt16LE(8);
    if (version !== VERSION) throw badIndex(`format version ${version} is not supported (expected ${VERSION})`);
    const body = view.subarray(0, view.length - DIGEST_SIZE);
    if (!createHash('sha256').update(body).digest().equals(view.subarray(body.length)))
      throw badIndex('checksum mismatch (damaged)');
    const flags = view.readUInt16LE(10);
    if (flags > 1) throw badIndex(`unknown flags ${flags}`);
    const count = view.readUInt32LE(12);
    const entries: Lz4IndexEntry[] = [];
    let at = HEADER_SIZE;
    for (let i = 0; i < count; i++) {
      if (at + ENTRY_HEADER_SIZE > body.length) throw badIndex(`entry ${i} is cut short`);
      const kind = KINDS[view.readUInt8(at)];
      const entryFlags = view.readUInt8(at + 1);
      const checkpointLength = view.readUInt32LE(at + 4);
      if (kind === undefined || entryFlags > 1 || view.readUInt16LE(at + 2) !== 0) {
        throw badIndex(`entry ${i} has an unknown kind or flags`);
      }
      const entry: Lz4IndexEntry = {
        kind,
        inputOffset: u64(view, at + 8),
        outputOffset: u64(view, at + 16),
        frameOffset: u64(view, at + 24),
        fullBlocks: entryFlags === 1,
      };
      at += ENTRY_HEADER_SIZE;
      if (checkpointLength > 0) {
        if (at + checkpointLength > body.length) throw badIndex(`the checkpoint of entry ${i} is cut short`);
        entry.checkpoint = Buffer.from(view.subarray(at, at + checkpointLength));
        at += checkpointLength;
      }
      entries.push(entry);
    }
    if (at !== body.length) throw badIndex(`${body.length - at} bytes after the last entry`);
    return new Lz4Index({
      inputSize: u64(view, 16),
      outputSize: u64(view, 24),
      interval: u64(view, 32),
      exact: flags === 1,
      fingerprint: Buffer.from(view.subarray(40, 72)),
      entries,
    });
  }
}

function u64(view: Buffer, at: number): number {
  const value = view.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw badIndex(`a 64-bit field at byte ${at} is beyond 2^53`);
  return Number(value);
}

function validate(fields: Lz4IndexFields): void {
  const { inputSize, outputSize, interval, entries, fingerprint } = fields;
  for (const [name, value] of Object.entries({ inputSize, outputSize, interval })) {
    if (!Number.isSafeInteger(value) || value < 0) throw badIndex(`${name} ${value} is not a byte count`);
  }
  if (interval < 1) throw badIndex('interval must be at least 1');
  if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32)
    throw badIndex('the fingerprint must be 32 bytes');
  if (entries.length === 0) throw badIndex('no entries');
  entries.forEach((entry, i) => {
    const where = `entry ${i}`;
    const previous = entries[i - 1];
    if (!KINDS.includes(entry.kind)) throw badIndex(`${where} has kind ${String(entry.kind)}`);
    if (entry.inputOffset >= inputSize && !(i === 0 && inputSize === 0))
      throw badIndex(`${where} starts past the input`);
    if (entry.outputOffset > outputSize) throw badIndex(`${where} starts past the output`);
    if (previous && (entry.inputOffset <= previous.inputOffset || entry.outputOffset < previous.outputOffset)) {
      throw badIndex(`${where} is out of order`);
    }
    if (entry.kind === 'frame' ? entry.frameOffset !== entry.inputOffset : entry.frameOffset >= entry.inputOffset) {
      throw badIndex(`${where} has a frame offset that does not fit its kind`);
    }
    if ((entry.kind === 'checkpoint') !== (entry.checkpoint !== undefined && entry.checkpoint.length > 0)) {
      throw badIndex(`${where}: a checkpoint goes with kind 'checkpoint' and only with it`);
    }
  });
  if (entries[0].kind !== 'frame' || entries[0].inputOffset !== 0 || entries[0].outputOffset !== 0) {
    throw badIndex('the first entry must be the frame boundary at offset 0');
  }
}

/** Where an index file for `dataPath` lives by default: beside it, `<file>.lz4idx`. */
export function indexPathFor(dataPath: string): string {
  return `${dataPath}.lz4idx`;
}

/**
 * Writes `index` to `file` through a temporary file and a rename; `indexPathFor(dataPath)` is where
 * `readRange` and `decompressParallel` look for it.
 */
export async function saveIndex(index: Lz4Index, file: string): Promise<void> {
  if (!(index instanceof Lz4Index)) throw new TypeError('index must be an Lz4Index');
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('file must be a non-empty path');
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.promises.writeFile(temporary, index.toBuffer());
  await fs.promises.rename(temporary, file);
}

/** Reads an index file written by `saveIndex`; an invalid one is an error with code ERR_LZ4_BAD_INDEX. */
export async function loadIndex(file: string): Promise<Lz4Index> {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('file must be a non-empty path');
  return Lz4Index.from(await fs.promises.readFile(file));
}
