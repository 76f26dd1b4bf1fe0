// ESM entry point: re-exports the CommonJS build, so both entry points share one module instance
// (one addon handle, one set of error classes). test/esm.test.ts checks that no export is missing.
import cjs from '../cjs/index.js';

export const {
  compress,
  compressSync,
  decompress,
  decompressSync,
  getFrameInfo,
  Compressor,
  Decompressor,
  readCheckpointInfo,
  createCompressStream,
  createDecompressStream,
  CompressStream,
  DecompressStream,
  compressStream,
  decompressStream,
  Lz4CompressionStream,
  Lz4DecompressionStream,
  compressFile,
  decompressFile,
  decompressTo,
  readCheckpointFile,
  buildIndex,
  Lz4Index,
  indexPathFor,
  saveIndex,
  loadIndex,
  appendSeekTable,
  readSeekTable,
  seekTableFrame,
  readRange,
  decompressParallel,
  Lz4FramedError,
  Lz4FramedNoDataError,
  LZ4_VERSION,
  LZ4F_VERSION,
  version,
  constants,
} = cjs;

export default cjs;
