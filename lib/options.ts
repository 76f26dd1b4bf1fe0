// The one place where public options are validated and mapped onto what the addon reads.
import { constants as bufferConstants } from 'buffer';
import { binding, CompressFields, DecompressFields, NativeCompressOptions, NativeDecompressOptions } from './binding';
import { BinaryInput, describe, toBytes } from './input';

/** Frame block sizes liblz4 supports, in bytes. */
export const BLOCK_SIZES = [65536, 262144, 1048576, 4194304] as const;
/** A frame block size in bytes: 65536, 262144, 1048576 or 4194304 (`constants.BLOCK_SIZES`). */
export type BlockSize = (typeof BLOCK_SIZES)[number];

/** Options of the one-shot `compress` / `compressSync` (and, with `contentSize`, `compressFile`). */
export interface CompressOptions {
  /** 0 (default) and 1: fast; 2 to 12: high compression (HC; 2 is liblz4's middle mode); negative: faster, less compression. */
  level?: number;
  /** Maximum block size in bytes: 65536 (default), 262144, 1048576 or 4194304. */
  blockSize?: number;
  /** Blocks reference earlier blocks (better ratio; default true). */
  blockLinked?: boolean;
  /** Store an XXH32 checksum of the content (default true, as the lz4 CLI). */
  contentChecksum?: boolean;
  /** Store an XXH32 checksum after each block (default false). */
  blockChecksum?: boolean;
  /** One-shot functions: store the input's length in the header (default true). */
  contentSize?: boolean;
  /** HC levels: favour decompression speed over ratio (default false). */
  favorDecSpeed?: boolean;
  /** A dictionary the decompressor must be given too (only its last 64 KiB matter). */
  dictionary?: BinaryInput;
  /** Dictionary id stored in the header (uint32), to tell dictionaries apart. */
  dictId?: number;
}

/** Options of the promise `compress`: `CompressOptions` plus how it may split a large input. */
export interface ParallelCompressOptions extends CompressOptions {
  /**
   * Parts of a large input (over 1 MiB per part) compressed at once, each a threadpool job
   * (default `os.availableParallelism()`); 1 compresses the whole input in one job.
   */
  concurrency?: number;
}

/**
 * Options of the streaming compressors (`Compressor`, `CompressStream`, `compressStream`,
 * `Lz4CompressionStream`): `CompressOptions` with `contentSize` as a byte count, plus `autoFlush`.
 */
export interface CompressorOptions extends Omit<CompressOptions, 'contentSize'> {
  /** A pledged number of bytes for each frame, stored in the header and checked at its end. */
  contentSize?: number;
  /** Emit each block as soon as it is complete instead of buffering (default false). */
  autoFlush?: boolean;
}

/** Options of `decompress`, `decompressSync`, `Decompressor`, the decompressing streams and `decompressFile`. */
export interface DecompressOptions {
  /** The dictionary the data was compressed with. */
  dictionary?: BinaryInput;
  /** Do not verify block and content checksums (default false). */
  skipChecksums?: boolean;
  /** Largest output of one call; more is a RangeError with code ERR_BUFFER_TOO_LARGE. */
  maxOutputLength?: number;
}

export function check(options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object')
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`unknown option "${key}"`);
  }
  return options as Record<string, unknown>;
}

export function bool(o: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`options.${name} must be a boolean, got ${describe(v)}`);
  return v;
}

