// The lz4framed command line's runner: compress, decompress, test and list .lz4 files like the
// lz4 tool. Failures are one line on stderr and an exit code that says what went wrong (see HELP).
import * as path from 'path';
import { Readable, Writable } from 'stream';
import { pipeline } from 'stream/promises';
import { isatty } from 'tty';
import { CliOptions, HELP, parseArgs, resolveStreams, UsageError } from './cli-args';
import { formatFrameList, listFrames } from './cli-info';
import { FileResult, withInputFile, writeToFile } from './files';
import { LZ4_VERSION, version } from './index';
import { formatBytes, ProgressBar } from './progress';
import { CompressStream, createCompressStream, createDecompressStream, DecompressStream } from './streams';

const EXIT = { ok: 0, usage: 1, input: 2, output: 3, corrupt: 4, truncated: 5, brokenPipe: 141, interrupted: 130 };

/** A failure already worded for the user; `helpHint` adds a pointer to --help. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly helpHint = false,
  ) {
    super(message);
  }
}

// System errors of the input side (reading it), to tell them from output errors. Only system
// errors: the pipeline also destroys the source with the decoder's errors.
const inputErrors = new WeakSet<object>();

function tagInputErrors(stream: Readable): Readable {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (typeof error.syscall === 'string') inputErrors.add(error);
  });
  return stream;
}

// "ENOENT: no such file or directory, open 'x'" → "no such file or directory".
function systemReason(error: NodeJS.ErrnoException): string {
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
  return match ? match[1] : error.message;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Words a decoding failure: truncated (5) or corrupt (4) input. */
function dataFailure(error: Error, name: string): CliFailure | undefined {
  const code = codeOf(error);
  if (code === 'ERR_LZ4_NO_DATA') return new CliFailure(`${name}: ${error.message}`, EXIT.truncated);
  if (code?.startsWith('ERR_LZ4') || code === 'ERR_BUFFER_TOO_LARGE') {
    return new CliFailure(`${name}: corrupt input: ${error.message} (${code})`, EXIT.corrupt);
  }
  return undefined;
}

// Failures that need no context: already worded, usage errors, and the unexpected rest.
function asFailure(error: unknown): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof UsageError) return new CliFailure(error.message, EXIT.usage, true);
  return new CliFailure(error instanceof Error ? error.message : String(error), EXIT.usage);
}

function explain(error: unknown, options: CliOptions, inputName: string, outputName: string): CliFailure {
  if (error instanceof CliFailure || error instanceof UsageError) return asFailure(error);
  const e = error as NodeJS.ErrnoException;
  const code = codeOf(e);
  if (code === 'ABORT_ERR') return new CliFailure('interrupted', EXIT.interrupted);
  if (code === 'ERR_LZ4_OUTPUT_EXISTS') return new CliFailure(`${outputName} already exists; use -f to overwrite it`, EXIT.output);
  if (inputErrors.has(e)) return new CliFailure(`cannot read ${inputName}: ${systemReason(e)}`, EXIT.input);
  if (code === 'EPIPE') return new CliFailure('', EXIT.brokenPipe);
  if (typeof e.syscall === 'string') return new CliFailure(`cannot write ${outputName}: ${systemReason(e)}`, EXIT.output);
  if (options.command !== 'compress') {
    const data = dataFailure(e, inputName);
    if (data) return data;
  }
  return asFailure(e); // a TypeError / RangeError here is an option value liblz4 refuses
}

