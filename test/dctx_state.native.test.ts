// native/dctx_state.c on its own, under AddressSanitizer + UndefinedBehaviorSanitizer: the C harness
// test/native/dctx_state_check.c drives liblz4 decoders the way native/frame_decoder.cc does and, at
// every decoder state of streams in every frame mode, checks that a clone, a restored checkpoint
// (history embedded or omitted) and a chain of restores all finish with the exact output and stream
// fields, then attacks the checkpoint parser with mutated, cut, extended and random blobs. It also
// measures the checkpoint sizes against the targets in docs/checkpoint-format.md.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const lz4 = path.join(root, 'deps', 'lz4', 'lib');
const sources = [
  path.join(lz4, 'lz4.c'),
  path.join(lz4, 'lz4hc.c'),
  path.join(lz4, 'xxhash.c'),
  path.join(root, 'native', 'dctx_state.c'),
  path.join(root, 'test', 'native', 'dctx_state_check.c'),
];
const flags = [
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=undefined',
  '-fno-omit-frame-pointer',
  '-g',
  '-O1',
];

function run(file: string, args: string[]): { status: number; output: string } {
  try {
    const output = execFileSync(file, args, {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status?: number | null; stdout?: string; stderr?: string };
    return { status: e.status ?? -1, output: `${e.stdout ?? ''}\n${e.stderr ?? ''}` };
  }
}

describe('dctx_state.c (clone, checkpoint, restore, output bound) under ASan + UBSan', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-dctx-state-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every decoder state clones and restores exactly; hostile blobs are refused or decode safely', () => {
    for (const file of sources) expect(fs.existsSync(file)).toBe(true); // deps/lz4/lib comes from `npm run fetch-lz4`
    const exe = path.join(dir, 'dctx_state_check');
    execFileSync('gcc', [...flags, `-I${lz4}`, ...sources, '-o', exe], { stdio: ['ignore', 'pipe', 'pipe'] });

    const { status, output } = run(exe, ['-j', String(Math.min(2, Math.max(1, os.cpus().length)))]);
    if (status !== 0) throw new Error(`dctx_state_check exited with status ${status}:\n${output}`);

    expect(output).toMatch(/^RESULT: PASS \(0 failure\(s\)\)$/m);
    expect(output).toMatch(/^size independent at block boundary: max \d+ bytes .*: target met$/m);
    expect(output).toMatch(/^size linked embedded history at block boundary: max \d+ bytes .*: target met$/m);
    expect(output).toMatch(/^size linked omitted history at block boundary: max \d+ bytes .*: target met$/m);
    const verified = /^checkpoints verified: (\d+)/m.exec(output);
    expect(Number(verified?.[1])).toBeGreaterThan(10000);
    // Decompressor.update allocates its output by lz4framed_dctx_output_bound: checked on every feed.
    const bounds = /^output bounds checked: (\d+) \(no bound: (\d+)\)$/m.exec(output);
    expect(Number(bounds?.[1])).toBeGreaterThan(10000);
    expect(Number(bounds?.[1])).toBeGreaterThan(Number(bounds?.[2]));
    const hostile = /^hostile blobs tried: (\d+)/m.exec(output);
    expect(Number(hostile?.[1])).toBeGreaterThan(100000);
  }, 180_000);
});
