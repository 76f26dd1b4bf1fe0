#!/usr/bin/env node
'use strict';
// node bench/transform-jobs.js [--mib 100] [--runs 7] [--chunk 65536] [--apart 1]
//
// Where a decompression Transform's time goes, job by job. The stream is fed the unsized frame of
// the mixed corpus in CHUNK-byte writes, as in the suite, with Decompressor.prototype.updateSomeAsync
// (the one native call the stream makes per job) wrapped to time each job from call to settled.
// The same input ranges are then decoded again with the sync update() on the main thread: that is
// the decoding those jobs did without any threadpool hand-off. C liblz4 decodes the same frame in
// CHUNK-byte calls into one reused buffer, in the same process turns. Prints per run:
//   wall         the Transform, from the first write to 'end'
//   jobs         threadpool jobs, and how many of them were lone writes (one CHUNK of input)
//   in flight    the sum of the jobs' call-to-settled times, and its share of the wall time
//   sync replay  the same ranges through update(): decoding plus a fresh Buffer per range
//   hand-off     (in flight - sync replay) / jobs: waking a pool thread, then the event loop
//   between      median time from one job's settled promise to the next job's call: the stream's
//                own turn (pushing output, taking the next input in) while no job runs
//   pool CPU     on-CPU time during the Transform of the threadpool (the UV_THREADPOOL_SIZE
//                busiest threads besides the main one, from /proc/self/task/*/schedstat; Linux only):
//                the decoding itself, to set against C's time and the wall time
//   main CPU     on-CPU time of the main thread during the Transform
//   faults       minor page faults of the process during the Transform
//   update       the whole frame through update() in CHUNK-byte calls (the Decompressor.update row)
//   C            decompressStream of the C reference
// and the medians. With `--apart 1` (Linux, util-linux's taskset), after the warm-up the main thread
// is held on CPU 0 and the threadpool's threads on CPU 1, so that the kernel never runs the two on
// one core: what sharing a core costs the stream, against a run without it. Nothing here is
// asserted: it is a diagnostic for the README's account of the Transform's time.
const { execFileSync } = require('child_process');
const fs = require('fs');
const { loadCorpus, MiB } = require('./corpus');
const { integerArgs } = require('./int-args');
const { median } = require('./measure');
const { buildReference, startReference } = require('./c-reference');
const { pump } = require('./contenders');
const lz4 = require('..');

// Records every updateSomeAsync job while `jobs` is an array: [start ns, settled ns, input used].
function timeJobs() {
  const original = lz4.Decompressor.prototype.updateSomeAsync;
  const state = { jobs: undefined };
  lz4.Decompressor.prototype.updateSomeAsync = function (...args) {
    const before = this.inputOffset;
    const start = process.hrtime.bigint();
    return original.apply(this, args).then((out) => {
      state.jobs?.push({ start, settled: process.hrtime.bigint(), used: this.inputOffset - before });
      return out;
    });
  };
  return state;
}

function ms(ns) {
  return Number(ns) / 1e6;
}

const TASKS = '/proc/self/task';

