// The real reference implementations the interop tests talk to: the `lz4` command line
// (Debian package lz4) and python-lz4 (python3-lz4, run with the system interpreter).
import { execFileSync } from 'child_process';

export const PYTHON = '/usr/bin/python3';

const MAX_BUFFER = 256 * 1024 * 1024;

/** Runs `lz4` with `args`; returns its stdout (use `-c` to get data there). */
export function lz4Cli(args: readonly string[], input?: Uint8Array): Buffer {
  return execFileSync('lz4', args, { input, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `lz4 --version` as printed, e.g. "*** LZ4 command line interface 64-bits v1.9.4, ...". */
export function lz4CliVersion(): string {
  return execFileSync('lz4', ['--version'], { encoding: 'utf8' }).trim();
}

/** Runs a python program with python-lz4 available; `args` land in sys.argv[1:]. */
export function python(program: string, args: readonly string[] = [], input?: Uint8Array): Buffer {
  return execFileSync(PYTHON, ['-c', program, ...args], {
    input,
    maxBuffer: MAX_BUFFER,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** python's JSON answer to a program that prints one JSON document. */
export function pythonJson<T>(program: string, args: readonly string[] = []): T {
  return JSON.parse(python(program, args).toString('utf8')) as T;
}
