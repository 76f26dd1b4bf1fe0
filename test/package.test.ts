// The published package as a user gets it: `npm pack`, the prebuild that `npm run build:prebuilds`
// (prebuildify) makes, an install into an empty project with no compiler on PATH, and a source
// build of the packed sources with the network cut off.
import { execFileSync, ExecFileSyncOptions, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { mixedBytes } from './helpers/data';
import { makeTmpDir, TmpDir } from './helpers/tmp';
import { lz4Cli } from './helpers/tools';

const root = path.join(__dirname, '..');
const COMPILERS = ['cc', 'gcc', 'c++', 'g++', 'clang', 'clang++', 'make'];

// npm's own entry point, run by this node: no `npm` wrapper needs to be on a restricted PATH.
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const found = candidates.find((p) => p !== undefined && /npm-cli\.js$/.test(p) && fs.existsSync(p));
  if (!found) throw new Error('cannot find npm-cli.js next to this node');
  return found;
}

// The environment of a user's shell: none of the variables npm or a sanitizer run set for us.
function cleanEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|LZ4FRAMED_|LD_PRELOAD$|ASAN_OPTIONS$|UBSAN_OPTIONS$|LZ4_TARBALL$|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}

function run(command: string, args: readonly string[], options: ExecFileSyncOptions): string {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      ...options,
    }) as string;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${e.message}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`,
    );
  }
}

function npm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, wrap: readonly string[] = []): string {
  const argv = [...wrap, process.execPath, npmCli(), ...args];
  return run(argv[0], argv.slice(1), { cwd, env });
}

function findOnPath(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function unpack(tarball: string, into: string): string {
  fs.mkdirSync(into, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', into], {});
  return path.join(into, 'package');
}

function packInto(cwd: string, destination: string, env: NodeJS.ProcessEnv, ignoreScripts: boolean): string {
  fs.mkdirSync(destination, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', destination, ...(ignoreScripts ? ['--ignore-scripts'] : [])];
  const report = JSON.parse(npm(args, cwd, env)) as Array<{ filename: string }>;
  return path.join(destination, report[0].filename);
}

function tarballFiles(tarball: string): string[] {
  return run('tar', ['-tzf', tarball], {})
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''))
    .sort();
}

function newProject(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  return dir;
}

// What a user's program does with the installed package, through require and through import.
const PLAIN = mixedBytes(300000, 11);
const CJS_PROGRAM = `
  const lz4 = require('lz4framed');
  const plain = require('fs').readFileSync(0);
  (async () => {
    const packed = await lz4.compress(plain, { level: 9 });
    const back = lz4.decompressSync(packed);
    const sync = lz4.compressSync(plain, { blockLinked: false });
    const asyncBack = await lz4.decompress(sync);
    const addon = require('node-gyp-build').path(require('path').dirname(require.resolve('lz4framed/package.json')));
    console.log(JSON.stringify({ ok: back.equals(plain) && asyncBack.equals(plain), version: lz4.LZ4_VERSION, addon,
      packed: sync.toString('base64') }));
  })();
`;
const ESM_PROGRAM = `
  import * as lz4 from 'lz4framed';
  import lz4default from 'lz4framed';
  const plain = Buffer.from('imported '.repeat(5000));
  const back = await lz4.decompress(lz4default.compressSync(plain));
  console.log(JSON.stringify({ ok: back.equals(plain), same: lz4.Decompressor === lz4default.Decompressor }));
