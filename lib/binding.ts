// Loads the native addon (a prebuild from prebuilds/ or a local build from build/) and types it.
// Nothing here is part of the public API: lib/ classes wrap every native handle.
import * as fs from 'fs';
import * as path from 'path';
import type { FrameInfo } from './frame-info';

/** What one lane of compressParts did: [part index, bytes written, ...] pairs, and the content checksum if it computed it. */
export interface NativeLaneResult {
  parts: number[];
  checksum?: number;
}

/** Options exactly as native/preferences.cc reads them (already validated by options.ts). */
export interface NativeCompressOptions {
  level: number;
  blockSizeId: number;
  blockLinked: boolean;
  contentChecksum: boolean;
  blockChecksum: boolean;
  contentSize: number;
  favorDecSpeed: boolean;
  autoFlush: boolean;
  dictionary?: Uint8Array;
  dictId: number;
}

/** NativeCompressOptions by position, in the order native/preferences.cc reads them. */
export type CompressFields = [
  level: number,
  blockSizeId: number,
  blockLinked: boolean,
  contentChecksum: boolean,
  blockChecksum: boolean,
  contentSize: number,
  favorDecSpeed: boolean,
  autoFlush: boolean,
  dictionary: Uint8Array | undefined,
  dictId: number,
];

export interface NativeDecompressOptions {
  dictionary?: Uint8Array;
  skipChecksums: boolean;
  maxOutputLength: number;
}

/** NativeDecompressOptions by position, in the order native/preferences.cc reads them. */
export type DecompressFields = readonly [
  skipChecksums: boolean,
  maxOutputLength: number,
  dictionary: Uint8Array | undefined,
];

// The addon builds FrameInfo objects exactly as lib/ exposes them.
export type NativeFrameInfo = FrameInfo;

export interface NativeCompressor {
  update(chunk: Uint8Array): Buffer;
  flush(): Buffer;
  end(chunk?: Uint8Array): Buffer;
  updateAsync(chunk: Uint8Array): Promise<Buffer>;
  flushAsync(): Promise<Buffer>;
  endAsync(chunk?: Uint8Array): Promise<Buffer>;
  close(): void;
}

export interface NativeDecompressor {
  update(chunk: Uint8Array): Buffer;
  updateAsync(chunk: Uint8Array): Promise<Buffer>;
  // Decodes 64 KiB pieces of `chunk` until `outputBudget` bytes are out, then up to three more
  // such outputs, in one job (native/jobs.h DecodeSteps); inputOffset tells how much of `chunk`
  // was used.
  updateManyAsync(chunk: Uint8Array, outputBudget: number): Promise<Buffer[]>;
  end(): void;
  close(): void;
  readonly frameInfo: NativeFrameInfo | undefined;
  readonly inputOffset: number;
  readonly outputOffset: number;
  readonly nextInputHint: number;
  clone(): NativeDecompressor;
  checkpoint(omitHistory: boolean): Buffer;
}

/**
 * Public as `CheckpointInfo` (decompressor.ts): its field comments are the API docs, inlined
 * where a signature names it.
 * @inline
 */
export interface NativeCheckpointInfo {
  /** Compressed bytes the checkpointed decoder had consumed: where its input resumes. */
  inputOffset: number;
  /** Decoded bytes it had produced. */
  outputOffset: number;
  /** liblz4's decoding stage, by its `dStage` name (e.g. 'getFrameHeader', 'storeCBlock', 'flushOut'). */
  stage: string;
  /** Inside a frame of linked blocks, which needs a history window. */
  blockLinked: boolean;
  /** Bytes of output (the last ones before `outputOffset`, 0 to 65536) the history window needs. */
  historyLength: number;
  /** Those bytes are in the checkpoint (or there are none); false: `restore` needs them in `options.history`. */
  historyEmbedded: boolean;
  /** Size of the checkpoint in bytes. */
  byteLength: number;
}

export interface Binding {
  Compressor: new (options: NativeCompressOptions) => NativeCompressor;
  Decompressor: new (options: NativeDecompressOptions) => NativeDecompressor;
  setErrorClasses(
    error: new (message: string, code: string) => Error,
    noData: new (message: string, partial?: Buffer) => Error,
  ): void;
  /** `options` a number: every default, with that content size. */
  compressSync(input: Uint8Array, options: NativeCompressOptions | CompressFields | number): Buffer;
  compress(input: Uint8Array, options: NativeCompressOptions | CompressFields): Promise<Buffer>;
  decompressSync(input: Uint8Array, options: NativeDecompressOptions | DecompressFields): Buffer;
  decompress(input: Uint8Array, options: NativeDecompressOptions | DecompressFields): Promise<Buffer>;
  /** The header of a one-shot frame of `options.contentSize` bytes. */
  frameHeader(options: NativeCompressOptions): Buffer;
  /** The most compressParts may write for a part of `size` bytes. */
  partBound(options: NativeCompressOptions, size: number): number;
  /** Uninitialized memory, as one-shot outputs get (huge pages when large). */
  outputBuffer(size: number): Buffer;
  /**
   * The blocks of each part input[i * partSize, (i + 1) * partSize) alone (no header, end mark or
   * checksum) at into[at + i * partBound(partSize)…], and the content checksum when the options
   * ask for one, by `lanes` jobs sharing these tasks: one promise per job.
   */
  compressParts(
    input: Uint8Array,
    partSize: number,
    options: NativeCompressOptions,
    into: Buffer,
    at: number,
    lanes: number,
  ): Promise<NativeLaneResult>[];
  /** Copies src[srcOffset, +length) to dst[dstOffset…] for each triple (destinations ascending), a large copy on two threads. */
  copyPieces(dst: Buffer, src: Buffer, pieces: number[]): void;
  getFrameInfo(input: Uint8Array): NativeFrameInfo;
  restoreDecompressor(
    checkpoint: Uint8Array,
    history: Uint8Array | undefined,
    options: NativeDecompressOptions,
  ): NativeDecompressor;
  readCheckpointInfo(checkpoint: Uint8Array): NativeCheckpointInfo;
  LZ4_VERSION: string;
  LZ4_VERSION_NUMBER: number;
  LZ4F_VERSION: number;
  LEVEL_MAX: number;
  LEVEL_HC_MIN: number;
  LEVEL_FAST_MIN: number;
}

// The package root, whether this file runs compiled (dist/cjs) or from source (lib/, in tests).
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('lz4framed: cannot find the package root (binding.gyp)');
    dir = parent;
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = require('node-gyp-build') as (dir: string) => Binding;

// LZ4FRAMED_ADDON names another build of the same addon (the sanitizer build of `npm run
// test:asan`); node-gyp-build would always prefer build/Release or a prebuild.
function loadAddon(dir: string): Binding {
  const override = process.env.LZ4FRAMED_ADDON;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return override ? (require(path.resolve(override)) as Binding) : load(dir);
}

export const packageDir: string = packageRoot();
export const binding: Binding = loadAddon(packageDir);
