// The checkpoint file decompressTo keeps beside its output: a decoder checkpoint (history omitted:
// those bytes are the output's own) wrapped with what identifies the input and the output, so a
// resume refuses anything else. Written through a temporary file, fsync and rename, so a crash at
// any moment leaves the old checkpoint or the new one, never a torn one.
//
// Layout, little-endian: "LZ4FCKPT", u32 version (1), u32 metadata length, u32 decoder checkpoint
// length, u32 zero, u64 input offset, u64 output offset, metadata (UTF-8 JSON), decoder checkpoint,
// SHA-256 of everything before it.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { readCheckpointInfo } from './decompressor';
import { Lz4FramedError } from './errors';

/** What identifies the input: checked again before a resume and on every reconnection. */
export interface InputIdentity {
  /** Total compressed size, when the source told it. */
  size?: number;
  /** HTTP `ETag` response header, when the server sent one. */
  etag?: string;
  /** HTTP `Last-Modified` response header, when the server sent one. */
  lastModified?: string;
  /** Bytes of the input's start that `headSha256` covers (64, or fewer for a shorter input). */
  headLength: number;
  /** SHA-256 (hex) of the input's first `headLength` bytes. */
  headSha256: string;
}

/** The content of a `decompressTo` checkpoint file (see `readCheckpointFile`). */
export interface CheckpointRecord {
  /** Compressed bytes decoded when the checkpoint was taken: where the input resumes. */
  inputOffset: number;
  /** Decoded bytes durably written to the output by then: where the output resumes. */
  outputOffset: number;
  /** What identifies the input, checked before resuming. */
  input: InputIdentity;
  /** The output's last bytes before outputOffset, checked before resuming: at least the decoder's history window. */
  outputTail: {
    /** How many bytes. */
    length: number;
    /** Their SHA-256 (hex). */
    sha256: string;
  };
  /** Decompressor#checkpoint({ history: 'omit' }). */
  decoder: Buffer;
}

const MAGIC = Buffer.from('LZ4FCKPT', 'latin1');
const VERSION = 1;
const HEADER_SIZE = 40;
const DIGEST_SIZE = 32;

function bad(why: string): Lz4FramedError {
  return new Lz4FramedError(`invalid checkpoint file: ${why}`, 'ERR_LZ4_BAD_CHECKPOINT');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodeCheckpointFile(record: CheckpointRecord): Buffer {
  const meta = Buffer.from(JSON.stringify({ input: record.input, outputTail: record.outputTail }), 'utf8');
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(meta.length, 12);
  header.writeUInt32LE(record.decoder.length, 16);
  header.writeBigUInt64LE(BigInt(record.inputOffset), 24);
  header.writeBigUInt64LE(BigInt(record.outputOffset), 32);
  const body = Buffer.concat([header, meta, record.decoder]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHash = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isOptionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** Parses and validates a checkpoint file's bytes (decoder checkpoint included); ERR_LZ4_BAD_CHECKPOINT otherwise. */
export function decodeCheckpointFile(bytes: Buffer): CheckpointRecord {
  if (bytes.length < HEADER_SIZE + DIGEST_SIZE) throw bad(`${bytes.length} bytes is too short`);
  if (!bytes.subarray(0, 8).equals(MAGIC)) throw bad('wrong magic (not an lz4framed checkpoint file)');
  const version = bytes.readUInt32LE(8);
  if (version !== VERSION) throw bad(`format version ${version} is not supported (expected ${VERSION})`);
  const body = bytes.subarray(0, bytes.length - DIGEST_SIZE);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length)))
    throw bad('checksum mismatch (damaged)');
  const metaLength = bytes.readUInt32LE(12);
  const decoderLength = bytes.readUInt32LE(16);
  if (bytes.readUInt32LE(20) !== 0 || HEADER_SIZE + metaLength + decoderLength !== body.length)
    throw bad('section lengths do not add up');
  const inputOffset = Number(bytes.readBigUInt64LE(24));
  const outputOffset = Number(bytes.readBigUInt64LE(32));
  let meta: { input?: Partial<InputIdentity>; outputTail?: { length?: unknown; sha256?: unknown } };
  try {
    meta = JSON.parse(bytes.subarray(HEADER_SIZE, HEADER_SIZE + metaLength).toString('utf8')) as typeof meta;
  } catch {
    throw bad('metadata is not JSON');
  }
  const input = meta?.input;
  const tail = meta?.outputTail;
  if (
    !input ||
    !isCount(input.headLength) ||
    (input.headLength as number) > 64 ||
    !isHash(input.headSha256) ||
    !(input.size === undefined || isCount(input.size)) ||
    !isOptionalString(input.etag) ||
    !isOptionalString(input.lastModified) ||
    !tail ||
    !isCount(tail.length) ||
    (tail.length as number) > outputOffset ||
    !isHash(tail.sha256)
  ) {
    throw bad('metadata fields are missing or of the wrong type');
  }
  const decoder = Buffer.from(bytes.subarray(HEADER_SIZE + metaLength, body.length));
  const info = readCheckpointInfo(decoder); // validates the decoder checkpoint itself
  if (info.inputOffset !== inputOffset || info.outputOffset !== outputOffset)
    throw bad('offsets disagree with the decoder checkpoint');
  if (info.historyLength > (tail.length as number)) throw bad('the output tail is shorter than the history window');
  return {
    inputOffset,
    outputOffset,
    input: input as InputIdentity,
    outputTail: { length: tail.length as number, sha256: tail.sha256 as string },
    decoder,
  };
}

/** The checkpoint file at `file`, validated; undefined when there is none. */
export async function readCheckpointFile(file: string): Promise<CheckpointRecord | undefined> {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('file must be a non-empty path');
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return decodeCheckpointFile(bytes);
}

export function temporaryPathOf(file: string): string {
  return `${file}.tmp`;
}

async function syncDirectory(file: string): Promise<void> {
  const directory = await fs.promises.open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Temporary file written and fsynced, renamed over `file`, directory fsynced. */
export async function writeFileDurably(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPathOf(file);
  const handle = await fs.promises.open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temporary, file);
  await syncDirectory(file);
}

export async function removeFileDurably(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
  await fs.promises.rm(temporaryPathOf(file), { force: true });
  await syncDirectory(file);
}
