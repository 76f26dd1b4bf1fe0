// File to file compression and decompression. The output is written to a temporary file in the
// target's directory and renamed only on success: a failed or aborted run never leaves a partial
// file under the final name, and removes its temporary file.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { fileURLToPath } from 'url';
import { checkSignal, throwIfAborted } from './abort';
import { Lz4FramedError } from './errors';
import { describe } from './input';
import { CompressOptions, compressorOptions, DecompressOptions, decompressOptions } from './options';
import { splitOptions } from './stream-options';
import { CompressStream, createCompressStream, createDecompressStream, DecompressStream } from './streams';

/** What `FileOptions.onProgress` is called with. */
export interface FileProgress {
  /** Input bytes processed so far. */
  inputBytes: number;
  /** Output bytes produced so far. */
  outputBytes: number;
  /** The input file's size, when it is a regular file. */
  totalInputBytes: number | undefined;
}

/** Options of `compressFile` / `decompressFile` besides the codec options. */
export interface FileOptions {
  /** Stops the work (AbortError, code 'ABORT_ERR'), frees the context, removes the temporary file. */
  signal?: AbortSignal;
  /** Called as output is produced, and once at the end. An exception thrown here fails the run. */
  onProgress?: (progress: FileProgress) => void;
  /** Replace an existing output file (default false: an error with code ERR_LZ4_OUTPUT_EXISTS). */
  overwrite?: boolean;
}

/** `contentSize` (default true) stores the input file's size in the frame header. */
export type CompressFileOptions = CompressOptions & FileOptions;
/** Options of `decompressFile`. */
export type DecompressFileOptions = DecompressOptions & FileOptions;

/** What `compressFile` / `decompressFile` resolve to once the output file is in place. */
export interface FileResult {
  /** Bytes read from the input file. */
  inputBytes: number;
  /** Bytes written to the output file. */
  outputBytes: number;
}

/** A file path, or a `file:` URL. */
export type FilePath = string | URL;

export interface WriteOptions {
  signal: AbortSignal | undefined;
  onProgress: ((progress: FileProgress) => void) | undefined;
  overwrite: boolean;
  totalInputBytes: number | undefined;
}

// Large reads: fewer threadpool jobs per byte, still a small fraction of the block buffers.
const READ_CHUNK = 1 << 18;
const FILE_KEYS = ['signal', 'onProgress', 'overwrite'] as const;

/** Compresses the file `inPath` into one LZ4 frame in `outPath`. */
export async function compressFile(
  inPath: FilePath,
  outPath: FilePath,
  options?: CompressFileOptions,
): Promise<FileResult> {
  const { own, codec } = splitOptions(options, FILE_KEYS);
  const { contentSize, ...frameOptions } = codec;
  if (contentSize !== undefined && typeof contentSize !== 'boolean') {
    throw new TypeError(`options.contentSize must be a boolean, got ${describe(contentSize)}`);
  }
  compressorOptions(frameOptions);
  const source = pathOf(inPath, 'inPath');
  const target = pathOf(outPath, 'outPath');
  const write = writeOptions(own);
  return withInputFile(source, write.signal, (open, total) => {
    const pledge = contentSize !== false && total !== undefined ? total : 0;
    return writeToFile(open, createCompressStream({ ...frameOptions, contentSize: pledge }), target, {
      ...write,
      totalInputBytes: total,
    });
  });
}

/** Decompresses the LZ4 file `inPath` (every frame) into `outPath`. */
export async function decompressFile(
  inPath: FilePath,
  outPath: FilePath,
  options?: DecompressFileOptions,
): Promise<FileResult> {
  const { own, codec } = splitOptions(options, FILE_KEYS);
  decompressOptions(codec);
  const source = pathOf(inPath, 'inPath');
  const target = pathOf(outPath, 'outPath');
  const write = writeOptions(own);
  return withInputFile(source, write.signal, (open, total) =>
    writeToFile(open, createDecompressStream(codec), target, { ...write, totalInputBytes: total }),
  );
}

