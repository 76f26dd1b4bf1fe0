// A short run of bench/soak.js (the leak check: mixed sync, async, streaming, clone, checkpoint
// and error operations while RSS is sampled) must level off; the same run with a leak planted
// from outside must not.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { compileLib } from './helpers/compiled-lib';
import { ROOT } from './helpers/outside-jest';
import { useTmpDir } from './helpers/tmp';

const tmp = useTmpDir('soak');
let lib = '';

beforeAll(() => {
  lib = compileLib(tmp().dir);
});

interface Verdict {
  ops: number;
  samples: number;
  lastQuarterGrowthMb: number;
  boundMb: number;
  leveledOff: boolean;
}

function soak(
  args: readonly string[],
  preload?: string,
): { status: number | null; verdict: Verdict; samples: string[]; stderr: string } {
  const nodeArgs = ['--expose-gc', ...(preload ? ['--require', preload] : [])];
  const script = path.join(ROOT, 'bench', 'soak.js');
  const run = spawnSync(process.execPath, [...nodeArgs, script, '--module', lib, ...args], {
    encoding: 'utf8',
    timeout: 240000,
  });
  const lines = run.stdout.trim().split('\n');
  return {
    status: run.status,
    verdict: JSON.parse(lines[lines.length - 1]) as Verdict,
    samples: lines.filter((line) => line.startsWith('ops ')),
    stderr: run.stderr,
  };
}

test('60 000 mixed operations: RSS levels off', () => {
  const r = soak(['--ops', '60000', '--samples', '20']);
  expect(r.stderr).toBe('');
  expect(r.samples).toHaveLength(20);
  expect(r.verdict).toMatchObject({ ops: 60000, samples: 20, leveledOff: true });
  expect(r.status).toBe(0);
}, 240000);

test('a planted leak is caught', () => {
  // Keeps 64 KiB for every Buffer.concat the operations make (a few thousand per run).
  const leak = tmp().write(
    'leak.js',
    Buffer.from(`
      const kept = [];
      const concat = Buffer.concat;
      Buffer.concat = function (...args) { kept.push(Buffer.alloc(65536, 1)); return concat.apply(this, args); };
    `),
  );
  const r = soak(['--ops', '20000', '--samples', '8'], leak);
  expect(r.verdict.leveledOff).toBe(false);
  expect(r.verdict.lastQuarterGrowthMb).toBeGreaterThan(r.verdict.boundMb);
  expect(r.status).toBe(1);
}, 240000);
