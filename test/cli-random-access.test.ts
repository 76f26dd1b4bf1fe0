// The lz4framed command line's resumable downloads (--resume against a real HTTP server on
// 127.0.0.1 and against files, continued after SIGKILL and SIGINT), -T against the serial decode
// and `lz4 -d`, index then cat against slices of the full decode, --seekable outputs that `lz4 -d`
// still reads byte for byte, the exit codes, and the usage errors of bad combinations.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { decompressTo, loadIndex, readCheckpointFile, readSeekTable } from '../lib';
import { HELP, parseArgs, resolveStreams, UsageError } from '../lib/cli-args';
import { compileLib } from './helpers/compiled-lib';
import { compressibleBytes, mixedBytes } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import { lz4CliFile } from './helpers/lz4-files';
import { RangeServer, startRangeServer } from './helpers/range-server';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const KiB = 1024;
const MiB = 1024 * KiB;
const tmp = useTmpDir('cli-ra');
let CLI = '';

// Two frames of different kinds (independent 64 KiB blocks without a content size; linked
// 256 KiB blocks with one) around a skippable frame, all written by the lz4 command line.
const plainA = mixedBytes(3 * MiB + 123, 81);
const plainB = compressibleBytes(2 * MiB + 45, 82);
const full = Buffer.concat([plainA, plainB]);
let independent: Buffer;
let multi: Buffer;

beforeAll(() => {
  CLI = path.join(path.dirname(compileLib(tmp().path('compiled'))), 'cli.js');
  independent = lz4Cli(['-c', '-B4'], plainA);
  multi = Buffer.concat([
    independent,
    skippableFrame(Buffer.from('not data')),
    lz4CliFile(plainB, ['-BD', '-B5', '--content-size']),
  ]);
  expect(lz4Cli(['-d', '-c'], multi).equals(full)).toBe(true);
}, 60_000);

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

interface Started {
  child: ChildProcess;
  done: Promise<Run>;
}

// Asynchronous, never spawnSync: the HTTP server lives in this process and must keep answering.
function start(args: readonly string[], cwd: string): Started {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout), stderr })),
  );
  return { child, done };
}

function cli(args: readonly string[], cwd: string): Promise<Run> {
  return start(args, cwd).done;
}

// What a person sees on a terminal (a pty from script(1)): progress bar and summary lines.
function onTerminal(args: readonly string[], cwd: string): string {
  return execFileSync('script', ['-qec', [process.execPath, CLI, ...args].join(' '), '/dev/null'], {
    cwd,
    encoding: 'utf8',
  });
}

async function expectSuccess(run: Promise<Run>): Promise<Run> {
  const r = await run;
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return r;
}

// A failure: the expected exit code and exactly one line on stderr, no stack trace.
async function expectFailure(run: Promise<Run>, status: number, pattern: RegExp): Promise<void> {
  const r = await run;
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status, stderr: expect.stringMatching(pattern) });
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^lz4framed: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(lines.length).toBeLessThanOrEqual(status === 1 ? 2 : 1); // usage errors add a hint to --help
}

let caseNo = 0;
function caseDir(files: Record<string, Buffer> = {}): string {
  const d = tmp().path(`case-${++caseNo}`);
  fs.mkdirSync(d);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(d, name), bytes);
  return d;
}

const read = (d: string, name: string) => fs.readFileSync(path.join(d, name));
const exists = (d: string, name: string) => fs.existsSync(path.join(d, name));

async function until(condition: () => boolean, started: Started): Promise<void> {
  let closed = false;
  void started.done.then(() => (closed = true));
  while (!condition() && !closed) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(closed).toBe(false); // the condition came first: the run is still going
}

/** A checkpoint from the library itself: decompressTo stopped by its signal after about `after` input bytes. */
async function stoppedDownload(input: string, output: string, after: number): Promise<number> {
  const controller = new AbortController();
  const run = decompressTo(input, output, {
    checkpointInterval: 64 * KiB,
    retryDelay: 0,
    signal: controller.signal,
    onProgress: (p) => p.inputBytes >= after && controller.abort(),
  });
  await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR' });
  const record = await readCheckpointFile(`${output}.lz4ckpt`);
  expect(record!.inputOffset).toBeGreaterThan(0);
  expect(record!.inputOffset).toBeLessThan(multi.length);
  return record!.inputOffset;
}

