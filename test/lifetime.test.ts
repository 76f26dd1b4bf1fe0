// Lifetimes of native contexts and of the buffers their threadpool jobs read: garbage collection
// with jobs in flight, close() twice, use after close, an input transferred away mid-job, and
// the native memory V8 is told about.
import { execFileSync } from 'child_process';
import { MessageChannel } from 'worker_threads';
import { compress, compressSync, Compressor, decompress, Decompressor } from '../lib';
import { mixedBytes } from './helpers/data';
import { runNode, verdict } from './helpers/outside-jest';
import { rejected, thrown } from './helpers/outcome';
import { useTmpDir } from './helpers/tmp';

const KiB = 1024;

// What V8 counts as external memory for GC pressure: napi_adjust_external_memory(0) returns the
// total, ArrayBuffer backing stores included. process.memoryUsage().external does not show the
// adjustments addons make (Node 20 / V8 11.3), so a 10-line probe addon asks V8 directly, and
// what addons reported is that total less process.memoryUsage().arrayBuffers.
const PROBE_SOURCE = `
#include <node_api.h>
static napi_value External(napi_env env, napi_callback_info info) {
  int64_t total = 0;
  napi_value out;
  napi_adjust_external_memory(env, 0, &total);
  napi_create_double(env, (double)total, &out);
  return out;
}
NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "externalMemory", NAPI_AUTO_LENGTH, External, NULL, &fn);
  return fn;
}
`;
const tmp = useTmpDir('lifetime');
let probePath = '';

