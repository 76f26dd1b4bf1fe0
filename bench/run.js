#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [-- --json | --markdown] [-- --runs N] [-- --cpu-time]
//
// lz4framed against C liblz4 (the same pinned sources, compiled by bench/c-reference.js) and the
// npm peers, on corpora the harness generates itself (bench/corpus.js). Needs the compiled
// package: `npm run build:native` (the addon) and `npm run build:ts` (dist/).
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');
const { loadCorpus, MiB } = require('./corpus');
const { buildReference } = require('./c-reference');
const { lz4framed, LIBRARIES, PEERS } = require('./contenders');
const { benchCorpus } = require('./suite');
const { useCpuTime } = require('./measure');
const report = require('./report');

const MODES = {
  full: {
    runs: 5,
    slowRuns: 3,
    smallMs: 200,
    corpora: [
      { name: 'mixed', mib: 100, levels: [0, 1, 9], stream: true, small: true, checkpoint: true, extras: true },
      { name: 'incompressible', mib: 32, levels: [0, 9] },
      { name: 'compressible', mib: 64, levels: [0, 9] },
    ],
  },
  quick: {
    runs: 3,
    slowRuns: 2,
    smallMs: 30,
    corpora: [
      { name: 'mixed', mib: 16, levels: [0, 9], stream: true, small: true, checkpoint: true, extras: true },
      { name: 'incompressible', mib: 4, levels: [0] },
      { name: 'compressible', mib: 8, levels: [0] },
    ],
  },
};

function parseArgs(argv) {
  const args = { mode: 'full', format: 'text', runs: undefined, cpuTime: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.mode = 'quick';
    else if (a === '--json') args.format = 'json';
    else if (a === '--markdown') args.format = 'markdown';
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--cpu-time') args.cpuTime = true;
    else {
      console.error('usage: node bench/run.js [--quick] [--json | --markdown] [--runs N] [--cpu-time]');
      process.exit(2);
    }
  }
  if (args.runs !== undefined && !(Number.isInteger(args.runs) && args.runs >= 1 && args.runs <= 64)) {
    console.error('--runs takes an integer from 1 to 64');
    process.exit(2);
  }
  return args;
}

function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

function compilerVersion(cc) {
  try {
    return execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return cc;
  }
}

const load = () => os.loadavg()[0].toFixed(2);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const mode = MODES[args.mode];
  const settings = {
    mode: args.mode,
    runs: args.runs ?? mode.runs,
    slowRuns: Math.min(args.runs ?? mode.slowRuns, mode.slowRuns),
    smallMs: mode.smallMs,
    cpuTime: args.cpuTime,
  };
  if (args.cpuTime) useCpuTime();
  const log = (line) => process.stderr.write(`${line}\n`);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const loadBefore = load();
  if (Number(loadBefore) > cores / 2)
    log(`warning: load average ${loadBefore} on ${cores} cores: figures will be noisy`);

  const reference = buildReference();
  const started = Date.now();
  const results = [];
  for (const spec of mode.corpora) {
    const corpus = loadCorpus(spec.name, spec.mib * MiB);
    log(`${spec.name}: ${spec.mib} MiB (${corpus.path})`);
    results.push(await benchCorpus(corpus, spec, settings, reference, (row) => log(report.progress(row))));
  }
  const output = {
    machine: {
      cpu: cpuModel(),
      cores,
      node: process.version,
      compiler: compilerVersion(reference.cc),
      lz4framed: lz4framed.version,
      liblz4: lz4framed.LZ4_VERSION,
      loadBefore,
      loadAfter: load(),
    },
    settings: { ...settings, seconds: Math.round((Date.now() - started) / 1000) },
    reference: { cc: reference.cc, cflags: reference.cflags, cflagsFrom: reference.cflagsFrom },
    peers: LIBRARIES.filter((l) => l.name !== 'lz4framed').map(({ name, version, frame }) => ({
      name,
      version,
      frame,
    })),
    columns: ['lz4framed', ...PEERS],
    results,
  };
  if (args.format === 'json') process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  else process.stdout.write(`${(args.format === 'markdown' ? report.markdown : report.text)(output)}\n`);
  log(`done in ${output.settings.seconds} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
