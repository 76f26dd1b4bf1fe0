// The lz4framed command line's runner: compress, decompress, test and list .lz4 files like the
// lz4 tool (resumable downloads, -T, index and cat: cli-random-access.ts). Failures are one line
// on stderr and an exit code that says what went wrong (see HELP).
import * as path from 'path';
import { Readable, Writable } from 'stream';
import { pipeline } from 'stream/promises';
import { isatty } from 'tty';
import { CliOptions, HELP, parseArgs, resolveStreams, UsageError } from './cli-args';
import {
  asFailure,
  CliFailure,
  codeOf,
  dataFailure,
  EXIT,
  progressBarFor,
  report,
  systemReason,
  writeSummary,
} from './cli-common';
import { formatFrameList, listFrames } from './cli-info';
import { catRange, decodeInParallel, download, makeSeekable, writeIndex } from './cli-random-access';
import { FileResult, withInputFile, writeToFile } from './files';
import { LZ4_VERSION, version } from './index';
import { ProgressBar } from './progress';
import { CompressStream, createCompressStream, createDecompressStream, DecompressStream } from './streams';

// System errors of the input side (reading it), to tell them from output errors. Only system
// errors: the pipeline also destroys the source with the decoder's errors.
const inputErrors = new WeakSet<object>();

function tagInputErrors(stream: Readable): Readable {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (typeof error.syscall === 'string') inputErrors.add(error);
  });
  return stream;
}

function explain(error: unknown, options: CliOptions, inputName: string, outputName: string): CliFailure {
  if (error instanceof CliFailure || error instanceof UsageError) return asFailure(error);
  const e = error as NodeJS.ErrnoException;
  const code = codeOf(e);
  if (code === 'ABORT_ERR') return new CliFailure('interrupted', EXIT.interrupted);
  if (code === 'ERR_LZ4_OUTPUT_EXISTS')
    return new CliFailure(`${outputName} already exists; use -f to overwrite it`, EXIT.output);
  if (inputErrors.has(e)) return new CliFailure(`cannot read ${inputName}: ${systemReason(e)}`, EXIT.input);
  if (code === 'EPIPE') return new CliFailure('', EXIT.brokenPipe);
  if (typeof e.syscall === 'string')
    return new CliFailure(`cannot write ${outputName}: ${systemReason(e)}`, EXIT.output);
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
  if (input === null && isatty(0))
    throw new UsageError('refusing to read from a terminal: give INFILE or pipe data in');
  if (options.command === 'compress' && output === null && !options.toStdout && isatty(1)) {
    throw new UsageError('refusing to write compressed data to a terminal: use -c to force it');
  }
  const bar = progressBarFor(options, inputName);
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
    const result =
      input === null ? await work(() => process.stdin, undefined) : await withInputFile(input, signal, work);
    if (options.seekable && output !== null) await makeSeekable(output, signal);
    bar?.finish();
    if (bar)
      writeSummary(
        inputName,
        result.inputBytes,
        result.outputBytes,
        options.command === 'test' ? 'OK, decoded' : '→',
        options.seekable ? ', seekable' : '',
      );
  } catch (error) {
    bar?.finish();
    if (!opened && input !== null && !(error instanceof UsageError) && codeOf(error) !== 'ABORT_ERR') {
      throw new CliFailure(`cannot open ${input}: ${systemReason(error as NodeJS.ErrnoException)}`, EXIT.input);
    }
    throw explain(error, options, inputName, outputName);
  }
}

async function info(options: CliOptions): Promise<number> {
  if (options.files.length === 0 || options.files.includes('-'))
    throw new UsageError('info lists .lz4 files: give their names (stdin is not supported)');
  let exitCode = EXIT.ok;
  for (const file of options.files) {
    try {
      process.stdout.write(formatFrameList(file, await listFrames(file)));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const failure =
        dataFailure(e, file) ??
        (/^E[A-Z]+$/.test(codeOf(e) ?? '')
          ? new CliFailure(`cannot read ${file}: ${systemReason(e)}`, EXIT.input)
          : asFailure(e));
      report(failure);
      if (exitCode === EXIT.ok) exitCode = failure.exitCode;
    }
  }
  return exitCode;
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
      case 'index':
        await writeIndex(options, controller.signal);
        return EXIT.ok;
      case 'cat':
        await catRange(options, controller.signal);
        return EXIT.ok;
      default:
        if (options.resume !== undefined) await download(options, controller.signal);
        else if (options.threads !== undefined) await decodeInParallel(options, controller.signal);
        else await convert(options, controller.signal);
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