beforeAll(() => {
  const source = tmp().write('probe.c', Buffer.from(PROBE_SOURCE));
  probePath = tmp().path('probe.node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const include: string = require('node-api-headers').include_dir;
  execFileSync('cc', ['-shared', '-fPIC', '-O1', `-I${include}`, source, '-o', probePath]);
  // Loads once here so a broken probe fails the suite early, not inside a child process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(typeof (require(probePath) as () => number)()).toBe('number');
});

test('contexts dropped and collected while their jobs run: jobs finish, then the contexts are freed', async () => {
  const script = `
    const plain = Buffer.alloc(3 << 20);
    for (let i = 0; i < plain.length; i += 32) plain.write((i % 9973).toString(16).repeat(3), i);
    const frame = binding.compressSync(plain, {});
    const total = require(${JSON.stringify(probePath)});
    const external = () => total() - process.memoryUsage().arrayBuffers;
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const refs = [];
    let finalized = 0;
    const registry = new FinalizationRegistry(() => finalized++);
    // Outside the async function: a suspended one may keep its last locals alive.
    function startJobs() {
      const jobs = [];
      for (let i = 0; i < 16; i++) {
        const d = new binding.Decompressor({});
        const c = new binding.Compressor({ level: 3 });
        jobs.push(d.updateAsync(frame), c.updateAsync(plain), binding.decompress(frame, {}));
        for (const context of [d, c]) { refs.push(new WeakRef(context)); registry.register(context, i); }
      }
      return jobs;
    }
    (async () => {
      for (let i = 0; i < 3; i++) { await turn(); global.gc(); }  // the garbage of the set-up swept
      const baseline = external();
      const jobs = startJobs();
      const heldByJobs = external() - baseline;
      for (let i = 0; i < 3; i++) global.gc();  // nothing but the jobs holds the contexts now
      const results = await Promise.all(jobs);
      let correct = 0;
      for (let i = 0; i < results.length; i += 3) {
        const decoded = results[i].equals(plain) && results[i + 2].equals(plain);
        // A compressor's update returns the complete blocks so far: they decode to a prefix.
        const partial = new binding.Decompressor({}).update(results[i + 1]);
        if (decoded && partial.length >= plain.length - 65536 && partial.equals(plain.subarray(0, partial.length))) correct++;
      }
      results.length = 0;
      for (let i = 0; i < 5; i++) { await turn(); global.gc(); }
      console.log(JSON.stringify({ correct, collected: refs.filter((r) => r.deref() === undefined).length, finalized,
        heldByJobs, leftOver: external() - baseline, contexts: refs.length }));
    })();
  `;
  const run = await runNode(script, ['--expose-gc']);
  expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
  const r = verdict<{
    correct: number;
    collected: number;
    finalized: number;
    heldByJobs: number;
    leftOver: number;
    contexts: number;
  }>(run);
  expect(r.correct).toBe(16);
  expect(r.collected).toBe(r.contexts);
  expect(r.finalized).toBe(r.contexts);
  // 32 contexts told V8 about at least 64 KiB each; their finalizers gave it all back.
  expect(r.heldByJobs).toBeGreaterThanOrEqual(32 * 64 * KiB);
  expect(Math.abs(r.leftOver)).toBeLessThan(32 * 4 * KiB);
}, 120000);

describe('close()', () => {
  const frame = compressSync(mixedBytes(200000, 5));

  test('twice is harmless, and every later call fails with ERR_LZ4_CLOSED', async () => {
    const d = new Decompressor();
    const head = d.update(frame.subarray(0, 5000));
    const offsets = [d.inputOffset, d.outputOffset];
    d.close();
    d.close();
    for (const call of [() => d.update(frame), () => d.end(), () => d.clone(), () => d.checkpoint()]) {
      expect(thrown(call).code).toBe('ERR_LZ4_CLOSED');
    }
    expect((await rejected(d.updateAsync(frame))).code).toBe('ERR_LZ4_CLOSED');
    // The getters keep telling where the stream was.
    expect([d.inputOffset, d.outputOffset]).toEqual(offsets);
    expect(head.length).toBe(offsets[1]);

    const c = new Compressor();
    c.update('some input');
    c.close();
    c.close();
    for (const call of [() => c.update('x'), () => c.flush(), () => c.end()])
      expect(thrown(call).code).toBe('ERR_LZ4_CLOSED');
    for (const call of [() => c.updateAsync('x'), () => c.flushAsync(), () => c.endAsync()]) {
      expect((await rejected(call())).code).toBe('ERR_LZ4_CLOSED');
    }
  });

  test('during an async job fails with ERR_LZ4_BUSY; the job completes and close() then works', async () => {
    const d = new Decompressor();
    const job = d.updateAsync(frame);
    expect(thrown(() => d.close()).code).toBe('ERR_LZ4_BUSY');
    expect((await job).length).toBe(200000);
    d.close();
    expect(thrown(() => d.update(frame)).code).toBe('ERR_LZ4_CLOSED');

    const c = new Compressor();
    const cjob = c.updateAsync(mixedBytes(300000, 6));
    expect(thrown(() => c.close()).code).toBe('ERR_LZ4_BUSY');
    await cjob;
    c.close();
  });
});

describe('an input transferred away while a job reads it', () => {
  // Detaching an ArrayBuffer hands its memory to the new owner, which may free it at once: a
  // job still reading it would read freed memory. Inputs of async calls are therefore marked
  // untransferable: a transfer copies them and the job's view stays valid.
  const plain = mixedBytes(8 << 20, 7);

  function fresh(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
    const copy = new Uint8Array(new ArrayBuffer(bytes.length));
    copy.set(bytes);
    return copy;
  }

  function transferAway(view: Uint8Array<ArrayBuffer>): ArrayBuffer {
    return structuredClone<ArrayBuffer>(view.buffer, { transfer: [view.buffer] });
  }

  test('compress(), decompress(): the input stays attached and the result is right', async () => {
    const input = fresh(plain);
    const job = compress(input, { level: 9 });
    const moved = transferAway(input);
    expect(input.byteLength).toBe(plain.length);
    expect(Buffer.from(moved).equals(plain)).toBe(true);
    const frame = await job;
    const frameCopy = fresh(frame);
    const back = decompress(frameCopy);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(frameCopy.buffer, [frameCopy.buffer]);
    port1.close();
    port2.close();
    expect(frameCopy.byteLength).toBe(frame.length);
    expect((await back).equals(plain)).toBe(true);
  });

  test('Compressor and Decompressor updateAsync / endAsync', async () => {
    const c = new Compressor({ blockSize: 4194304, level: 3 });
    const first = fresh(plain.subarray(0, 5 << 20));
    const last = fresh(plain.subarray(5 << 20));
    const a = c.updateAsync(first);
    transferAway(first);
    const partA = await a;
    const b = c.endAsync(last);
    transferAway(last);
    const frame = Buffer.concat([partA, await b]);
    expect([first.byteLength, last.byteLength]).toEqual([5 << 20, plain.length - (5 << 20)]);

    const d = new Decompressor();
    const input = fresh(frame);
    const job = d.updateAsync(input);
    transferAway(input);
    expect((await job).equals(plain)).toBe(true);
    d.end();
  });
});

test('idle contexts make V8 external memory grow by what they hold; close() gives it back', async () => {
  // In a quiet child process: jest's own garbage, swept concurrently, would blur the numbers.
  const script = `
    const total = require(${JSON.stringify(probePath)});
    const external = () => total() - process.memoryUsage().arrayBuffers;
    const encoder = new binding.Compressor({ blockSizeId: 6 });
    const frame = Buffer.concat([encoder.update(Buffer.alloc(100000, 'mid-frame ')), encoder.end()]);
    encoder.close();
    const kinds = {
      decompressor: () => new binding.Decompressor({}),
      compressor: () => new binding.Compressor({ blockSizeId: 5 }),
      midFrameDecompressor: () => { const d = new binding.Decompressor({}); d.update(frame.subarray(0, 3000)); return d; },
    };
    const result = {};
    for (const [name, make] of Object.entries(kinds)) {
      const before = external();
      const contexts = Array.from({ length: 100 }, make);
      const grown = external() - before;
      for (const context of contexts) context.close();
      result[name] = { grown, leftOver: external() - before };
    }
    console.log(JSON.stringify(result));
  `;
  const run = await runNode(script);
  expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
  const result = verdict<Record<string, { grown: number; leftOver: number }>>(run);
  expect(Object.keys(result)).toEqual(['decompressor', 'compressor', 'midFrameDecompressor']);
  for (const { grown, leftOver } of Object.values(result)) {
    // Each idle context holds at least a 64 KiB window or block buffer natively.
    expect(grown).toBeGreaterThanOrEqual(100 * 64 * KiB);
    expect(Math.abs(leftOver)).toBeLessThan(100 * KiB);
  }
  // A decoder inside a 1 MiB-block frame holds that block's buffers too.
  expect(result.midFrameDecompressor.grown).toBeGreaterThan(result.decompressor.grown + 100 * 1024 * KiB);
});
