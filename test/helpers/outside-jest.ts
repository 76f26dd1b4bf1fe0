// Code that must run outside jest's sandbox (worker threads, child processes with --expose-gc)
// cannot load lib/*.ts; it talks to the addon itself, loaded the way lib/binding.ts loads it.
import { spawn } from 'child_process';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

/** JavaScript that defines `binding`: LZ4FRAMED_ADDON when set (sanitizer builds), else node-gyp-build's pick. */
export const BINDING_PRELUDE = `
const binding = process.env.LZ4FRAMED_ADDON
  ? require(require('path').resolve(process.env.LZ4FRAMED_ADDON))
  : require(${JSON.stringify(path.join(ROOT, 'node_modules', 'node-gyp-build'))})(${JSON.stringify(ROOT)});
`;

export interface NodeRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (CommonJS) in a new node process with `nodeArgs`; never rejects. */
export function runNode(script: string, nodeArgs: readonly string[] = [], timeoutMs = 120000): Promise<NodeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '-e', `${BINDING_PRELUDE}\n${script}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** The last line a child printed, parsed as JSON (its verdict). */
export function verdict<T>(run: NodeRun): T {
  const lines = run.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(
      `child printed no verdict (status ${run.status}, signal ${run.signal})\n${run.stdout}\n${run.stderr}`,
    );
  }
}
