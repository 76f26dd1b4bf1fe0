// What the command line's runners share: the exit codes (see HELP), failures worded for the user,
// and the progress bar with its closing summary line.
import { isatty } from 'tty';
import { CliOptions, UsageError } from './cli-args';
import { formatBytes, ProgressBar } from './progress';

export const EXIT = {
  ok: 0,
  usage: 1,
  input: 2,
  output: 3,
  corrupt: 4,
  truncated: 5,
  brokenPipe: 141,
  interrupted: 130,
};

/** A failure already worded for the user; `helpHint` adds a pointer to --help. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly helpHint = false,
  ) {
    super(message);
  }
}

// "ENOENT: no such file or directory, open 'x'" → "no such file or directory".
export function systemReason(error: NodeJS.ErrnoException): string {
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
  return match ? match[1] : error.message;
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Words a decoding failure: truncated (5) or corrupt (4) input. */
export function dataFailure(error: Error, name: string): CliFailure | undefined {
  const code = codeOf(error);
  if (code === 'ERR_LZ4_NO_DATA') return new CliFailure(`${name}: ${error.message}`, EXIT.truncated);
  if (code?.startsWith('ERR_LZ4') || code === 'ERR_BUFFER_TOO_LARGE') {
    return new CliFailure(`${name}: corrupt input: ${error.message} (${code})`, EXIT.corrupt);
  }
  return undefined;
}

// Failures that need no context: already worded, usage errors, and the unexpected rest.
export function asFailure(error: unknown): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof UsageError) return new CliFailure(error.message, EXIT.usage, true);
  return new CliFailure(error instanceof Error ? error.message : String(error), EXIT.usage);
}

export function report(failure: CliFailure): void {
  if (failure.message) process.stderr.write(`lz4framed: ${failure.message}\n`);
  if (failure.helpHint) process.stderr.write(`Try 'lz4framed --help'.\n`);
}

/** Standard error is a terminal and -q was not given: progress and summaries are shown. */
export function interactive(options: CliOptions): boolean {
  return !options.quiet && isatty(2);
}

export function progressBarFor(options: CliOptions, label: string): ProgressBar | undefined {
  return interactive(options) ? new ProgressBar(process.stderr, { label }) : undefined;
}

/** "name: 3.00 MiB → 1.20 MiB (40.00%)" and what else the command has to say, on standard error. */
export function writeSummary(name: string, inputBytes: number, outputBytes: number, verb = '→', extra = ''): void {
  const ratio = inputBytes > 0 ? ` (${((outputBytes / inputBytes) * 100).toFixed(2)}%)` : '';
  process.stderr.write(`${name}: ${formatBytes(inputBytes)} ${verb} ${formatBytes(outputBytes)}${ratio}${extra}\n`);
}