/** The requests since `before` went on at `offset`, apart from the 64-byte read of the head that checks the input is the same. */
function expectContinuedAt(server: RangeServer, before: number, offset: number): void {
  const rerun = server.requests.slice(before);
  expect(rerun.map((r) => r.start)).toContain(offset);
  for (const r of rerun) expect(r.start === offset || (r.start === 0 && r.sent <= 64)).toBe(true);
}

describe('decompress --resume', () => {
  let server: RangeServer;
  beforeAll(async () => {
    server = await startRangeServer(multi);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.behaviour = {};
  });

  test('downloads from an http URL and decodes a file: the output equals lz4 -d, no checkpoint is left', async () => {
    const d = caseDir({ 'multi.lz4': multi });
    await expectSuccess(cli(['-d', '--resume', server.url, 'from-url'], d));
    expect(read(d, 'from-url').equals(full)).toBe(true);
    await expectSuccess(cli(['decompress', '--resume', 'multi.lz4', 'from-file'], d));
    expect(read(d, 'from-file').equals(full)).toBe(true);
    await expectSuccess(cli(['--resume', 'multi.lz4'], d)); // a .lz4 input: decompress, OUTFILE named as lz4 does
    expect(read(d, 'multi').equals(full)).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['from-file', 'from-url', 'multi', 'multi.lz4']);
  });

  test('killed with SIGKILL mid-download, the same command continues from the checkpoint, fetching nothing twice', async () => {
    const d = caseDir();
    const args = ['-d', '--resume', '--checkpoint-interval=128K', server.url, 'out'];
    server.behaviour = { pieceDelayMs: 10 }; // ~1.6 MB/s: the download lasts well over a second
    const first = start(args, d);
    await until(() => exists(d, 'out.lz4ckpt'), first);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const record = (await readCheckpointFile(path.join(d, 'out.lz4ckpt')))!;
    expect(record.inputOffset).toBeGreaterThan(0);
    expect(record.inputOffset).toBeLessThan(multi.length);
    expect(read(d, 'out').subarray(0, record.outputOffset).equals(full.subarray(0, record.outputOffset))).toBe(true);

    server.behaviour = {};
    const before = server.requests.length;
    await expectSuccess(cli(args, d));
    expect(read(d, 'out').equals(full)).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['out']);
    expectContinuedAt(server, before, record.inputOffset);
  });

  test('SIGINT: exit 130, the checkpoint and the partial output are kept, the same command finishes', async () => {
    const d = caseDir();
    const args = ['-d', '--resume', '--checkpoint-interval=128K', server.url, 'out'];
    server.behaviour = { pieceDelayMs: 10 };
    const first = start(args, d);
    await until(() => exists(d, 'out.lz4ckpt'), first);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect({ status: stopped.status, stderr: stopped.stderr }).toEqual({
      status: 130,
      stderr: 'lz4framed: interrupted; run the same command again to continue\n',
    });
    const record = (await readCheckpointFile(path.join(d, 'out.lz4ckpt')))!;
    expect(record.inputOffset).toBeLessThan(multi.length);
    expect(fs.statSync(path.join(d, 'out')).size).toBe(record.outputOffset); // stopped cleanly: checkpointed where it stood
    server.behaviour = {};
    const before = server.requests.length;
    await expectSuccess(cli(args, d));
    expect(read(d, 'out').equals(full)).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['out']);
    expectContinuedAt(server, before, record.inputOffset);
  });

  test('a file input resumes a checkpoint left by an earlier run; on a terminal the summary says so, -q silences it', async () => {
    const d = caseDir({ 'multi.lz4': multi });
    await stoppedDownload(path.join(d, 'multi.lz4'), path.join(d, 'out'), 300_000);
    expect(onTerminal(['-d', '--resume', 'multi.lz4', 'out'], d)).toMatch(
      /multi\.lz4: [0-9.]+ MiB → 5\.00 MiB \([0-9.]+%\), resumed from a checkpoint/,
    );
    expect(read(d, 'out').equals(full)).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['multi.lz4', 'out']);
    expect(onTerminal(['-d', '--resume', '-q', '-f', 'multi.lz4', 'again'], d)).toBe('');
    expect(read(d, 'again').equals(full)).toBe(true);
  });

  test('3: an OUTFILE with no checkpoint needs -f; a checkpoint of another input is refused until --no-resume', async () => {
    const d = caseDir({ 'multi.lz4': multi, 'other.lz4': independent, out: Buffer.from('precious') });
    await expectFailure(
      cli(['-d', '--resume', 'multi.lz4', 'out'], d),
      3,
      /out already exists and there is no out\.lz4ckpt .*use -f/,
    );
    expect(read(d, 'out').toString()).toBe('precious');
    await expectSuccess(cli(['-d', '--resume', '-f', 'multi.lz4', 'out'], d));
    expect(read(d, 'out').equals(full)).toBe(true);
    fs.mkdirSync(path.join(d, 'a-dir'));
    await expectFailure(
      cli(['-d', '--resume', '-f', 'multi.lz4', 'a-dir'], d),
      3,
      /cannot write a-dir: illegal operation on a directory/,
    );
    expect(fs.statSync(path.join(d, 'a-dir')).isDirectory()).toBe(true);

    await stoppedDownload(path.join(d, 'multi.lz4'), path.join(d, 'out2'), 300_000);
    const partial = read(d, 'out2');
    await expectFailure(
      cli(['-d', '--resume', 'other.lz4', 'out2'], d),
      3,
      /cannot resume out2: .*ERR_LZ4_RESUME_INPUT_CHANGED.*--no-resume/,
    );
    expect(read(d, 'out2').equals(partial)).toBe(true); // nothing changed
    expect(exists(d, 'out2.lz4ckpt')).toBe(true);
    await expectSuccess(cli(['-d', '--no-resume', 'other.lz4', 'out2'], d)); // an unfinished OUTFILE: no -f needed
    expect(read(d, 'out2').equals(plainA)).toBe(true);
    expect(exists(d, 'out2.lz4ckpt')).toBe(false);
  });

  test('2: a missing file, an HTTP error status, a server that ignores Range when resuming', async () => {
    const d = caseDir();
    await expectFailure(
      cli(['-d', '--resume', 'missing.lz4', 'out'], d),
      2,
      /cannot open missing\.lz4: no such file or directory/,
    );
    server.behaviour = { statusFor: () => 404 };
    await expectFailure(cli(['-d', '--resume', server.url, 'out'], d), 2, /HTTP status 404.*\(ERR_LZ4_HTTP_STATUS\)/);
    expect(fs.readdirSync(d)).toEqual([]); // no checkpoint, so no partial output either

    server.behaviour = {};
    await stoppedDownload(server.url, path.join(d, 'out'), 300_000);
    server.behaviour = { ignoreRange: true };
    await expectFailure(
      cli(['-d', '--resume', server.url, 'out'], d),
      2,
      /ignores Range requests.*ERR_LZ4_RANGE_UNSUPPORTED/,
    );
    expect(fs.readdirSync(d).sort()).toEqual(['out', 'out.lz4ckpt']);
  });

  test('4: corrupt input; 5: truncated input', async () => {
    const layout = frameLayout(independent);
    const d = caseDir({
      'bad.lz4': flipped(independent, layout.blocks[10].offset + 4 + 50),
      'short.lz4': independent.subarray(0, layout.blocks[20].offset + 9),
    });
    await expectFailure(cli(['-d', '--resume', 'bad.lz4', 'bad'], d), 4, /bad\.lz4: corrupt input: .*\(ERR_LZ4F_/);
    await expectFailure(cli(['-d', '--resume', 'short.lz4', 'short'], d), 5, /short\.lz4: .*truncated/);
    expect(exists(d, 'bad')).toBe(false); // no checkpoint was due yet, so the partial output went too
  });
});

