#!/usr/bin/env node
'use strict';
// `npm run test:asan [-- jest arguments]`: builds the addon with -fsanitize=address,undefined
// (CMakeLists.txt through cmake-js, gcc) into build-asan/, then runs the jest suite against that
// build: lib/binding.ts loads LZ4FRAMED_ADDON, ASan's runtime is preloaded into node (which is
// not instrumented itself) and leak detection is off (node does not free everything at exit).
// Not part of `npm test`: everything runs several times slower.
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const buildDir = path.join(root, 'build-asan');
const addon = path.join(buildDir, 'Release', 'lz4framed.node');
// Suites that test something other than this addon build: the packed package (its own prebuild
// and source build) and the fuzz targets (their own clang sanitizer build).
const OTHER_BUILDS = ['test/package.test.ts', 'test/fuzz.test.ts'];

function sanitizerRuntime() {
  const file = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  if (!path.isAbsolute(file) || !fs.existsSync(file))
    throw new Error('gcc has no libasan.so (Debian: apt-get install gcc)');
  return file;
}

// Node-API headers from this node's own installation when it has them (Debian's and the
// official builds do), so cmake-js downloads nothing.
function nodeDirEnv() {
  if (process.env.npm_config_nodedir) return {};
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? { npm_config_nodedir: prefix } : {};
}

function main() {
  const runtime = sanitizerRuntime();
  const cmakeJs = path.join(path.dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  execFileSync(
    process.execPath,
    [cmakeJs, 'build', '--out', buildDir, '--parallel', '2', '--CDLZ4FRAMED_SANITIZE=address,undefined'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...nodeDirEnv() },
    },
  );
  if (!fs.existsSync(addon)) throw new Error(`cmake-js did not produce ${addon}`);

  const jest = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
  // The `=` form: a space-separated array option would swallow the test paths given after it.
  const ignore = OTHER_BUILDS.map((file) => `--testPathIgnorePatterns=${file}`);
  const run = spawnSync(process.execPath, [jest, '--runInBand', ...process.argv.slice(2), ...ignore], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      LZ4FRAMED_ADDON: addon,
      LD_PRELOAD: runtime,
      // Out-of-memory cases must fail as they do in production (malloc returns NULL). A smaller
      // quarantine of freed memory (default 256 MiB) keeps the tests that bound RSS meaningful.
      ASAN_OPTIONS: 'detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:quarantine_size_mb=8',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    },
  });
  process.exit(run.status ?? 1);
}

try {
  main();
} catch (error) {
  process.stderr.write(`test:asan: ${error.message}\n`);
  process.exit(2);
}
