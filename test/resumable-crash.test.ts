// A real child process running decompressTo is killed with SIGKILL at 20 random moments; after
// each kill the checkpoint file is valid or absent and never points past the output on disk;
// the last run resumes to a byte-identical output.
import { ChildProcess, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { compressSync, readCheckpointFile } from '../lib';
import { compileLib } from './helpers/compiled-lib';
import { mixedBytes, prng } from './helpers/data';
import { useTmpDir } from './helpers/tmp';

const tmp = useTmpDir('resume-crash');
const CHILD = path.join(__dirname, 'helpers', 'resume-child.js');
const KILLS = 20;

interface Child {
  process: ChildProcess;
  progress: number;
  stdout: string;
  exited: Promise<number | null>;
}

function start(args: string[]): Child {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state: Child = {
    process: child,
    progress: 0,
    stdout: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    state.stdout += d.toString();
    const last = /progress (\d+)\n(?!.*progress)/s.exec(state.stdout);
    if (last) state.progress = Number(last[1]);
  });
  void state.exited.then((code) => {
    if (code !== null && code !== 0) state.stdout += `\nexit ${code}: ${stderr}`;
  });
  return state;
}

async function until(condition: () => boolean, child: Child): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (!condition() && !exited) await new Promise((resolve) => setTimeout(resolve, 2));
}

test(`${KILLS} SIGKILLs at random moments, then a resume: identical output`, async () => {
  const lib = compileLib(tmp().dir);
  const plain = mixedBytes(8_000_000, 71);
  const compressed = compressSync(plain, { blockLinked: true, blockSize: 65536 });
  const input = tmp().write('input.lz4', compressed);
  const output = tmp().path('output');
  const checkpointFile = `${output}.lz4ckpt`;
  const args = [lib, input, output, String(64 * 1024)];
  const random = prng(72);
  let saved = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = start(args);
    // A quarter of the kills land anywhere (start-up, resume checks); the others once this run
    // has decoded a random share of the input; all after a random delay. The child's source is
    // throttled so the rest of the input takes longer than the longest delay.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    if (random() < 0.25) await sleep(random() * 100);
    else await until(() => child.progress >= saved + random() * 0.03 * compressed.length, child);
    await sleep(random() * 20);
    child.process.kill('SIGKILL');
    const code = await child.exited;
    // Killed mid-work: neither finished nor failed on its own.
    expect({ code, stdout: child.stdout }).toEqual({ code: null, stdout: expect.not.stringMatching(/^(done|exit)/m) });
    const record = await readCheckpointFile(checkpointFile); // throws if torn
    if (record) {
      expect(record.inputOffset).toBeGreaterThanOrEqual(saved);
      // Taken where a block ends (cut at liblz4's hint), history omitted: no buffered input, no window.
      expect(record.decoder.length).toBeLessThan(1024);
      saved = record.inputOffset;
      const written = fs.readFileSync(output);
      expect(written.length).toBeGreaterThanOrEqual(record.outputOffset);
      expect(written.subarray(0, record.outputOffset).equals(plain.subarray(0, record.outputOffset))).toBe(true);
    }
  }
  expect(saved).toBeGreaterThan(0);
  expect(saved).toBeLessThan(compressed.length);
  const last = start(args);
  expect(await last.exited).toBe(0);
  const result = JSON.parse(/^done (.*)$/m.exec(last.stdout)![1]);
  expect(result).toMatchObject({ resumed: true, inputBytes: compressed.length, outputBytes: plain.length });
  const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  expect(digest(fs.readFileSync(output))).toBe(digest(plain));
  expect(fs.existsSync(checkpointFile)).toBe(false);
});