/**
 * Pipes `openSource()` through `transform` into a temporary file beside `outPath`, then renames it
 * to `outPath`. The source is opened only once the output is known to be writable.
 */
export async function writeToFile(
  openSource: () => Readable,
  transform: CompressStream | DecompressStream,
  outPath: string,
  options: WriteOptions,
): Promise<FileResult> {
  const { signal, onProgress, overwrite, totalInputBytes } = options;
  try {
    throwIfAborted(signal);
    if (!overwrite && (await exists(outPath))) throw outputExists(outPath);
  } catch (error) {
    transform.destroy();
    throw error;
  }
  const temp = path.join(path.dirname(outPath), `.${path.basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(temp, 'wx');
  } catch (error) {
    transform.destroy();
    throw error;
  }
  // The stream owns the handle: it closes it when it finishes or is destroyed.
  const output = handle.createWriteStream();
  let committed = false;
  let outputBytes = 0;
  const report = () => onProgress?.({ inputBytes: transform.bytesWritten, outputBytes, totalInputBytes });
  async function* counted(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      outputBytes += chunk.length;
      report();
      yield chunk;
    }
  }
  try {
    await pipeline(openSource(), transform, counted, output, { signal });
    await closed(output);
    await commit(temp, outPath, overwrite);
    committed = true;
    report();
    return { inputBytes: transform.bytesWritten, outputBytes };
  } finally {
    if (!committed) {
      transform.destroy();
      output.destroy();
      await closed(output);
      await fs.promises.rm(temp, { force: true });
    }
  }
}

// Resolves once the stream has closed its file, whether it finished or failed.
async function closed(stream: fs.WriteStream): Promise<void> {
  if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()));
}

/** Opens `inPath` (its errors come first, before any output exists) and runs `run` on it. */
export async function withInputFile(
  inPath: string,
  signal: AbortSignal | undefined,
  run: (openSource: () => Readable, totalInputBytes: number | undefined) => Promise<FileResult>,
): Promise<FileResult> {
  throwIfAborted(signal);
  const input = await fs.promises.open(inPath, 'r');
  let handedOver = false;
  try {
    const stat = await input.stat();
    const total = stat.isFile() ? stat.size : undefined;
    return await run(() => {
      handedOver = true; // the stream closes the handle when it ends or is destroyed
      return input.createReadStream({ highWaterMark: READ_CHUNK });
    }, total);
  } finally {
    if (!handedOver) await input.close();
  }
}

// Without overwrite, a hard link publishes the file only if the name is still free (atomic);
// filesystems without hard links fall back to a check before the rename.
async function commit(temp: string, outPath: string, overwrite: boolean): Promise<void> {
  if (overwrite) return fs.promises.rename(temp, outPath);
  try {
    await fs.promises.link(temp, outPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw outputExists(outPath);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? '')) throw error;
    if (await exists(outPath)) throw outputExists(outPath);
    return fs.promises.rename(temp, outPath);
  }
  await fs.promises.unlink(temp);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export function outputExists(outPath: string): Lz4FramedError {
  return new Lz4FramedError(`${outPath} already exists (use overwrite to replace it)`, 'ERR_LZ4_OUTPUT_EXISTS');
}

function pathOf(value: unknown, name: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value instanceof URL) return fileURLToPath(value);
  throw new TypeError(`${name} must be a non-empty string or a file: URL, got ${describe(value)}`);
}

function writeOptions(own: Partial<Record<(typeof FILE_KEYS)[number], unknown>>): WriteOptions {
  const { onProgress, overwrite } = own;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`options.onProgress must be a function, got ${describe(onProgress)}`);
  }
  if (overwrite !== undefined && typeof overwrite !== 'boolean') {
    throw new TypeError(`options.overwrite must be a boolean, got ${describe(overwrite)}`);
  }
  return {
    signal: checkSignal(own.signal),
    onProgress: onProgress as WriteOptions['onProgress'],
    overwrite: overwrite === true,
    totalInputBytes: undefined,
  };
}
