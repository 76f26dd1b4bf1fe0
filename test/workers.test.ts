// The addon is context-aware: it loads in the main thread and in many worker threads at once,
// each with its own instance data (error classes, constructors), and a worker terminated with
// threadpool jobs in flight takes nothing down with it.
import { Worker } from 'worker_threads';
import { compress, decompressSync, Decompressor, Lz4FramedError, readCheckpointInfo } from '../lib';
import { mixedBytes } from './helpers/data';
import { BINDING_PRELUDE, runNode, verdict } from './helpers/outside-jest';
import { thrown } from './helpers/outcome';

interface WorkerResult {
  failed?: string;
  sync: Uint8Array;
  async: Uint8Array;
  stream: Uint8Array;
  head: Uint8Array;
  tail: Uint8Array;
  cut: number;
  checkpoint: Uint8Array;
  twinMatches: boolean;
  restoredMatches: boolean;
  roundTrip: boolean;
  errorIsOwnClass: boolean;
  errorCode: string;
}

// Every kind of call, sync and async, in one worker; the frames and the checkpoint go back to
// the main thread, which checks them with its own instance of the addon.
const WORKER_JOB = `
const { parentPort, workerData } = require('worker_threads');
${BINDING_PRELUDE}
class WorkerError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}
class WorkerNoDataError extends WorkerError {
  constructor(message, partial) { super(message, 'ERR_LZ4_NO_DATA'); this.partial = partial; }
}
binding.setErrorClasses(WorkerError, WorkerNoDataError);
(async () => {
  const plain = Buffer.from(workerData.plain);
  const level = workerData.level;
  const sync = binding.compressSync(plain, { level });
  const asyncFrame = await binding.compress(plain, { level: level + 3, blockLinked: true });
  const c = new binding.Compressor({ blockSizeId: 5 });
  const half = plain.length >> 1;
  const stream = Buffer.concat([await c.updateAsync(plain.subarray(0, half)), c.update(plain.subarray(half)), await c.endAsync()]);
  c.close();
  const d = new binding.Decompressor({});
  const cut = (asyncFrame.length >> 1) + workerData.level;
  const head = await d.updateAsync(asyncFrame.subarray(0, cut));
  const checkpoint = d.checkpoint(false);
  const twin = d.clone();
  const tail = d.update(asyncFrame.subarray(cut));
  d.end();
  const twinTail = await twin.updateAsync(asyncFrame.subarray(cut));
  const restored = binding.restoreDecompressor(checkpoint, undefined, {});
  const restoredTail = restored.update(asyncFrame.subarray(cut));
  let errorIsOwnClass = false;
  let errorCode = '';
  try {
    binding.decompressSync(Buffer.from('this is not an LZ4 frame'), {});
  } catch (error) {
    errorIsOwnClass = error instanceof WorkerError;
    errorCode = error.code;
  }
  const roundTrip = Buffer.concat([head, tail]).equals(plain) && binding.decompressSync(sync, {}).equals(plain);
  parentPort.postMessage({ sync, async: asyncFrame, stream, head, tail, cut, checkpoint,
    twinMatches: twinTail.equals(tail), restoredMatches: restoredTail.equals(tail), roundTrip, errorIsOwnClass, errorCode });
})().catch((error) => parentPort.postMessage({ failed: String(error && error.stack) }));
`;

function runWorker(plain: Buffer, level: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_JOB, { eval: true, workerData: { plain, level } });
    let result: WorkerResult | undefined;
    worker.once('message', (message: WorkerResult) => (result = message));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`worker exited with ${code}`)),
    );
  });
}

