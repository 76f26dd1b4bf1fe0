'use strict';
// The rows of the benchmark for one corpus: C liblz4 (bench/c_reference.c, taking turns with the
// JavaScript contenders) and every contender on the same data. Each contender's output is checked
// to decode back to the input once, before any timing.
const { availableParallelism } = require('os');
const { throughput, rate, latency } = require('./measure');
const { startReference } = require('./c-reference');
const {
  lz4framed,
  LIBRARIES,
  TRANSFORMS,
  hasCheckpoints,
  decoderAtBoundary,
  contextCompress,
  contextCompressAsync,
  contextDecompress,
  contextDecompressAsync,
  pump,
} = require('./contenders');

const STREAM_CHUNK = 64 * 1024;
const SMALL = 1024;
const IN_FLIGHT = 16;
// Where the checkpointing decoder stands: past enough output for a full 64 KiB history window.
const CHECKPOINT_AFTER = 1024 * 1024;

const isHighCompression = (level) => level >= 3;

function bytesOf(output) {
  return Buffer.isBuffer(output) ? output : Buffer.from(output.buffer, output.byteOffset, output.byteLength);
}

function checkRoundTrip(what, decoded, original) {
  if (!bytesOf(decoded).equals(original)) throw new Error(`${what} does not give the input back`);
}

class Rows {
  constructor(corpus, log) {
    this.corpus = corpus;
    this.log = log;
    this.list = [];
  }

  // results: { [id]: { medianMBps | medianOpsPerSec | medianMicros, best… } }. The id 'C' is the
  // reference every other figure is divided by; 'C:<variant>' are C variants shown as notes.
  add(op, unit, results, note) {
    const value = (r) => r && (r.medianMBps ?? r.medianOpsPerSec ?? r.medianMicros);
    const c = value(results.C);
    const cells = {};
    const cVariants = {};
    for (const [id, r] of Object.entries(results)) {
      if (id === 'C') continue;
      if (id.startsWith('C:')) cVariants[id.slice(2)] = value(r);
      else {
        const best = r.bestMBps ?? r.bestOpsPerSec ?? r.bestMicros;
        cells[id] = { median: value(r), best, ratioToC: c ? value(r) / c : undefined };
      }
    }
    const row = { corpus: this.corpus, op, unit, c, cells, cVariants, note };
    this.list.push(row);
    this.log(row);
  }
}

// ---------------------------------------------------------------- one-shot

// The C reference as a contender: the operation `op` at `level`, timed inside the C process.
const cContender = (reference, op, level, id = 'C') => ({
  id,
  fn: (iterations) => reference.time(op, level, iterations),
  selfTimed: true,
});

async function oneShotRows(rows, reference, data, level, runs, extras) {
  const libraries = LIBRARIES.filter((lib) => lib.levels.includes(level));
  const frames = {};
  for (const lib of libraries) {
    frames[lib.name] = lib.compress(data, level);
    checkRoundTrip(`${lib.name} level ${level}`, lib.decompress(frames[lib.name]), data);
  }
  const sized = frames.lz4framed;
  const unsized = lz4framed.compressSync(data, { level, contentSize: false });
  checkRoundTrip('lz4framed without content size', lz4framed.decompressSync(unsized), data);
  const bytes = data.length;
  const each = (make, async = false) =>
    libraries.map((lib) => ({ id: lib.name, fn: make(lib), async })).filter((c) => c.fn);
  const row = async (op, cOp, contenders, cVariants = []) =>
    rows.add(
      op,
      'MB/s',
      await throughput([cContender(reference, cOp, level), ...cVariants, ...contenders], bytes, runs),
    );

  await row(
    `compress L${level}`,
    'compress',
    each((lib) => () => lib.compress(data, level)),
    extras
      ? [
          cContender(reference, 'compressFrame', level, 'C:compressFrame'),
          cContender(reference, 'compressFreshDst', level, 'C:compressFreshDst'),
          cContender(reference, 'compressSteps', level, 'C:compressSteps'),
        ]
      : [],
  );
  await row(
    `compress L${level} async`,
    'compress',
    each((lib) => lib.compressAsync && (() => lib.compressAsync(data, level)), true),
  );
  await parallelRows(row, data, level);
  await row(
    `decompress L${level}, size stored`,
    'decompress',
    [{ id: 'lz4framed', fn: () => lz4framed.decompressSync(sized) }],
    extras ? [cContender(reference, 'decompressFreshDst', level, 'C:decompressFreshDst')] : [],
  );
  await row(`decompress L${level}, size stored, async`, 'decompress', [
    { id: 'lz4framed', fn: () => lz4framed.decompress(sized), async: true },
  ]);
  // The peers' frames never store the size: they belong here, each decoding its own frame.
  const ownFrame = (lib) => (lib.name === 'lz4framed' ? unsized : frames[lib.name]);
  await row(
    `decompress L${level}, size not stored`,
    'decompressUnknownSize',
    each((lib) => () => lib.decompress(ownFrame(lib))),
  );
  await row(
    `decompress L${level}, size not stored, async`,
    'decompressUnknownSize',
    each((lib) => lib.decompressAsync && (() => lib.decompressAsync(ownFrame(lib))), true),
  );
  return { ratio: bytes / sized.length, sized };
}

