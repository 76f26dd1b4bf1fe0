// The command line's resumable downloads (decompress --resume), parallel decoding (-T), indexes
// (index, --seekable) and random access (cat), over decompressTo, decompressParallel, buildIndex,
// appendSeekTable and readRange. Failures follow the exit codes of HELP.
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { CliOptions, randomAccessFile, resolveStreams, UsageError } from './cli-args';
import {
  asFailure,
  CliFailure,
  codeOf,
  dataFailure,
  EXIT,
  interactive,
  progressBarFor,
  systemReason,
  writeSummary,
} from './cli-common';
import { openByteReader } from './byte-reader';
import { buildIndex, indexBuildSettings } from './index-build';
import { indexPathFor, Lz4Index, saveIndex } from './index-file';
import { appendSeekTable, indexedInput } from './index-lookup';
import { decompressParallel } from './parallel';
import { formatBytes } from './progress';
import { readRange } from './random-access';
import { decompressTo, DecompressToProgress, DecompressToResult } from './resumable';

/** Where a command reads and writes, to tell the user which side failed. */
interface Sides {
  input?: string;
  output?: string;
  /** --resume: the checkpoint file is still there, so running the command again continues. */
  resumable?: boolean;
}

// decompressTo's errors about the input, once retrying has not helped (or cannot).
const INPUT_CODES = new Set([
  'ERR_LZ4_HTTP_STATUS',
  'ERR_LZ4_HTTP_ENCODING',
  'ERR_LZ4_RANGE_UNSUPPORTED',
  'ERR_LZ4_SOURCE_FAILED',
  'ERR_LZ4_SOURCE_TRUNCATED',
]);

// A system error names its file when it has one; otherwise only a DNS lookup, a read, or a source's
// own refusal (a directory as input, code EISDIR without a syscall) is on the input side.
function isInputSide(e: NodeJS.ErrnoException, sides: Sides): boolean {
  if (typeof e.path === 'string') return e.path === sides.input;
  if (INPUT_CODES.has(codeOf(e) ?? '')) return true;
  if (e.syscall === undefined) return codeOf(e) === 'EISDIR';
  return e.syscall === 'getaddrinfo' || (e.syscall === 'read' && sides.input !== undefined);
}

function explain(error: unknown, sides: Sides): CliFailure {
  if (error instanceof CliFailure || error instanceof UsageError) return asFailure(error);
  const e = error as NodeJS.ErrnoException;
  const code = codeOf(e);
  const input = sides.input ?? 'the input';
  // Worth saying only where another try may go further: a stop, or a source that kept failing.
  const again = sides.resumable ? '; run the same command again to continue' : '';
  if (code === 'ABORT_ERR') return new CliFailure(`interrupted${again}`, EXIT.interrupted);
  if (code === 'ERR_LZ4_SOURCE_FAILED') return new CliFailure(`${e.message} (${code})${again}`, EXIT.input);
  if (code?.startsWith('ERR_LZ4_RESUME_') || code === 'ERR_LZ4_BAD_CHECKPOINT') {
    const message = `cannot resume ${sides.output}: ${e.message} (${code}); use --no-resume to start over`;
    return new CliFailure(message, EXIT.output);
  }
  if (INPUT_CODES.has(code ?? '')) return new CliFailure(`${e.message} (${code})`, EXIT.input);
  if (code === 'EPIPE') return new CliFailure('', EXIT.brokenPipe);
  if (isInputSide(e, sides)) {
    const reason = systemReason(e); // "x is not a regular file" names x already
    return new CliFailure(reason.startsWith(input) ? reason : `cannot open ${input}: ${reason}`, EXIT.input);
  }
  if (typeof e.syscall === 'string') {
    return new CliFailure(`cannot write ${sides.output ?? 'stdout'}: ${systemReason(e)}`, EXIT.output);
  }
  if (code === 'ERR_LZ4_INDEX_MISMATCH' || code === 'ERR_LZ4_BAD_INDEX') {
    return new CliFailure(`${input}: ${e.message} (${code}); rebuild the index with lz4framed index`, EXIT.corrupt);
  }
  return dataFailure(e, input) ?? asFailure(e);
}

