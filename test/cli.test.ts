// The lz4framed command line, run as the compiled binary in child processes: stdin/stdout, files
// and their naming, the -f rule, exit codes with one-line errors, -t and -l, interop with the lz4
// CLI both ways, the progress bar's TTY rule, a closed pipe, and SIGINT.
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { getFrameInfo, LZ4_VERSION, version } from '../lib';
import { parseArgs, resolveStreams, UsageError } from '../lib/cli-args';
import { formatBytes, ProgressBar, renderProgress } from '../lib/progress';
import { compressibleBytes, mixedBytes } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import { compileLib } from './helpers/compiled-lib';
import { tiled } from './helpers/streams';
import { useTmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const root = path.join(__dirname, '..');
const KiB = 1024;
const MiB = 1024 * KiB;
const input = tiled(mixedBytes(256 * KiB, 23), 3 * MiB + 11);
const tmp = useTmpDir('cli');
let CLI = '';

// The binary is lib/cli.ts compiled as it is now (a possibly stale dist/ is not trusted), in a
// package-shaped directory that loads the real addon: see helpers/compiled-lib.ts.
beforeAll(() => {
  CLI = path.join(path.dirname(compileLib(tmp().path('compiled'))), 'cli.js');
}, 60_000);

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: readonly string[], options: { input?: Uint8Array; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? Buffer.alloc(0),
    cwd: options.cwd ?? tmp().dir,
    maxBuffer: 256 * MiB,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

// A failure: the expected exit code and exactly one line on stderr, no stack trace.
function expectFailure(run: Run, status: number, pattern: RegExp): void {
  expect(run.status).toBe(status);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^lz4framed: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(lines.length).toBeLessThanOrEqual(status === 1 ? 2 : 1); // usage errors add a hint to --help
}

let caseNo = 0;
function caseDir(): string {
  const d = tmp().path(`case-${++caseNo}`);
  fs.mkdirSync(d);
  return d;
}

describe('help and version', () => {
  test('--help documents the commands and the exit codes; -v prints both versions', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    const text = help.stdout.toString();
    for (const word of ['compress', 'decompress', '-B7', '--fast', 'Exit codes', '2  cannot open', '5  truncated'])
      expect(text).toContain(word);
    const v = cli(['-v']);
    expect(v.status).toBe(0);
    expect(v.stdout.toString().trim()).toBe(`lz4framed ${version} (liblz4 ${LZ4_VERSION})`);
    expect(cli(['--version']).stdout.toString()).toBe(v.stdout.toString());
  });

  test('package.json names the binary (lib/cli.ts, compiled to dist/cjs/) and it starts with a shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ lz4framed: 'dist/cjs/cli.js' });
    const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions).toMatchObject({ rootDir: 'lib', outDir: 'dist/cjs' });
    expect(fs.readFileSync(path.join(root, 'lib/cli.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('stdin and stdout', () => {
  test('compress stdin to stdout: lz4 -d decodes it; decompress lz4 output from stdin', () => {
    const packed = cli(['-z'], { input });
    expect(packed.status).toBe(0);
    expect(packed.stderr).toBe(''); // not a TTY: nothing but errors
    expect(lz4Cli(['-d', '-c'], packed.stdout).equals(input)).toBe(true);
    const theirs = lz4Cli(['-c', '-9', '-BD'], input);
    const back = cli(['decompress', '-', '-'], { input: theirs });
    expect(back.status).toBe(0);
    expect(back.stdout.equals(input)).toBe(true);
  });

  test('cat a.lz4 b.lz4 | lz4framed -d: concatenated frames of both tools, skippable frames too', () => {
    const a = compressibleBytes(300 * KiB, 1);
    const b = input.subarray(0, MiB);
    const ours = cli(['-c', '-B4', '-BD'], { input: b }).stdout;
    const stream = Buffer.concat([
      lz4Cli(['-c'], a),
      skippableFrame(Buffer.from('index')),
      ours,
      lz4Cli(['-c', '--content-size'], b),
    ]);
    const back = cli(['-d'], { input: stream });
    expect(back.status).toBe(0);
    expect(back.stdout.equals(Buffer.concat([a, b, b]))).toBe(true);
  });

  test('a reader that stops early (| head) ends the run silently with 141', () => {
    const d = caseDir();
    fs.writeFileSync(path.join(d, 'big.lz4'), lz4Cli(['-c'], input));
    const script = `"${process.execPath}" "${CLI}" -dc big.lz4 2>stderr | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    expect(execFileSync('bash', ['-c', script], { cwd: d, encoding: 'utf8' }).trim()).toBe('141');
    expect(fs.readFileSync(path.join(d, 'stderr'), 'utf8')).toBe('');
  });

  test('frame options reach the header: -B4 -BD -BX --no-frame-crc, levels and --fast', () => {
    const frame = cli(['-B4', '-BD', '-BX', '--no-frame-crc', '-12'], { input: input.subarray(0, 200 * KiB) }).stdout;
    expect(getFrameInfo(frame)).toMatchObject({
      blockSize: 65536,
      blockLinked: true,
      blockChecksum: true,
      contentChecksum: false,
    });
    expect(lz4Cli(['-d', '-c'], frame).equals(input.subarray(0, 200 * KiB))).toBe(true);
    const fast = cli(['--fast=5', '-c'], { input }).stdout;
    expect(getFrameInfo(fast)).toMatchObject({ blockSize: 4194304, blockLinked: false, contentChecksum: true });
    expect(lz4Cli(['-d', '-c'], fast).equals(input)).toBe(true);
  });
});

describe('files', () => {
  test('FILE → FILE.lz4 and back, the input kept; lz4 reads ours and we read lz4s', () => {
    const d = caseDir();
    fs.writeFileSync(path.join(d, 'data'), input);
    expect(cli(['data', '--content-size'], { cwd: d }).status).toBe(0);
    expect(fs.readFileSync(path.join(d, 'data')).equals(input)).toBe(true);
    expect(getFrameInfo(fs.readFileSync(path.join(d, 'data.lz4'))).contentSize).toBe(input.length);
    expect(lz4Cli(['-d', '-c', path.join(d, 'data.lz4')]).equals(input)).toBe(true);

    fs.renameSync(path.join(d, 'data'), path.join(d, 'original'));
    expect(cli(['data.lz4'], { cwd: d }).status).toBe(0); // a .lz4 input is decompressed
    expect(fs.readFileSync(path.join(d, 'data')).equals(input)).toBe(true);

    lz4Cli(['-q', '-BD', path.join(d, 'original'), path.join(d, 'theirs.lz4')]);
    expect(cli(['decompress', 'theirs.lz4', 'mine'], { cwd: d }).status).toBe(0);
    expect(fs.readFileSync(path.join(d, 'mine')).equals(input)).toBe(true);
    expect(cli(['-dc', 'theirs.lz4'], { cwd: d }).stdout.equals(input)).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['data', 'data.lz4', 'mine', 'original', 'theirs.lz4']);
  });

  test('an existing output is never overwritten without -f', () => {
    const d = caseDir();
    fs.writeFileSync(path.join(d, 'data'), input.subarray(0, 100 * KiB));
    fs.writeFileSync(path.join(d, 'data.lz4'), 'precious');
    expectFailure(cli(['data'], { cwd: d }), 3, /data\.lz4 already exists; use -f/);
    expect(fs.readFileSync(path.join(d, 'data.lz4'), 'utf8')).toBe('precious');
    expectFailure(cli(['-d', 'data.lz4', 'data'], { cwd: d }), 3, /already exists/);
    expect(cli(['-f', 'data'], { cwd: d }).status).toBe(0);
    expect(lz4Cli(['-d', '-c', path.join(d, 'data.lz4')]).equals(input.subarray(0, 100 * KiB))).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(['data', 'data.lz4']);
  });

  test('stdin to a file and a file to stdout', () => {
    const d = caseDir();
    expect(cli(['-', 'from-stdin.lz4'], { cwd: d, input }).status).toBe(0);
    const out = cli(['-d', '-c', 'from-stdin.lz4'], { cwd: d });
    expect(out.stdout.equals(input)).toBe(true);
  });
});

describe('exit codes and one-line errors', () => {
  test('1: usage errors', () => {
    expectFailure(cli(['--nope']), 1, /unknown option --nope/);
    expectFailure(cli(['-13']), 1, /level/);
    expectFailure(cli(['--fast=x']), 1, /--fast/);
    expectFailure(cli(['-B9']), 1, /-B9/);
    expectFailure(cli(['a', 'b', 'c']), 1, /too many arguments/);
    expectFailure(cli(['-d', 'noext']), 1, /\.lz4 suffix/);
  });

  test('2: the input cannot be opened; 3: the output cannot be written', () => {
    const d = caseDir();
    expectFailure(cli(['missing'], { cwd: d }), 2, /cannot open missing: no such file or directory/);
    fs.writeFileSync(path.join(d, 'data'), 'x');
    expectFailure(cli(['data', 'no/such/dir.lz4'], { cwd: d }), 3, /cannot write no\/such\/dir\.lz4/);
    expect(fs.readdirSync(d)).toEqual(['data']);
  });

  test('4: corrupt input, 5: truncated input; no partial output file is left', () => {
    const d = caseDir();
    const frame = lz4Cli(['-c', '-B4'], input);
    const layout = frameLayout(frame);
    fs.writeFileSync(path.join(d, 'bad.lz4'), flipped(frame, layout.blocks[10].offset + 4 + 50));
    fs.writeFileSync(path.join(d, 'short.lz4'), frame.subarray(0, layout.blocks[20].offset + 9));
    fs.writeFileSync(path.join(d, 'text.lz4'), 'not lz4 at all');
    expectFailure(cli(['-d', 'bad.lz4'], { cwd: d }), 4, /bad\.lz4: corrupt input/);
    expectFailure(cli(['-d', 'short.lz4'], { cwd: d }), 5, /short\.lz4: .*truncated/);
    expectFailure(cli(['-d', 'text.lz4'], { cwd: d }), 4, /ERR_LZ4F_FRAMETYPE_UNKNOWN/);
    expectFailure(cli(['-d'], { input: frame.subarray(0, 1000) }), 5, /^lz4framed: stdin: /);
    expect(fs.readdirSync(d).sort()).toEqual(['bad.lz4', 'short.lz4', 'text.lz4']);
  });
});

describe('-t and -l', () => {
  test('-t checks integrity and writes nothing: 0, 4 on a corrupted file, 5 on a truncated one', () => {
    const d = caseDir();
    const frame = lz4Cli(['-c'], input);
    fs.writeFileSync(path.join(d, 'good.lz4'), frame);
    fs.writeFileSync(path.join(d, 'bad.lz4'), flipped(frame, frameLayout(frame).contentChecksumOffset!));
    fs.writeFileSync(path.join(d, 'short.lz4'), frame.subarray(0, frame.length - 2));
    const good = cli(['-t', 'good.lz4'], { cwd: d });
    expect(good.status).toBe(0);
    expect(good.stdout.length).toBe(0);
    expectFailure(cli(['-t', 'bad.lz4'], { cwd: d }), 4, /ERR_LZ4F_CONTENTCHECKSUM_INVALID/);
    expectFailure(cli(['test', 'short.lz4'], { cwd: d }), 5, /truncated/);
    expect(fs.readdirSync(d).sort()).toEqual(['bad.lz4', 'good.lz4', 'short.lz4']);
  });

  test('-l lists every frame; a broken file is exit code 4 or 5', () => {
    const d = caseDir();
    fs.writeFileSync(path.join(d, 'data'), input);
    const first = lz4Cli(['-c', '--content-size', '-B5', '-BD', path.join(d, 'data')]); // lz4 stores no size for stdin
    const second = cli(['-c', '-BX'], { input: input.subarray(0, 1000) }).stdout;
    fs.writeFileSync(path.join(d, 'two.lz4'), Buffer.concat([first, skippableFrame(Buffer.from('meta')), second]));
    const listed = cli(['-l', 'two.lz4'], { cwd: d });
    expect(listed.status).toBe(0);
    const lines = listed.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toBe('two.lz4');
    expect(lines[2]).toMatch(
      new RegExp(`^\\s*1\\s+LZ4Frame\\s+B5D\\s+content\\s+${first.length}\\s+${input.length}\\s`),
    );
    expect(lines[3]).toMatch(/^\s*2\s+Skippable\s+-\s+-\s+12\s+-/);
    expect(lines[4]).toMatch(new RegExp(`^\\s*3\\s+LZ4Frame\\s+B7I\\s+content\\+block\\s+${second.length}\\s+-`));
    expect(lines[5]).toMatch(/^total\s+3 frames/);
    fs.writeFileSync(path.join(d, 'short.lz4'), first.subarray(0, first.length - 10));
    expectFailure(cli(['info', 'short.lz4'], { cwd: d }), 5, /short\.lz4: .*truncated/);
    fs.writeFileSync(path.join(d, 'text.lz4'), 'plain text, not a frame');
    expectFailure(cli(['-l', 'text.lz4'], { cwd: d }), 4, /corrupt input/);
  });
});

describe('progress', () => {
  test('on a terminal (a pty from script(1)) the run ends with a summary line; off a terminal stderr stays empty', () => {
    const d = caseDir();
    fs.writeFileSync(path.join(d, 'data'), input);
    const quiet = cli(['data', 'plain.lz4'], { cwd: d });
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    const command = `${process.execPath} ${CLI} data tty.lz4`;
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: d, encoding: 'utf8' });
    expect(tty).toMatch(/data: 3\.00 MiB → [0-9.]+ [KM]iB \([0-9.]+%\)/);
    const silenced = execFileSync('script', ['-qec', `${command.replace('tty.lz4', 'q.lz4')} -q`, '/dev/null'], {
      cwd: d,
      encoding: 'utf8',
    });
    expect(silenced).toBe('');
  });

  test('the bar waits, then shows share, bytes, ratio, speed and time left; it throttles and erases itself', () => {
    let now = 1000;
    const written: string[] = [];
    const bar = new ProgressBar(
      { write: (s) => written.push(s), columns: 120 },
      { label: 'big.bin', delayMs: 500, intervalMs: 100, now: () => now },
    );
    const state = { inputBytes: 50 * MiB, outputBytes: 20 * MiB, totalInputBytes: 100 * MiB };
    bar.update(state);
    expect(written).toEqual([]); // too early: short runs stay silent
    now += 1000;
    bar.update(state);
    expect(written.length).toBe(1);
    expect(written[0]).toMatch(
      /^\rbig\.bin\s+50%\s+\[#{10}\.{10}\]\s+50\.0 MiB → 20\.0 MiB\s+40\.0%\s+50\.0 MiB\/s\s+ETA 0:01\x1b\[K$/,
    );
    now += 50;
    bar.update(state);
    expect(written.length).toBe(1); // throttled
    bar.finish();
    expect(written[1]).toBe('\r\x1b[K');
    expect(renderProgress({ inputBytes: 3 * MiB, outputBytes: MiB, totalInputBytes: undefined }, 1000)).toBe(
      '3.00 MiB → 1.00 MiB  33.3%  3.00 MiB/s',
    );
    expect(renderProgress({ inputBytes: 1, outputBytes: 1, totalInputBytes: 2 }, 1000, 10).length).toBe(9);
    expect(formatBytes(1023)).toBe('1023 B');
  });
});

describe('argument parsing', () => {
  test('lz4-style short clusters, long options, commands and defaults', () => {
    expect(parseArgs([])).toMatchObject({
      command: 'compress',
      level: 1,
      blockSize: 4194304,
      blockLinked: false,
      contentChecksum: true,
      files: [],
    });
    expect(parseArgs(['-dfc', 'x'])).toMatchObject({
      command: 'decompress',
      force: true,
      toStdout: true,
      files: ['x'],
    });
    expect(parseArgs(['-9', '-B5', '-BD', '-BX', 'in'])).toMatchObject({
      level: 9,
      blockSize: 262144,
      blockLinked: true,
      blockChecksum: true,
    });
    expect(parseArgs(['-12kq'])).toMatchObject({ level: 12, quiet: true });
    expect(parseArgs(['--fast=3', '--no-frame-crc', '--content-size'])).toMatchObject({
      level: -3,
      contentChecksum: false,
      contentSize: true,
    });
    expect(parseArgs(['--fast'])).toMatchObject({ level: -1 });
    expect(parseArgs(['info', 'a.lz4', 'b.lz4'])).toMatchObject({ command: 'info', files: ['a.lz4', 'b.lz4'] });
    expect(parseArgs(['x.lz4'])).toMatchObject({ command: 'decompress' });
    expect(parseArgs(['-z', 'x.lz4'])).toMatchObject({ command: 'compress' });
    expect(parseArgs(['--', '-d'])).toMatchObject({ command: 'compress', files: ['-d'] });
    expect(parseArgs(['compress', 'decompress'])).toMatchObject({ command: 'compress', files: ['decompress'] });
    for (const bad of [['-0'], ['-13'], ['-B3'], ['-B77'], ['-y'], ['--fast=0'], ['--force=1'], ['--bogus']]) {
      expect(() => parseArgs(bad)).toThrow(UsageError);
    }
  });

  test('output names follow lz4: FILE.lz4, strip .lz4, stdio for - and stdin', () => {
    const streams = (...argv: string[]) => resolveStreams(parseArgs(argv));
    expect(streams('a')).toEqual({ input: 'a', output: 'a.lz4' });
    expect(streams('-d', 'a.lz4')).toEqual({ input: 'a.lz4', output: 'a' });
    expect(streams('-d', 'a.lz4', 'b')).toEqual({ input: 'a.lz4', output: 'b' });
    expect(streams('-c', 'a')).toEqual({ input: 'a', output: null });
    expect(streams('a', '-')).toEqual({ input: 'a', output: null });
    expect(streams()).toEqual({ input: null, output: null });
    expect(streams('-')).toEqual({ input: null, output: null });
    expect(streams('-t', 'a.lz4')).toEqual({ input: 'a.lz4', output: null });
    expect(() => streams('-d', 'a.txt')).toThrow(UsageError);
    expect(() => streams('-c', 'a', 'b')).toThrow(UsageError);
  });
});

describe('interruption', () => {
  test('SIGINT stops with exit code 130 and removes the temporary output', async () => {
    const d = caseDir();
    const child = spawn(process.execPath, [CLI, '-', 'out.lz4'], { cwd: d, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // the child stops reading when interrupted
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(input); // then the input stays open: the run is in the middle of its work
    for (let i = 0; i < 200 && !fs.readdirSync(d).some((n) => n.endsWith('.tmp')); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(fs.readdirSync(d).some((n) => n.endsWith('.tmp'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr.trim()).toBe('lz4framed: interrupted');
    expect(fs.readdirSync(d)).toEqual([]);
  });
});