// Parallel compression (the promise compress's default on a large input), against C's single
// thread on the same frame settings: linked blocks (the default) and independent blocks.
async function parallelRows(row, data, level) {
  const lanes = availableParallelism();
  const independent = { level, blockLinked: false };
  checkRoundTrip('parallel compress', lz4framed.decompressSync(await lz4framed.compress(data, { level })), data);
  const parallelFrame = await lz4framed.compress(data, independent);
  if (!parallelFrame.equals(lz4framed.compressSync(data, independent))) {
    throw new Error('parallel compress with independent blocks differs from compressSync');
  }
  await row(`compress L${level} async, ${lanes} parallel parts`, 'compress', [
    { id: 'lz4framed', fn: () => lz4framed.compress(data, { level }), async: true },
  ]);
  await row(`compress L${level} async, ${lanes} parallel parts, independent blocks`, 'compressIndependent', [
    { id: 'lz4framed', fn: () => lz4framed.compress(data, independent), async: true },
  ]);
}

// ---------------------------------------------------------------- streaming

async function streamRows(rows, reference, data, runs, extras) {
  const bytes = data.length;
  const kept = [];
  contextCompress(data, STREAM_CHUNK, kept);
  const packed = Buffer.concat(kept);
  checkRoundTrip('Compressor.update', lz4framed.decompressSync(packed), data);
  kept.length = 0;
  contextDecompress(packed, STREAM_CHUNK, kept);
  checkRoundTrip('Decompressor.update', Buffer.concat(kept), data);

  // Each Transform compresses, then decompresses its own stream.
  const transformFrames = {};
  for (const t of TRANSFORMS) {
    const out = [];
    await pump(t.compress(), data, STREAM_CHUNK, out);
    transformFrames[t.name] = Buffer.concat(out);
    out.length = 0;
    await pump(t.decompress(), transformFrames[t.name], STREAM_CHUNK, out);
    checkRoundTrip(`${t.name} Transform streams`, Buffer.concat(out), data);
  }
  const row = async (op, cOp, contenders, { note, cVariants = [] } = {}) =>
    rows.add(
      op,
      'MB/s',
      await throughput([cContender(reference, cOp, 0), ...cVariants, ...contenders], bytes, runs),
      note,
    );
  const chunks = `${STREAM_CHUNK / 1024} KiB chunks`;
  const noTransform = TRANSFORMS.some((t) => t.name === 'lz4framed')
    ? undefined
    : 'lz4framed: no createCompressStream in this build';

  await row(`stream compress: Compressor.update, ${chunks}`, 'compressStream', [
    { id: 'lz4framed', fn: () => contextCompress(data, STREAM_CHUNK) },
  ]);
  await row(`stream compress: Compressor.updateAsync, ${chunks}`, 'compressStream', [
    { id: 'lz4framed', fn: () => contextCompressAsync(data, STREAM_CHUNK), async: true },
  ]);
  await row(
    `stream compress: Transform, ${chunks}`,
    'compressStream',
    TRANSFORMS.map((t) => ({ id: t.name, fn: () => pump(t.compress(), data, STREAM_CHUNK), async: true })),
    { note: noTransform },
  );
  await row(
    `stream decompress: Decompressor.update, ${chunks}`,
    'decompressStream',
    [{ id: 'lz4framed', fn: () => contextDecompress(packed, STREAM_CHUNK) }],
    { cVariants: extras ? [cContender(reference, 'decompressStreamFreshDst', 0, 'C:decompressStreamFreshDst')] : [] },
  );
  await row(`stream decompress: Decompressor.updateAsync, ${chunks}`, 'decompressStream', [
    { id: 'lz4framed', fn: () => contextDecompressAsync(packed, STREAM_CHUNK), async: true },
  ]);
  await row(
    `stream decompress: Transform, ${chunks}`,
    'decompressStream',
    TRANSFORMS.map((t) => ({
      id: t.name,
      fn: () => pump(t.decompress(), transformFrames[t.name], STREAM_CHUNK),
      async: true,
    })),
    { note: noTransform },
  );
}

// ---------------------------------------------------------------- small inputs