async function exists(file: string): Promise<boolean> {
  return fs.promises.lstat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

// Best effort, and a file only: the failure being reported matters more than this one.
async function removePartial(file: string): Promise<void> {
  await fs.promises.unlink(file).catch(() => undefined);
}

function refuseExisting(file: string, why = ''): CliFailure {
  return new CliFailure(`${file} already exists${why}; use -f to overwrite it`, EXIT.output);
}

// resolveStreams has refused stdin and stdout for --resume and -T.
function filesOf(options: CliOptions): { input: string; output: string } {
  const { input, output } = resolveStreams(options);
  if (input === null || output === null) throw new UsageError('give INFILE and OUTFILE');
  if (path.resolve(input) === path.resolve(output)) {
    throw new UsageError(`${input}: the input and the output are the same file`);
  }
  return { input, output };
}

/**
 * decompress --resume / --no-resume: decompressTo with OUTFILE.lz4ckpt beside the output. An
 * existing OUTFILE with that checkpoint is an unfinished run of this command (continued, or
 * replaced with --no-resume); any other existing OUTFILE needs -f.
 */
export async function download(options: CliOptions, signal: AbortSignal): Promise<void> {
  const { input, output } = filesOf(options);
  const checkpointPath = `${output}.lz4ckpt`;
  if (!options.force && !(await exists(checkpointPath)) && (await exists(output))) {
    throw refuseExisting(output, ` and there is no ${checkpointPath} to resume from`);
  }
  const bar = progressBarFor(options, input);
  // The speed is this run's own: bytes decoded before a resume do not count.
  const onProgress = bar && ((p: DecompressToProgress) => bar.update({ ...p, totalInputBytes: p.inputSize }));
  let result: DecompressToResult;
  try {
    const { checkpointInterval, resume } = options;
    result = await decompressTo(input, output, { checkpointPath, checkpointInterval, resume, signal, onProgress });
  } catch (error) {
    bar?.finish();
    // Without a checkpoint the partial output cannot be continued: remove it, as other commands do.
    const resumable = await exists(checkpointPath);
    if (!resumable) await removePartial(output);
    throw explain(error, { input, output, resumable });
  }
  bar?.finish();
  if (!bar) return;
  const resumed = result.resumed ? ', resumed from a checkpoint' : '';
  const reconnects = result.reconnects > 0 ? `, ${result.reconnects} reconnections` : '';
  writeSummary(input, result.inputBytes, result.outputBytes, '→', resumed + reconnects);
}

/** decompress -T N: decompressParallel (the output is removed on failure). */
export async function decodeInParallel(options: CliOptions, signal: AbortSignal): Promise<void> {
  const { input, output } = filesOf(options);
  if (!options.force && (await exists(output))) throw refuseExisting(output);
  try {
    const result = await decompressParallel(input, output, { concurrency: options.threads || undefined, signal });
    const { inputBytes, outputBytes, segments } = result;
    if (interactive(options)) writeSummary(input, inputBytes, outputBytes, '→', `, ${segments} segments`);
  } catch (error) {
    throw explain(error, { input, output });
  }
}

/** index FILE: FILE.lz4idx beside it, or with --seekable a seek table at its end. */
export async function writeIndex(options: CliOptions, signal: AbortSignal): Promise<void> {
  const file = randomAccessFile(options);
  const target = options.seekable ? file : indexPathFor(file);
  if (!options.seekable && !options.force && (await exists(target))) throw refuseExisting(target);
  try {
    const index = await buildIndex(file, { interval: options.interval, seekTable: options.seekable, signal });
    if (!options.seekable) await saveIndex(index, target);
    if (options.quiet) return;
    const where = options.seekable ? `seek table appended to ${file}` : `written to ${target}`;
    const assumed = index.exact ? '' : ' (frames without a content size taken to have full blocks)';
    const entries = `${index.entries.length} ${index.entries.length === 1 ? 'entry' : 'entries'}`;
    const sizes = `${formatBytes(index.inputSize)} → ${formatBytes(index.outputSize)}`;
    process.stderr.write(`${file}: ${sizes}, ${entries}${assumed}, ${where}\n`);
  } catch (error) {
    throw explain(error, { input: file, output: target === file ? undefined : target });
  }
}

// Decoded bytes per readRange call: memory stays bounded, and at the default 64 MiB interval a
// piece re-decodes at most about one segment's worth before its start (linked blocks only).
const CAT_PIECE = 64 * 1024 * 1024;

// The index readRange would pick (seek table, FILE.lz4idx, else built now), found once for every piece.
async function indexOfFile(file: string, signal: AbortSignal): Promise<Lz4Index> {
  const reader = await openByteReader(file);
  try {
    return (await indexedInput(reader, undefined, indexBuildSettings({ signal }))).index;
  } finally {
    await reader.close();
  }
}

/** cat FILE --offset N --length M: the decoded range to stdout. */
export async function catRange(options: CliOptions, signal: AbortSignal): Promise<void> {
  const file = randomAccessFile(options);
  try {
    const index = await indexOfFile(file, signal);
    const start = options.offset ?? 0;
    if (start > index.outputSize) {
      const message = `--offset ${start} is past the end of ${file} (${index.outputSize} decoded bytes)`;
      throw new CliFailure(message, EXIT.usage);
    }
    const end = Math.min(index.outputSize, start + (options.length ?? index.outputSize));
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = start; at < end; at += CAT_PIECE) {
        yield await readRange(file, at, Math.min(CAT_PIECE, end - at), { index, signal });
      }
    }
    await pipeline(Readable.from(pieces()), process.stdout, { signal });
  } catch (error) {
    throw explain(error, { input: file });
  }
}

/** compress --seekable: the seek table appended to the output just written; on failure it is removed. */
export async function makeSeekable(file: string, signal: AbortSignal): Promise<void> {
  try {
    await appendSeekTable(file, { signal });
  } catch (error) {
    await removePartial(file);
    throw explain(error, { output: file });
  }
}