test('the addon works in the main thread and four workers at once, each checkpointing', async () => {
  const inputs = [0, 1, 2, 3].map((i) => mixedBytes(400000 + i * 1000, 20 + i));
  const mainPlain = mixedBytes(2000000, 30);
  const [results, mainFrame] = await Promise.all([
    Promise.all(inputs.map((plain, i) => runWorker(plain, i))),
    compress(mainPlain, { level: 6 }),
  ]);
  expect(decompressSync(mainFrame).equals(mainPlain)).toBe(true);

  results.forEach((r, i) => {
    expect(r.failed).toBeUndefined();
    const plain = inputs[i];
    for (const frame of [r.sync, r.async, r.stream]) expect(decompressSync(frame).equals(plain)).toBe(true);
    expect(r.roundTrip).toBe(true);
    expect(r.twinMatches).toBe(true);
    expect(r.restoredMatches).toBe(true);
    // Each environment has its own error classes: the worker's registration did not leak.
    expect(r.errorIsOwnClass).toBe(true);
    expect(r.errorCode).toMatch(/^ERR_LZ4F_/);
    // A checkpoint taken in a worker resumes in the main thread.
    expect(readCheckpointInfo(r.checkpoint).inputOffset).toBe(r.cut);
    const resumed = Decompressor.restore(r.checkpoint);
    expect(Buffer.from(resumed.update(Buffer.from(r.async).subarray(r.cut))).equals(Buffer.from(r.tail))).toBe(true);
    resumed.end();
  });
  expect(thrown(() => decompressSync(Buffer.from('garbage in the main thread')))).toBeInstanceOf(Lz4FramedError);
});

test('short-lived workers that exit with contexts open release them', async () => {
  // Contexts left open (and jobs settled) at worker exit are freed by the environment's teardown.
  const leaver = `
    const { parentPort } = require('worker_threads');
    ${BINDING_PRELUDE}
    const kept = [];
    (async () => {
      const plain = Buffer.alloc(300000, 'worker exit ');
      for (let i = 0; i < 10; i++) {
        const c = new binding.Compressor({});
        const d = new binding.Decompressor({});
        const frame = Buffer.concat([await c.updateAsync(plain), c.end()]);
        kept.push(c, d, d.update(frame.subarray(0, 1000 + i)));
      }
      parentPort.postMessage(binding.decompressSync(binding.compressSync(plain, {}), {}).length);
    })();
  `;
  const lengths: number[] = [];
  for (let round = 0; round < 4; round++) {
    const batch = [0, 1, 2].map(
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(leaver, { eval: true });
          worker.once('message', (n: number) => lengths.push(n));
          worker.once('error', reject);
          worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        }),
    );
    await Promise.all(batch);
  }
  expect(lengths).toEqual(new Array(12).fill(300000));
});

test('terminating workers with large async jobs in flight never crashes the process', async () => {
  // In a child process, so that a crash is an exit signal here instead of the end of jest.
  const busyWorker = `
    const { parentPort } = require('worker_threads');
    ${BINDING_PRELUDE}
    const big = Buffer.alloc(2 << 20);
    for (let i = 0; i < big.length; i += 64) big.write((i * 2654435761 >>> 0).toString(36), i);
    const frame = binding.compressSync(big, {});
    const jobs = [];
    for (let k = 0; k < 2; k++) {
      jobs.push(binding.compress(big, { level: 9 }));
      jobs.push(binding.decompress(frame, {}));
      const c = new binding.Compressor({ level: 9, blockSizeId: 7 });
      jobs.push(c.updateAsync(big));
      const d = new binding.Decompressor({});
      jobs.push(d.updateAsync(frame));
    }
    parentPort.postMessage('busy');
    Promise.all(jobs).then(() => parentPort.postMessage('settled'));
  `;
  const parent = `
    const { Worker } = require('worker_threads');
    const code = ${JSON.stringify(busyWorker)};
    (async () => {
      let inFlight = 0;
      const rounds = 30;
      for (let i = 0; i < rounds; i++) {
        const worker = new Worker(code, { eval: true });
        let settled = false;
        await new Promise((resolve, reject) => {
          worker.on('message', (m) => (m === 'busy' ? resolve() : (settled = true)));
          worker.once('error', reject);
        });
        await new Promise((resolve) => setTimeout(resolve, i % 5));
        if (!settled) inFlight++;
        await worker.terminate();
      }
      const alive = binding.decompressSync(binding.compressSync(Buffer.alloc(5000, 'still here'), {}), {}).length;
      console.log(JSON.stringify({ rounds, inFlight, alive }));
    })();
  `;
  const run = await runNode(parent);
  expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });
  const result = verdict<{ rounds: number; inFlight: number; alive: number }>(run);
  expect(result.rounds).toBe(30);
  expect(result.alive).toBe(5000);
  // 8 jobs of megabytes each were still running when most terminations came.
  expect(result.inFlight).toBeGreaterThan(15);
}, 180000);