// On-CPU milliseconds of each thread of this process, by thread id; undefined where /proc has no
// schedstat (not Linux).
function threadCpu() {
  try {
    const times = new Map();
    for (const tid of fs.readdirSync(TASKS)) {
      times.set(Number(tid), Number(fs.readFileSync(`${TASKS}/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    }
    return times;
  } catch {
    return undefined;
  }
}

// The CPU time between two threadCpu() readings: the main thread's, and the threadpool's as the
// busiest `poolSize` other threads (libuv's threads are not named apart from V8's), with their ids.
function cpuBetween(before, after, poolSize) {
  if (before === undefined || after === undefined) return { main: NaN, pool: NaN, poolThreads: [] };
  const others = [];
  let main = 0;
  for (const [tid, time] of after) {
    const used = time - (before.get(tid) ?? 0);
    if (tid === process.pid) main = used;
    else others.push({ tid, used });
  }
  others.sort((a, b) => b.used - a.used);
  const pool = others.slice(0, poolSize);
  return { main, pool: pool.reduce((sum, t) => sum + t.used, 0), poolThreads: pool.map((t) => t.tid) };
}

// Holds the main thread on CPU 0 and `poolThreads` on CPU 1.
function holdApart(poolThreads) {
  execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  for (const tid of poolThreads) execFileSync('taskset', ['-pc', '1', String(tid)], { stdio: 'ignore' });
}

// The frame decoded with update() in pieces of the given lengths: milliseconds.
function syncUpdates(frame, lengths) {
  const d = new lz4.Decompressor();
  let at = 0;
  const start = process.hrtime.bigint();
  for (const length of lengths) {
    d.update(frame.subarray(at, at + length));
    at += length;
  }
  const elapsed = ms(process.hrtime.bigint() - start);
  d.close();
  return elapsed;
}

async function main() {
  const args = integerArgs(
    process.argv.slice(2),
    { mib: 100, runs: 7, chunk: 64 * 1024, apart: 0 },
    'node bench/transform-jobs.js [--mib N] [--runs K] [--chunk BYTES] [--apart 1]',
  );
  const corpus = loadCorpus('mixed', args.mib * MiB);
  const frame = lz4.compressSync(corpus.data, { contentSize: false });
  const reference = startReference(buildReference(), corpus.path, {
    streamChunk: args.chunk,
    small: 1024,
    smallOffset: 0,
  });
  const chunkLengths = [];
  for (let at = 0; at < frame.length; at += args.chunk) chunkLengths.push(Math.min(args.chunk, frame.length - at));
  const recorder = timeJobs();
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const rows = [];
  try {
    const warmUp = threadCpu();
    await pump(lz4.createDecompressStream(), frame, args.chunk);
    if (args.apart) {
      const { poolThreads } = cpuBetween(warmUp, threadCpu(), poolSize);
      if (poolThreads.length === 0) throw new Error('--apart needs /proc/self/task/*/schedstat (Linux)');
      holdApart(poolThreads);
      // taskset was forked: the writes that follow fault once on copy-on-write pages.
      await pump(lz4.createDecompressStream(), frame, args.chunk);
    }
    const apart = args.apart ? '; main thread held on CPU 0, threadpool on CPU 1' : '';
    console.log(`mixed ${args.mib} MiB, unsized frame, ${args.chunk}-byte writes${apart}`);
    console.log(
      'wall ms  jobs (lone)  in flight ms (share)  sync replay ms  hand-off µs/job  between µs  pool CPU ms  main CPU ms  faults  update ms  C ms',
    );
    for (let run = 0; run < args.runs; run++) {
      recorder.jobs = [];
      const cpuBefore = threadCpu();
      const faultsBefore = process.resourceUsage().minorPageFault;
      const start = process.hrtime.bigint();
      const bytes = await pump(lz4.createDecompressStream(), frame, args.chunk);
      const wall = ms(process.hrtime.bigint() - start);
      const faults = process.resourceUsage().minorPageFault - faultsBefore;
      const cpu = cpuBetween(cpuBefore, threadCpu(), poolSize);
      if (bytes !== corpus.data.length) throw new Error(`decoded ${bytes} bytes, expected ${corpus.data.length}`);
      const jobs = recorder.jobs;
      recorder.jobs = undefined;
      const inFlight = jobs.reduce((sum, job) => sum + ms(job.settled - job.start), 0);
      const between = median(jobs.slice(1).map((job, i) => Number(job.start - jobs[i].settled) / 1000));
      const replay = syncUpdates(
        frame,
        jobs.map((job) => job.used),
      );
      const update = syncUpdates(frame, chunkLengths);
      const c = (await reference.time('decompressStream', 0, 1)) * 1000;
      const row = {
        wall,
        jobs: jobs.length,
        lone: jobs.filter((job) => job.used === args.chunk).length,
        inFlight,
        replay,
        handOff: ((inFlight - replay) * 1000) / jobs.length,
        between,
        poolCpu: cpu.pool,
        mainCpu: cpu.main,
        faults,
        update,
        c,
      };
      rows.push(row);
      console.log(
        `${wall.toFixed(1).padStart(7)}  ${String(row.jobs).padStart(4)} (${String(row.lone).padStart(3)})  ` +
          `${inFlight.toFixed(1).padStart(12)} (${((100 * inFlight) / wall).toFixed(0)} %)  ` +
          `${replay.toFixed(1).padStart(14)}  ${row.handOff.toFixed(0).padStart(15)}  ${between.toFixed(0).padStart(10)}  ` +
          `${cpu.pool.toFixed(1).padStart(11)}  ${cpu.main.toFixed(1).padStart(11)}  ${String(faults).padStart(6)}  ` +
          `${update.toFixed(1).padStart(9)}  ${c.toFixed(1).padStart(5)}`,
      );
    }
  } finally {
    reference.close();
  }
  const m = (key) => median(rows.map((row) => row[key]));
  console.log(
    `median: wall ${m('wall').toFixed(1)} ms (×${(m('c') / m('wall')).toFixed(2)} of C ${m('c').toFixed(1)} ms), ` +
      `in flight ${m('inFlight').toFixed(1)} ms, sync replay ${m('replay').toFixed(1)} ms, ` +
      `hand-off ${m('handOff').toFixed(0)} µs per job, ${m('between').toFixed(0)} µs between jobs, ` +
      `threadpool on CPU ${m('poolCpu').toFixed(1)} ms, main thread ${m('mainCpu').toFixed(1)} ms, ` +
      `${m('faults')} page faults, ` +
      `update ${m('update').toFixed(1)} ms (×${(m('c') / m('update')).toFixed(2)})`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