async function smallRows(rows, reference, data, runs, ms) {
  const input = Buffer.from(data.subarray(0, SMALL));
  const libraries = LIBRARIES.filter((lib) => lib.levels.includes(0));
  const frames = {};
  for (const lib of libraries) {
    frames[lib.name] = lib.compress(input, 0);
    checkRoundTrip(`${lib.name} on ${SMALL} bytes`, lib.decompress(frames[lib.name]), input);
  }
  // Sync calls, or async ones with `inFlight` calls at a time.
  const contenders = (kind, inFlight) =>
    libraries
      .filter((lib) => (inFlight ? lib[`${kind}Async`] : lib[kind]))
      .map((lib) => {
        const arg = kind === 'compress' ? input : frames[lib.name];
        return inFlight
          ? { id: lib.name, fn: () => lib[`${kind}Async`](arg, 0), async: true, inFlight }
          : { id: lib.name, fn: () => lib[kind](arg, 0) };
      });
  const what = `${SMALL / 1024} KiB`;
  for (const kind of ['compress', 'decompress']) {
    const c = cContender(reference, `small-${kind}`, 0);
    rows.add(`${what} ${kind}`, 'ops/s', await rate([c, ...contenders(kind, 0)], runs, ms));
    rows.add(`${what} ${kind} async, 1 in flight`, 'ops/s', await rate([c, ...contenders(kind, 1)], runs, ms));
    rows.add(
      `${what} ${kind} async, ${IN_FLIGHT} in flight`,
      'ops/s',
      await rate([c, ...contenders(kind, IN_FLIGHT)], runs, ms),
    );
  }
}

// ---------------------------------------------------------------- checkpoints

async function checkpointRows(rows, data, frame, runs, ms) {
  if (!hasCheckpoints) {
    rows.add('checkpoint + restore', 'µs', {}, 'Decompressor#checkpoint / Decompressor.restore not in this build');
    return;
  }
  const { decoder, output } = decoderAtBoundary(frame, CHECKPOINT_AFTER);
  const embedded = decoder.checkpoint();
  const omitted = decoder.checkpoint({ history: 'omit' });
  // A restored decoder must go on exactly where the original stood.
  const rest = frame.subarray(decoder.inputOffset);
  const resumed = lz4framed.Decompressor.restore(omitted, { history: output });
  checkRoundTrip('a decoder restored at a block boundary', Buffer.concat([output, resumed.update(rest)]), data);
  resumed.close();
  const one = async (op, fn) => rows.add(op, 'µs', await latency([{ id: 'lz4framed', fn }], runs, ms));
  await one(`checkpoint at a block boundary, history embedded (${embedded.length} bytes)`, () => decoder.checkpoint());
  await one('restore it (+ close)', () => lz4framed.Decompressor.restore(embedded).close());
  await one(`checkpoint, history omitted (${omitted.length} bytes)`, () => decoder.checkpoint({ history: 'omit' }));
  await one('restore it, history given (+ close)', () =>
    lz4framed.Decompressor.restore(omitted, { history: output }).close(),
  );
  if (typeof decoder.clone === 'function') await one('clone (+ close)', () => decoder.clone().close());
  decoder.close();
}

// ---------------------------------------------------------------- a corpus

/**
 * spec: { levels, stream, small, checkpoint, extras }; settings: { runs, slowRuns, smallMs, cpuTime }.
 * Returns { corpus: { name, bytes, sha256, ratios }, rows }.
 */
async function benchCorpus(corpus, spec, settings, build, log) {
  const data = corpus.data;
  const rows = new Rows(corpus.name, log);
  const ratios = {};
  const reference = startReference(build, corpus.path, {
    streamChunk: STREAM_CHUNK,
    small: SMALL,
    smallOffset: 0,
    cpuTime: settings.cpuTime,
  });
  try {
    for (const level of spec.levels) {
      const first = level === spec.levels[0];
      const runs = isHighCompression(level) ? settings.slowRuns : settings.runs;
      const { ratio, sized } = await oneShotRows(rows, reference, data, level, runs, spec.extras && first);
      ratios[level] = ratio;
      if (!first) continue;
      if (spec.stream) await streamRows(rows, reference, data, settings.runs, spec.extras);
      if (spec.small) await smallRows(rows, reference, data, settings.runs, settings.smallMs);
      if (spec.checkpoint) {
        try {
          await checkpointRows(rows, data, sized, settings.runs, settings.smallMs);
        } catch (error) {
          // The checkpoint API is young: its failure is reported, not allowed to sink the run.
          rows.add('checkpoint + restore', 'µs', {}, `failed: ${error.message}`);
        }
      }
    }
  } finally {
    reference.close();
  }
  return { corpus: { name: corpus.name, bytes: data.length, sha256: corpus.sha256, ratios }, rows: rows.list };
}

module.exports = { benchCorpus };
