// The libFuzzer targets of test/fuzz build (clang, ASan + UBSan, CMakeLists.txt), their seed
// corpora are written from the native core itself, and each target runs for a few seconds
// without a finding. Longer runs: `npm run fuzz -- --seconds 600`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers/outside-jest';
import { useTmpDir } from './helpers/tmp';

const tmp = useTmpDir('fuzz');

interface TargetRun {
  status: number | null;
  signal: string | null;
  executions: number;
  newUnits: number;
  corpusFiles: number;
  finding: string;
}

test('every fuzz target builds, gets a seed corpus and runs 5 seconds without a finding', () => {
  const corpus = tmp().path('corpus');
  const findings = tmp().path('findings');
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'test', 'fuzz', 'run.js'), '--seconds', '5', '--corpus', corpus, '--findings', findings],
    { encoding: 'utf8', timeout: 420000 },
  );
  expect(run.stderr).not.toMatch(/found something/);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, TargetRun>;
  expect(Object.keys(summary).sort()).toEqual(['decode', 'restore', 'roundtrip']);
  const seeds = path.join(ROOT, 'build-fuzz', 'seeds');
  for (const [name, target] of Object.entries(summary)) {
    expect({ name, status: target.status, signal: target.signal, finding: target.finding }).toEqual({
      name,
      status: 0,
      signal: null,
      finding: 'none',
    });
    // The seeds are real frames and checkpoints: the target ran many inputs and kept a corpus.
    expect(fs.readdirSync(path.join(seeds, name)).length).toBeGreaterThan(10);
    expect(target.executions).toBeGreaterThan(50);
    expect(target.corpusFiles).toBeGreaterThan(10);
  }
  expect(fs.readdirSync(findings)).toEqual([]);
  expect(run.status).toBe(0);
}, 480000);