`;

function useInstalled(project: string, env: NodeJS.ProcessEnv): { addon: string } {
  const cjs = JSON.parse(
    run(process.execPath, ['-e', CJS_PROGRAM], { cwd: project, env, input: PLAIN, stdio: 'pipe' }),
  );
  expect(cjs.ok).toBe(true);
  expect(cjs.version).toBe('1.10.0');
  // Frames made by the installed package are what the real lz4 CLI reads.
  expect(lz4Cli(['-d', '-c'], Buffer.from(cjs.packed, 'base64')).equals(PLAIN)).toBe(true);
  const esm = JSON.parse(run(process.execPath, ['--input-type=module', '-e', ESM_PROGRAM], { cwd: project, env }));
  expect(esm).toEqual({ ok: true, same: true });
  return { addon: cjs.addon };
}

// A network namespace of our own has no route anywhere. Without one (not root, no unshare) only
// npm's offline mode and dead proxies remain, and the test proves less.
function noNetworkWrapper(): string[] {
  const unshare = findOnPath('unshare', process.env.PATH ?? '');
  return unshare && spawnSync(unshare, ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? [unshare, '-n'] : [];
}

let tmp: TmpDir;
let sourceTarball: string;
let prebuiltTarball: string;
let prebuildFile: string;

beforeAll(() => {
  tmp = makeTmpDir('package');
  const env = cleanEnv({});
  // `npm pack` runs `prepare` (the TypeScript build), as `npm publish` would.
  const packed = packInto(root, tmp.path('packed'), env, false);
  // The release flow in miniature, in a copy so the checkout's build/ is left alone: the sources
  // only, then prebuildify's binary beside them.
  const stage = unpack(packed, tmp.path('stage'));
  fs.rmSync(path.join(stage, 'prebuilds'), { recursive: true, force: true });
  sourceTarball = packInto(stage, tmp.path('source-only'), env, true);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  npm(['run', 'build:prebuilds'], stage, cleanEnv({ JOBS: '2' }));
  const built = fs.readdirSync(path.join(stage, 'prebuilds', `${process.platform}-${process.arch}`));
  expect(built).toEqual(['lz4framed.glibc.node']);
  prebuildFile = `prebuilds/${process.platform}-${process.arch}/${built[0]}`;
  fs.rmSync(path.join(stage, 'node_modules'));
  prebuiltTarball = packInto(stage, tmp.path('prebuilt'), env, true);
}, 300000);

afterAll(() => tmp?.remove());

test('the tarball holds only dist/, prebuilds/, binding.gyp, native/ and the pinned lz4 sources', () => {
  const files = tarballFiles(prebuiltTarball);
  const allowed =
    /^(dist\/(cjs|esm)\/|prebuilds\/|native\/|deps\/lz4\/lib\/|binding\.gyp$|deps\/lz4\/fetch\.js$|deps\/lz4\/pin\.json$|package\.json$|README\.md$)/;
  expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  const pin = JSON.parse(fs.readFileSync(path.join(root, 'deps/lz4/pin.json'), 'utf8')) as { extract: string[] };
  for (const rel of pin.extract) expect(files).toContain(`deps/lz4/${rel}`);
  // The stamp that tells fetch.js the shipped sources are the pinned ones (no network needed).
  expect(files).toContain('deps/lz4/lib/.pin-sha256');
  expect(files).toEqual(
    expect.arrayContaining(['binding.gyp', 'dist/cjs/index.js', 'dist/esm/index.mjs', prebuildFile]),
  );
  expect(files.some((f) => /^(build|lib|test|bench|node_modules)\//.test(f))).toBe(false);
  expect(tarballFiles(sourceTarball).some((f) => f.startsWith('prebuilds/'))).toBe(false);
});

test('a prebuilt package installs and runs with no compiler on PATH', () => {
  const bin = tmp.path('node-only-bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh')); // npm runs lifecycle scripts through sh
  const env = cleanEnv({ PATH: bin });
  for (const tool of COMPILERS) expect(findOnPath(tool, bin)).toBeUndefined();

  // Scripts disabled: nothing can build, so the prebuild is all there is.
  const plain = newProject(tmp.path('consumer-ignore-scripts'));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', prebuiltTarball], plain, env);
  expect(useInstalled(plain, env).addon).toBe(path.join(plain, 'node_modules', 'lz4framed', prebuildFile));

  // Scripts enabled, offline: the install script finds the prebuild loads and neither fetches
  // lz4 nor compiles (it could not: no compiler, no network).
  const scripted = newProject(tmp.path('consumer-scripts'));
  npm(
    ['install', '--offline', '--no-audit', '--no-fund', prebuiltTarball],
    scripted,
    { ...env, npm_config_offline: 'true' },
    noNetworkWrapper(),
  );
  const installed = path.join(scripted, 'node_modules', 'lz4framed');
  expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  expect(useInstalled(scripted, env).addon).toBe(path.join(installed, prebuildFile));

  // The control: the same install of the sources-only tarball runs the install script, which
  // has to compile and cannot.
  const control = newProject(tmp.path('consumer-no-prebuild'));
  const failed = spawnSync(
    process.execPath,
    [npmCli(), 'install', '--offline', '--no-audit', '--no-fund', sourceTarball],
    {
      cwd: control,
      env: { ...env, npm_config_offline: 'true' },
      encoding: 'utf8',
    },
  );
  expect(failed.status).not.toBe(0);
  expect(failed.stderr).toMatch(/node-gyp|gyp ERR|not found/);
}, 120000);

test('the packed sources build without network when no prebuild fits', () => {
  // Dependencies first (node-addon-api from the registry or npm's cache)...
  const project = newProject(tmp.path('consumer-source-build'));
  npm(
    ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', sourceTarball],
    project,
    cleanEnv({}),
  );
  const installed = path.join(project, 'node_modules', 'lz4framed');
  const stamp = path.join(installed, 'deps', 'lz4', 'lib', '.pin-sha256');
  const stampTime = fs.statSync(stamp).mtimeMs;
  // ...then the install script with every way out closed: no route (own network namespace), npm
  // offline, dead proxies, an empty cache where fetch.js would look for a tarball.
  const cache = tmp.path('empty-cache');
  fs.mkdirSync(cache);
  const dead = 'http://127.0.0.1:9';
  const offline = cleanEnv({
    JOBS: '2',
    npm_config_offline: 'true',
    HTTP_PROXY: dead,
    HTTPS_PROXY: dead,
    http_proxy: dead,
    https_proxy: dead,
    XDG_CACHE_HOME: cache,
  });
  npm(['rebuild', 'lz4framed', '--foreground-scripts'], project, offline, noNetworkWrapper());
  const built = path.join(installed, 'build', 'Release', 'lz4framed.node');
  expect(fs.existsSync(built)).toBe(true);
  expect(fs.existsSync(path.join(installed, 'prebuilds'))).toBe(false);
  // fetch.js found the shipped, pinned sources and left them as they were.
  expect(fs.statSync(stamp).mtimeMs).toBe(stampTime);
  expect(fs.existsSync(path.join(cache, 'lz4framed'))).toBe(false);
  expect(useInstalled(project, cleanEnv({})).addon).toBe(built);
}, 240000);