describe('decompress -T', () => {
  test('-T 2 equals the serial decode and lz4 -d, over frames of both kinds, in several segments', async () => {
    const d = caseDir({ 'multi.lz4': multi });
    await expectSuccess(cli(['-d', 'multi.lz4', 'serial'], d));
    await expectSuccess(cli(['-d', '-T', '2', 'multi.lz4', 'parallel'], d));
    const serial = read(d, 'serial');
    expect(read(d, 'parallel').equals(serial)).toBe(true);
    expect(serial.equals(lz4Cli(['-d', '-c', path.join(d, 'multi.lz4')]))).toBe(true);
    const summary = onTerminal(['-dT2', 'multi.lz4', 'tty'], d);
    const segments = Number(/multi\.lz4: .* → 5\.00 MiB .*, (\d+) segments/.exec(summary)![1]);
    expect(segments).toBeGreaterThan(2);
    expect(read(d, 'tty').equals(serial)).toBe(true);
  });

  test('an existing output needs -f (3); a missing input is 2; a corrupt one 4, its output removed', async () => {
    const bad = Buffer.from(multi);
    bad.writeUInt32LE(0x00ffffff, frameLayout(independent).blocks[10].offset); // a block longer than the block size
    const d = caseDir({ 'multi.lz4': multi, out: Buffer.from('precious'), 'bad.lz4': bad });
    await expectFailure(cli(['-d', '-T2', 'multi.lz4', 'out'], d), 3, /out already exists; use -f/);
    expect(read(d, 'out').toString()).toBe('precious');
    await expectSuccess(cli(['-d', '-T2', '-f', 'multi.lz4', 'out'], d));
    expect(read(d, 'out').equals(full)).toBe(true);
    await expectFailure(cli(['-d', '-T2', 'nope.lz4', 'x'], d), 2, /cannot open nope\.lz4: no such file/);
    await expectFailure(cli(['-d', '-T2', 'bad.lz4', 'x'], d), 4, /bad\.lz4: corrupt input/);
    expect(fs.readdirSync(d).sort()).toEqual(['bad.lz4', 'multi.lz4', 'out']);
  });
});

