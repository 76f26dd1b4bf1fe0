// lz4framed: the LZ4 frame format for Node.js over liblz4, with a checkpointable decompressor.
import * as fs from 'fs';
import * as path from 'path';
import { binding, packageDir } from './binding';
import { BLOCK_SIZES } from './options';

export { Lz4FramedError, Lz4FramedNoDataError } from './errors';
export { compress, compressSync, decompress, decompressSync, getFrameInfo } from './one-shot';
export { Compressor } from './compressor';
export { Decompressor, readCheckpointInfo } from './decompressor';
export type { ByteSource, CheckpointInfo, CheckpointOptions, RestoreOptions } from './decompressor';
export { CompressStream, createCompressStream, createDecompressStream, DecompressStream } from './streams';
export type { CompressStreamOptions, DecompressStreamOptions, StreamOptions } from './streams';
export { compressStream, decompressStream } from './iterables';
export type { ChunkSource, IterableOptions } from './iterables';
export { Lz4CompressionStream, Lz4DecompressionStream } from './web-streams';
export type { WebStreamOptions } from './web-streams';
export { compressFile, decompressFile } from './files';
export type {
  CompressFileOptions,
  DecompressFileOptions,
  FileOptions,
  FilePath,
  FileProgress,
  FileResult,
} from './files';
export { decompressTo } from './resumable';
export type { DecompressToOptions, DecompressToProgress, DecompressToResult } from './resumable';
export type { ResumableInput, SourceFunction } from './sources';
export { readCheckpointFile } from './checkpoint-file';
export type { CheckpointRecord, InputIdentity } from './checkpoint-file';
export { buildIndex } from './index-build';
export type { BuildIndexOptions } from './index-build';
export { indexPathFor, loadIndex, Lz4Index, saveIndex } from './index-file';
export type { Lz4IndexEntry, Lz4IndexEntryKind, Lz4IndexFields } from './index-file';
export { appendSeekTable, readSeekTable } from './index-lookup';
export type { AppendSeekTableOptions } from './index-lookup';
export { seekTableFrame } from './seek-table';
export { readRange } from './random-access';
export type { ReadRangeOptions } from './random-access';
export { decompressParallel } from './parallel';
export type { DecompressParallelOptions, DecompressParallelResult } from './parallel';
export type { RandomAccessInput } from './byte-reader';
export type { FrameInfo } from './frame-info';
export type { BinaryInput } from './input';
export type {
  BlockSize,
  CompressOptions,
  CompressorOptions,
  DecompressOptions,
  ParallelCompressOptions,
} from './options';

/** Version of the compiled liblz4, e.g. '1.10.0'. */
export const LZ4_VERSION: string = binding.LZ4_VERSION;
/** liblz4's frame API version (LZ4F_VERSION). */
export const LZ4F_VERSION: number = binding.LZ4F_VERSION;
/** This package's version. */
export const version: string = (
  JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * Block sizes and compression levels, for `blockSize` and `level` options (frozen).
 * @namespace
 */
export const constants = Object.freeze({
  BLOCK_SIZES,
  /** 64 KiB, the default `blockSize`. */
  BLOCK_SIZE_64KB: 65536,
  /** 256 KiB. */
  BLOCK_SIZE_256KB: 262144,
  /** 1 MiB. */
  BLOCK_SIZE_1MB: 1048576,
  /** 4 MiB, the largest block size. */
  BLOCK_SIZE_4MB: 4194304,
  /** Fastest level with default acceleration; negative levels trade ratio for speed. */
  LEVEL_DEFAULT: 0,
  /** Lowest (fastest, least compressing) level accepted: -65537. */
  LEVEL_FAST_MIN: binding.LEVEL_FAST_MIN,
  /** First high-compression (HC) level. */
  LEVEL_HC_MIN: binding.LEVEL_HC_MIN,
  /** Highest level: best HC compression, slowest (12 in liblz4 1.10). */
  LEVEL_MAX: binding.LEVEL_MAX,
});