export function integer(o: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`options.${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`options.${name} must be an integer from ${min} to ${max}, got ${v}`);
  }
  return v;
}

function blockSizeId(o: Record<string, unknown>): number {
  const v = o.blockSize;
  if (v === undefined) return 4;
  if (typeof v !== 'number') throw new TypeError(`options.blockSize must be a number, got ${describe(v)}`);
  const index = (BLOCK_SIZES as readonly number[]).indexOf(v);
  if (index < 0) throw new RangeError(`options.blockSize must be one of ${BLOCK_SIZES.join(', ')}, got ${v}`);
  return index + 4;
}

function dictionary(o: Record<string, unknown>): Uint8Array | undefined {
  return o.dictionary === undefined ? undefined : toBytes(o.dictionary, 'options.dictionary');
}

const COMPRESS_KEYS = [
  'level',
  'blockSize',
  'blockLinked',
  'contentChecksum',
  'blockChecksum',
  'contentSize',
  'favorDecSpeed',
  'dictionary',
  'dictId',
] as const;

const PARALLEL_COMPRESS_KEYS = [...COMPRESS_KEYS, 'concurrency'] as const;

const COMPRESSOR_KEYS = [...COMPRESS_KEYS, 'autoFlush'] as const;

// One object literal with every field, built once per call: object spreads here cost more than
// a 1 KiB compression (bench/).
function nativeCompress(o: Record<string, unknown>, contentSize: number, autoFlush: boolean): NativeCompressOptions {
  return {
    level: integer(o, 'level', 0, binding.LEVEL_FAST_MIN, binding.LEVEL_MAX),
    blockSizeId: blockSizeId(o),
    blockLinked: bool(o, 'blockLinked', true),
    contentChecksum: bool(o, 'contentChecksum', true),
    blockChecksum: bool(o, 'blockChecksum', false),
    contentSize,
    favorDecSpeed: bool(o, 'favorDecSpeed', false),
    autoFlush,
    dictionary: dictionary(o),
    dictId: integer(o, 'dictId', 0, 0, 0xffffffff),
  };
}

/** NativeCompressOptions by position, the order native/preferences.cc reads: the fastest form for the addon. */
export function compressFields(o: NativeCompressOptions): CompressFields {
  return [
    o.level,
    o.blockSizeId,
    o.blockLinked,
    o.contentChecksum,
    o.blockChecksum,
    o.contentSize,
    o.favorDecSpeed,
    o.autoFlush,
    o.dictionary,
    o.dictId,
  ];
}

/** One-shot: `contentSize` is a flag and the stored size is the input's length. */
export function oneShotCompressOptions(options: unknown, inputLength: number): NativeCompressOptions {
  return oneShotNative(check(options, COMPRESS_KEYS), inputLength);
}

function oneShotNative(o: Record<string, unknown>, inputLength: number): NativeCompressOptions {
  return nativeCompress(o, bool(o, 'contentSize', true) ? inputLength : 0, false);
}

/** The promise `compress`: one-shot options, and `concurrency` when given (else undefined: the default). */
export function parallelCompressOptions(
  options: unknown,
  inputLength: number,
): { native: NativeCompressOptions; concurrency: number | undefined } {
  const o = check(options, PARALLEL_COMPRESS_KEYS);
  const native = oneShotNative(o, inputLength);
  return { native, concurrency: o.concurrency === undefined ? undefined : integer(o, 'concurrency', 1, 1, 1024) };
}

/** Streaming: `contentSize` is a pledge of bytes per frame. */
export function compressorOptions(options: unknown): NativeCompressOptions {
  const o = check(options, COMPRESSOR_KEYS);
  return nativeCompress(o, integer(o, 'contentSize', 0, 0, Number.MAX_SAFE_INTEGER), bool(o, 'autoFlush', false));
}

export const DECOMPRESS_KEYS = ['dictionary', 'skipChecksums', 'maxOutputLength'] as const;

export function decompressOptions(options: unknown, extraKeys?: readonly string[]): NativeDecompressOptions {
  const o = check(options, extraKeys ? [...DECOMPRESS_KEYS, ...extraKeys] : DECOMPRESS_KEYS);
  return {
    dictionary: dictionary(o),
    skipChecksums: bool(o, 'skipChecksums', false),
    maxOutputLength: integer(o, 'maxOutputLength', bufferConstants.MAX_LENGTH, 0, bufferConstants.MAX_LENGTH),
  };
}

const DEFAULT_DECOMPRESS_FIELDS: DecompressFields = Object.freeze([
  false,
  bufferConstants.MAX_LENGTH,
  undefined,
] as const);

/** The one-shot functions' options by position (the addon only reads them). */
export function decompressFields(options: unknown): DecompressFields {
  if (options === undefined) return DEFAULT_DECOMPRESS_FIELDS;
  const o = decompressOptions(options);
  return [o.skipChecksums, o.maxOutputLength, o.dictionary];
}