describe('index and cat', () => {
  const ranges: Array<[number, number]> = [
    [0, 1],
    [12_345, 100_000],
    [3 * 65536 - 10, 20], // across a block boundary
    [plainA.length - 5, 10], // across the frame boundary (and the skippable frame)
    [plainA.length + 700_000, 300_000], // inside the linked frame, past an entry
    [full.length - 7, 100], // shorter: the data ends first
    [full.length, 10], // empty
  ];

  test('index writes FILE.lz4idx with a summary; cat at several offsets equals slices of the full decode', async () => {
    const d = caseDir({ 'multi.lz4': multi });
    const indexed = await cli(['index', '--interval=256K', 'multi.lz4'], d);
    expect(indexed.status).toBe(0);
    expect(indexed.stderr).toMatch(
      /^multi\.lz4: [0-9.]+ MiB → 5\.00 MiB, \d+ entries \(.*full blocks\), written to multi\.lz4\.lz4idx\n$/,
    );
    const index = await loadIndex(path.join(d, 'multi.lz4.lz4idx'));
    expect(index.outputSize).toBe(full.length);
    expect(index.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['frame', 'block', 'checkpoint']));
    for (const [offset, length] of ranges) {
      const r = await expectSuccess(
        cli(['cat', 'multi.lz4', '--offset', String(offset), '--length', String(length)], d),
      );
      expect(r.stdout.equals(full.subarray(offset, offset + length))).toBe(true);
    }
    const tail = await expectSuccess(cli(['cat', '--offset=4M', 'multi.lz4'], d)); // to the end
    expect(tail.stdout.equals(full.subarray(4 * MiB))).toBe(true);
    await expectFailure(cli(['index', 'multi.lz4'], d), 3, /multi\.lz4\.lz4idx already exists; use -f/);
    expect((await cli(['index', '-f', '-q', 'multi.lz4'], d)).stderr).toBe('');
    expect((await loadIndex(path.join(d, 'multi.lz4.lz4idx'))).entries.length).toBeLessThan(index.entries.length); // default 64 MiB interval
  });

  test('cat of a range larger than one read (64 MiB) writes all of it, in order', async () => {
    const big = Buffer.alloc(70 * MiB);
    const pattern = mixedBytes(MiB + 17, 83); // not a multiple of anything the decoder uses
    for (let at = 0; at < big.length; at += pattern.length) pattern.copy(big, at);
    const d = caseDir({ 'big.lz4': lz4Cli(['-c', '-BD'], big) });
    const r = await expectSuccess(cli(['cat', '--offset=3', `--length=${67 * MiB}`, 'big.lz4'], d));
    expect(r.stdout.length).toBe(67 * MiB);
    expect(r.stdout.equals(big.subarray(3, 3 + 67 * MiB))).toBe(true);
  });

  test('cat reads FILE.lz4idx: another file’s index beside it is refused (4); bad offsets, missing files, a closed pipe', async () => {
    const d = caseDir({ 'multi.lz4': multi, 'other.lz4': independent });
    await expectSuccess(cli(['index', '-q', 'multi.lz4'], d));
    fs.copyFileSync(path.join(d, 'multi.lz4.lz4idx'), path.join(d, 'other.lz4.lz4idx'));
    await expectFailure(
      cli(['cat', 'other.lz4', '--length=10'], d),
      4,
      /other\.lz4: the index does not match the input.*ERR_LZ4_INDEX_MISMATCH.*lz4framed index/,
    );
    await expectFailure(
      cli(['cat', 'multi.lz4', `--offset=${full.length + 1}`], d),
      1,
      new RegExp(`--offset ${full.length + 1} is past the end of multi\\.lz4 \\(${full.length} decoded bytes\\)`),
    );
    await expectFailure(cli(['cat', 'missing.lz4'], d), 2, /cannot open missing\.lz4: no such file or directory/);
    const script = `"${process.execPath}" "${CLI}" cat multi.lz4 2>stderr | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    expect(execFileSync('bash', ['-c', script], { cwd: d, encoding: 'utf8' }).trim()).toBe('141');
    expect(read(d, 'stderr').toString()).toBe('');
  });
});

describe('--seekable', () => {
  test('compress --seekable: lz4 -d decodes the output byte for byte; cat and -T use its seek table', async () => {
    const d = caseDir({ plain: plainB });
    await expectSuccess(cli(['--seekable', '-B4', 'plain', 'plain.lz4'], d));
    expect(lz4Cli(['-d', '-c', path.join(d, 'plain.lz4')]).equals(plainB)).toBe(true);
    const table = await readSeekTable(path.join(d, 'plain.lz4'));
    expect(table?.outputSize).toBe(plainB.length);
    const r = await expectSuccess(cli(['cat', 'plain.lz4', '--offset=1000000', '--length=70000'], d));
    expect(r.stdout.equals(plainB.subarray(1_000_000, 1_070_000))).toBe(true);
    await expectSuccess(cli(['-d', '-T2', 'plain.lz4', 'back'], d));
    expect(read(d, 'back').equals(plainB)).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['back', 'plain', 'plain.lz4']); // no .lz4idx needed
  });

  test('index --seekable appends the table to a file lz4 wrote, replaces it when run again; lz4 -d still reads it', async () => {
    const d = caseDir({ 'multi.lz4': multi });
    const indexed = await cli(['index', '--seekable', '--interval=1M', 'multi.lz4'], d);
    expect(indexed.stderr).toMatch(/entries .*seek table appended to multi\.lz4\n$/);
    const size = fs.statSync(path.join(d, 'multi.lz4')).size;
    expect(size).toBeGreaterThan(multi.length);
    expect(read(d, 'multi.lz4').subarray(0, multi.length).equals(multi)).toBe(true);
    expect(lz4Cli(['-d', '-c', path.join(d, 'multi.lz4')]).equals(full)).toBe(true);
    await expectSuccess(cli(['index', '--seekable', '-q', '--interval=1M', 'multi.lz4'], d));
    expect(fs.statSync(path.join(d, 'multi.lz4')).size).toBe(size);
    expect((await readSeekTable(path.join(d, 'multi.lz4')))?.inputSize).toBe(multi.length);
    const r = await expectSuccess(cli(['cat', 'multi.lz4', `--offset=${plainA.length - 100}`, '--length=200'], d));
    expect(r.stdout.equals(full.subarray(plainA.length - 100, plainA.length + 100))).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['multi.lz4']);
  });
});

describe('usage', () => {
  test('the new options parse in lz4 style: -T N / -TN / --threads, sizes with K M G, --offset/--length as =V or V', () => {
    expect(parseArgs(['-d', '--resume', 'http://h/x.lz4', 'out'])).toMatchObject({
      command: 'decompress',
      resume: true,
    });
    expect(parseArgs(['-d', '--no-resume', '--checkpoint-interval', '8M', 'x.lz4'])).toMatchObject({
      resume: false,
      checkpointInterval: 8 * MiB,
    });
    expect(parseArgs(['-d', '-T', '3', 'x.lz4']).threads).toBe(3);
    expect(parseArgs(['-dT4', 'x.lz4']).threads).toBe(4);
    expect(parseArgs(['-d', '-T0', 'x.lz4']).threads).toBe(0);
    expect(parseArgs(['-d', '--threads=2', 'x.lz4']).threads).toBe(2);
    expect(parseArgs(['cat', 'x.lz4', '--offset', '1K', '--length=2G'])).toMatchObject({
      command: 'cat',
      offset: KiB,
      length: 2 * 1024 * MiB,
      files: ['x.lz4'],
    });
    expect(parseArgs(['index', '--seekable', '--interval=64k', 'x.lz4'])).toMatchObject({
      command: 'index',
      seekable: true,
      interval: 64 * KiB,
    });
    expect(parseArgs(['--seekable', 'plain'])).toMatchObject({ command: 'compress', seekable: true });
    expect(resolveStreams(parseArgs(['-d', '-T2', 'x.lz4']))).toEqual({ input: 'x.lz4', output: 'x' });
    expect(resolveStreams(parseArgs(['-d', '--resume', 'https://h/x.lz4', 'o']))).toEqual({
      input: 'https://h/x.lz4',
      output: 'o',
    });
  });

  test('bad values and bad combinations are usage errors, whatever the order', async () => {
    const bad: string[][] = [
      ['--resume', 'plain', 'out'], // compress
      ['-t', '--resume', 'x.lz4'],
      ['--checkpoint-interval=1M', '-d', 'x.lz4'], // without --resume
      ['-T2', 'plain'], // compress
      ['-d', '-T2', '--resume', 'x.lz4', 'o'],
      ['-d', '--seekable', 'x.lz4'],
      ['--interval=1M', 'plain'],
      ['--offset=5', '-d', 'x.lz4'],
      ['cat', '--offset=abc', 'x.lz4'],
      ['cat', '--length=-1', 'x.lz4'],
      ['-d', '-Tx', 'x.lz4'],
      ['-d', '-T', '2000', 'x.lz4'],
      ['-d', 'x.lz4', '-T'],
      ['index', '--interval=0', 'x.lz4'],
    ];
    for (const argv of bad) expect(() => parseArgs(argv)).toThrow(UsageError);
    const badStreams: string[][] = [
      ['-d', '--resume', '-c', 'x.lz4'],
      ['-d', '--resume', '-', 'out'],
      ['-d', '-T2', 'x.lz4', '-'],
      ['--seekable', '-c', 'plain'],
      ['-d', 'http://h/x.lz4', 'out'], // a URL without --resume
      ['-d', '--resume', 'http://h/x.lz4'], // no OUTFILE
      ['-d', '--resume', 'http://[::1/x.lz4', 'out'],
    ];
    for (const argv of badStreams) expect(() => resolveStreams(parseArgs(argv))).toThrow(UsageError);
    // Through the binary: exit 1, the message, a pointer to --help; nothing is written.
    const d = caseDir({ 'x.lz4': multi });
    await expectFailure(cli(['-d', '-T2', '--resume', 'x.lz4', 'o'], d), 1, /-T and --resume exclude each other/);
    await expectFailure(cli(['cat', '-'], d), 1, /cat needs a \.lz4 file \(not stdin/);
    await expectFailure(cli(['index', 'x.lz4', 'y.lz4'], d), 1, /too many arguments: y\.lz4/);
    await expectFailure(cli(['-d', 'http://127.0.0.1:9/x.lz4', 'o'], d), 1, /a URL is read by a resumable download/);
    await expectFailure(cli(['-d', '-T2', '-c', 'x.lz4'], d), 1, /-T needs OUTFILE/);
    expect(fs.readdirSync(d)).toEqual(['x.lz4']);
  });

  test('--help documents the new commands, options and exit codes', async () => {
    const help = (await expectSuccess(cli(['--help'], tmp().dir))).stdout.toString();
    expect(help).toBe(HELP);
    for (const word of [
      '--resume',
      '--no-resume',
      '--checkpoint-interval',
      '-T N',
      'index FILE',
      'cat FILE',
      '--seekable',
      '--offset',
      '--length',
      '130',
    ]) {
      expect(help).toContain(word);
    }
  });
});
