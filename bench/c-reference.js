'use strict';
// Builds bench/c_reference.c against the pinned liblz4 sources with the C flags the addon's lz4
// target is compiled with, and runs it as a server the harness interleaves with JavaScript.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { execFileSync, spawn } = require('child_process');
const { cacheDir } = require('./corpus');

const root = path.join(__dirname, '..');
const lz4Dir = path.join(root, 'deps', 'lz4', 'lib');
const SOURCES = ['lz4.c', 'lz4hc.c', 'xxhash.c', 'lz4frame.c'].map((f) => path.join(lz4Dir, f));

// What node-gyp passes for the `lz4` target of binding.gyp in a Release build: binding.gyp's
// cflags plus node-gyp's own (-fno-omit-frame-pointer, -m64, -pthread). Used when
// build/lz4.target.mk (where node-gyp wrote the real list) is missing.
const FALLBACK_CFLAGS = ['-fPIC', '-pthread', '-O3', '-fvisibility=hidden', '-m64', '-fno-omit-frame-pointer'];

// The code-generation flags of the last native build, from the makefile node-gyp generated.
function addonCflags() {
  const mk = path.join(root, 'build', 'lz4.target.mk');
  if (!fs.existsSync(mk)) return { flags: FALLBACK_CFLAGS, from: 'bench/c-reference.js defaults' };
  const text = fs.readFileSync(mk, 'utf8');
  const match = /^CFLAGS_Release := \\\n((?:\t.*\n)+)/m.exec(text);
  if (!match) return { flags: FALLBACK_CFLAGS, from: 'bench/c-reference.js defaults' };
  const flags = match[1]
    .split('\n')
    .map((line) => line.replace(/\\$/, '').trim())
    .filter((flag) => flag && !/^-W/.test(flag));
  return { flags, from: 'build/lz4.target.mk' };
}

/** Compiles the reference once per source and flag set; returns { binary, cflags, cflagsFrom }. */
function buildReference() {
  for (const file of SOURCES) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run fetch-lz4\` first`);
  }
  const cc = process.env.CC || 'gcc';
  const { flags, from } = addonCflags();
  // For experiments only (e.g. -march=native): the reference then no longer matches the addon.
  const extra = (process.env.LZ4FRAMED_BENCH_CFLAGS || '').split(/\s+/).filter(Boolean);
  const cflags = [...flags, ...extra];
  const program = path.join(__dirname, 'c_reference.c');
  const hash = crypto.createHash('sha256');
  for (const file of [program, ...SOURCES]) hash.update(fs.readFileSync(file));
  hash.update(JSON.stringify([cc, cflags]));
  const dir = path.join(cacheDir(), 'c-reference');
  const binary = path.join(dir, `c_reference-${hash.digest('hex').slice(0, 16)}`);
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.tmp`;
    execFileSync(cc, [...cflags, `-I${lz4Dir}`, program, ...SOURCES, '-o', partial], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    fs.renameSync(partial, binary);
  }
  return { binary, cc, cflags, cflagsFrom: from };
}

/**
 * The reference as a server on `file`: `time(op, level, iterations)` resolves with the seconds C
 * took (timed inside the C process, so the pipe costs nothing; CPU seconds with `cpuTime`),
 * letting the harness interleave C runs with JavaScript runs. `close()` ends it.
 */
function startReference(reference, file, { streamChunk, small, smallOffset, cpuTime }) {
  const args = [file, '--serve', '--stream', String(streamChunk)];
  args.push('--small', String(small), '--small-offset', String(smallOffset));
  if (cpuTime) args.push('--cpu');
  const child = spawn(reference.binary, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let failure;
  readline.createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(Number(line)));
  child.on('exit', (code, signal) => {
    failure = new Error(`c_reference exited (${signal || code})`);
    for (const w of waiting.splice(0)) w.reject(failure);
  });
  return {
    time(op, level, iterations = 1) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${op} ${level} ${iterations}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

module.exports = { buildReference, startReference };
