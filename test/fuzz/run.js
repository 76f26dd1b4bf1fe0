#!/usr/bin/env node
'use strict';
// `npm run fuzz -- --seconds N`: builds the libFuzzer targets of test/fuzz with clang
// (CMakeLists.txt, LZ4FRAMED_FUZZ=ON, ASan + UBSan) into build-fuzz/, writes the seed corpora,
// runs every target side by side for N seconds and prints what each did as one JSON line.
// Exits 1 when a target found something (its input is kept in the findings folder).
//
//   --seconds N       how long the targets run (default 60)
//   --only NAME       run one target: decode, restore or roundtrip
//   --corpus DIR      where the growing corpora live (default test/fuzz, as corpus-<target>/)
//   --findings DIR    where crashing inputs go (default test/fuzz/findings)
//   --build DIR       build folder (default build-fuzz)
const fs = require('fs');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const TARGETS = {
  decode: { maxLen: 200000 },
  restore: { maxLen: 200000 },
  roundtrip: { maxLen: 140000 },
};

function options(argv) {
  const o = {
    seconds: 60,
    only: undefined,
    corpus: __dirname,
    findings: path.join(__dirname, 'findings'),
    build: path.join(root, 'build-fuzz'),
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--seconds' && /^\d+$/.test(value || '')) o.seconds = Number(value);
    else if (key === '--only' && value in TARGETS) o.only = value;
    else if (key === '--corpus' && value) o.corpus = path.resolve(value);
    else if (key === '--findings' && value) o.findings = path.resolve(value);
    else if (key === '--build' && value) o.build = path.resolve(value);
    else throw new Error(`unknown or incomplete option ${key} (see the header of test/fuzz/run.js)`);
    i++;
  }
  return o;
}

function build(dir) {
  for (const tool of ['clang', 'clang++', 'cmake']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${tool} is needed to build the fuzz targets (Debian: apt-get install clang libclang-rt-14-dev cmake)`,
      );
    }
  }
  const quiet = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync(
    'cmake',
    ['-S', root, '-B', dir, '-DLZ4FRAMED_FUZZ=ON', '-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++'],
    quiet,
  );
  execFileSync('cmake', ['--build', dir, '--parallel', '2'], quiet);
}

// Runs one target for `seconds`; resolves with what libFuzzer's final statistics say.
function fuzz(name, o, seeds) {
  const corpus = path.join(o.corpus, `corpus-${name}`);
  fs.mkdirSync(corpus, { recursive: true });
  fs.mkdirSync(o.findings, { recursive: true });
  const args = [
    `-max_total_time=${o.seconds}`,
    `-max_len=${TARGETS[name].maxLen}`,
    '-timeout=30',
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    `-artifact_prefix=${path.join(o.findings, `${name}-`)}`,
    corpus,
    path.join(seeds, name),
  ];
  return new Promise((resolve) => {
    const child = spawn(path.join(o.build, `fuzz_${name}`), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += d.toString()));
    child.on('close', (status, signal) => {
      const stat = (key) => Number((new RegExp(`stat::${key}:\\s*(\\d+)`).exec(log) || [])[1]);
      const finding = /==\d+==ERROR|runtime error|lz4framed fuzz finding|deadly signal|Test unit written to (\S+)/.exec(
        log,
      );
      resolve({
        name,
        status,
        signal,
        executions: stat('number_of_executed_units'),
        newUnits: stat('new_units_added'),
        peakRssMb: stat('peak_rss_mb'),
        corpusFiles: fs.readdirSync(corpus).length,
        finding: finding ? log.slice(Math.max(0, finding.index - 200), finding.index + 2000) : undefined,
      });
    });
  });
}

async function main() {
  const o = options(process.argv.slice(2));
  build(o.build);
  const seeds = path.join(o.build, 'seeds');
  fs.rmSync(seeds, { recursive: true, force: true });
  execFileSync(path.join(o.build, 'make_corpus'), [seeds], { stdio: ['ignore', 'ignore', 'inherit'] });
  const names = o.only ? [o.only] : Object.keys(TARGETS);
  const results = await Promise.all(names.map((name) => fuzz(name, o, seeds)));
  for (const r of results) {
    if (r.finding) process.stderr.write(`\n=== ${r.name} found something:\n${r.finding}\n`);
  }
  const summary = Object.fromEntries(
    results.map((r) => [r.name, { ...r, name: undefined, finding: r.finding ? 'yes' : 'none' }]),
  );
  console.log(JSON.stringify(summary));
  process.exit(results.every((r) => r.status === 0 && !r.finding) ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`fuzz: ${error.message}\n`);
  process.exit(2);
});