function makeTransform(options: CliOptions, totalInputBytes: number | undefined): CompressStream | DecompressStream {
  if (options.command !== 'compress') return createDecompressStream();
  return createCompressStream({
    level: options.level,
    blockSize: options.blockSize,
    blockLinked: options.blockLinked,
    blockChecksum: options.blockChecksum,
    contentChecksum: options.contentChecksum,
    favorDecSpeed: options.favorDecSpeed,
    // A size is only known for a regular file, as lz4 (which ignores --content-size on stdin).
    contentSize: options.contentSize && totalInputBytes !== undefined ? totalInputBytes : 0,
  });
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

async function convert(options: CliOptions, signal: AbortSignal): Promise<void> {
  const { input, output } = resolveStreams(options);
  const inputName = input ?? 'stdin';
  const outputName = output ?? 'stdout';
  if (input !== null && output !== null && path.resolve(input) === path.resolve(output)) {
    throw new UsageError(`${input}: the input and the output are the same file`);
  }
  if (input === null && isatty(0)) throw new UsageError('refusing to read from a terminal: give INFILE or pipe data in');
  if (options.command === 'compress' && output === null && !options.toStdout && isatty(1)) {
    throw new UsageError('refusing to write compressed data to a terminal: use -c to force it');
  }
  const bar = !options.quiet && isatty(2) ? new ProgressBar(process.stderr, { label: inputName }) : undefined;
  let opened = false;
  const work = async (openSource: () => Readable, totalInputBytes: number | undefined): Promise<FileResult> => {
    opened = true;
    const transform = makeTransform(options, totalInputBytes);
    const source = () => tagInputErrors(openSource());
    if (output !== null) {
      const onProgress = bar && ((p: Parameters<ProgressBar['update']>[0]) => bar.update(p));
      return writeToFile(source, transform, output, { signal, onProgress, overwrite: options.force, totalInputBytes });
    }
    let outputBytes = 0;
    transform.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      bar?.update({ inputBytes: transform.bytesWritten, outputBytes, totalInputBytes });
    });
    await pipeline(source(), transform, options.command === 'test' ? discard() : process.stdout, { signal });
    return { inputBytes: transform.bytesWritten, outputBytes };
  };
  try {
    const result = input === null ? await work(() => process.stdin, undefined) : await withInputFile(input, signal, work);
    bar?.finish();
    if (bar) {
      const ratio = result.inputBytes > 0 ? ` (${((result.outputBytes / result.inputBytes) * 100).toFixed(2)}%)` : '';
      const verb = options.command === 'test' ? 'OK, decoded' : '→';
      process.stderr.write(`${inputName}: ${formatBytes(result.inputBytes)} ${verb} ${formatBytes(result.outputBytes)}${ratio}\n`);
    }
  } catch (error) {
    bar?.finish();
    if (!opened && input !== null && !(error instanceof UsageError) && codeOf(error) !== 'ABORT_ERR') {
      throw new CliFailure(`cannot open ${input}: ${systemReason(error as NodeJS.ErrnoException)}`, EXIT.input);
    }
    throw explain(error, options, inputName, outputName);
  }
}

async function info(options: CliOptions): Promise<number> {
  if (options.files.length === 0 || options.files.includes('-')) throw new UsageError('info lists .lz4 files: give their names (stdin is not supported)');
  let exitCode = EXIT.ok;
  for (const file of options.files) {
    try {
      process.stdout.write(formatFrameList(file, await listFrames(file)));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const failure =
        dataFailure(e, file) ??
        (/^E[A-Z]+$/.test(codeOf(e) ?? '') ? new CliFailure(`cannot read ${file}: ${systemReason(e)}`, EXIT.input) : asFailure(e));
      report(failure);
      if (exitCode === EXIT.ok) exitCode = failure.exitCode;
    }
  }
  return exitCode;
}

function report(failure: CliFailure): void {
  if (failure.message) process.stderr.write(`lz4framed: ${failure.message}\n`);
  if (failure.helpHint) process.stderr.write(`Try 'lz4framed --help'.\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  // The first Ctrl-C stops cleanly (the temporary output file is removed); a second one kills.
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const options = parseArgs(argv);
    switch (options.command) {
      case 'help':
        process.stdout.write(HELP);
        return EXIT.ok;
      case 'version':
        process.stdout.write(`lz4framed ${version} (liblz4 ${LZ4_VERSION})\n`);
        return EXIT.ok;
      case 'info':
        return await info(options);
      default:
        await convert(options, controller.signal);
        return EXIT.ok;
    }
  } catch (error) {
    const failure = asFailure(error);
    report(failure);
    return failure.exitCode;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
