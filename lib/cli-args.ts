// The command line's grammar: lz4-style options in, a plain description of the work out.
// No I/O here, so every rule can be tested without spawning a process.

export type Command = 'compress' | 'decompress' | 'test' | 'info' | 'help' | 'version';

export interface CliOptions {
  command: Command;
  /** Positional arguments after the command word; '-' means stdin / stdout. */
  files: string[];
  toStdout: boolean;
  force: boolean;
  quiet: boolean;
  /** Compression: frame options, lz4 CLI defaults (4 MiB independent blocks, content checksum). */
  level: number;
  blockSize: number;
  blockLinked: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  contentSize: boolean;
  favorDecSpeed: boolean;
}

/** A command line that cannot be understood (exit code 1). */
export class UsageError extends Error {
  readonly code = 'ERR_LZ4_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const COMMANDS: Record<string, Command> = {
  compress: 'compress',
  decompress: 'decompress',
  test: 'test',
  info: 'info',
  help: 'help',
  version: 'version',
};

const BLOCK_SIZES_BY_ID: Record<string, number> = { '4': 65536, '5': 262144, '6': 1048576, '7': 4194304 };

// Options that choose the command; the last one given wins, as in lz4.
const LONG_COMMANDS: Record<string, Command> = {
  ...COMMANDS,
  uncompress: 'decompress',
  list: 'info',
};

const SHORT_COMMANDS: Record<string, Command> = {
  z: 'compress',
  d: 'decompress',
  t: 'test',
  l: 'info',
  h: 'help',
  H: 'help',
  v: 'version',
  V: 'version',
};

const LONG_FLAGS: Record<string, (o: CliOptions) => void> = {
  force: (o) => (o.force = true),
  keep: () => {},
  stdout: (o) => (o.toStdout = true),
  'to-stdout': (o) => (o.toStdout = true),
  quiet: (o) => (o.quiet = true),
  best: (o) => (o.level = 12),
  'no-frame-crc': (o) => (o.contentChecksum = false),
  'frame-crc': (o) => (o.contentChecksum = true),
  'content-size': (o) => (o.contentSize = true),
  'no-content-size': (o) => (o.contentSize = false),
  'favor-decSpeed': (o) => (o.favorDecSpeed = true),
};

const SHORT_FLAGS: Record<string, (o: CliOptions) => void> = {
  f: LONG_FLAGS.force,
  k: LONG_FLAGS.keep,
  c: LONG_FLAGS.stdout,
  q: LONG_FLAGS.quiet,
};

function defaults(): CliOptions {
  return {
    command: 'compress',
    files: [],
    toStdout: false,
    force: false,
    quiet: false,
    level: 1,
    blockSize: BLOCK_SIZES_BY_ID['7'],
    blockLinked: false,
    blockChecksum: false,
    contentChecksum: true,
    contentSize: false,
    favorDecSpeed: false,
  };
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const o = defaults();
  let commandGiven = false;
  const positionals: string[] = [];
  let optionsEnded = false;
  for (const arg of argv) {
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      if (!commandGiven && positionals.length === 0 && !optionsEnded && Object.hasOwn(COMMANDS, arg)) {
        o.command = COMMANDS[arg];
        commandGiven = true;
      } else {
        positionals.push(arg);
      }
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg.startsWith('--')) {
      if (parseLong(arg.slice(2), o)) commandGiven = true;
    } else if (parseShortCluster(arg.slice(1), o)) {
      commandGiven = true;
    }
  }
  o.files = positionals;
  // As lz4: without -z or -d, a .lz4 input is decompressed.
  if (!commandGiven && positionals.length > 0 && positionals[0].endsWith('.lz4')) o.command = 'decompress';
  return o;
}

// Returns whether the option chose the command.
function parseLong(body: string, o: CliOptions): boolean {
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const value = eq < 0 ? undefined : body.slice(eq + 1);
  if (name === 'fast') {
    if (value !== undefined && !/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--fast=${value}: expected a positive integer`);
    o.level = -(value === undefined ? 1 : Number(value));
    return false;
  }
  if (value === undefined && Object.hasOwn(LONG_COMMANDS, name)) {
    o.command = LONG_COMMANDS[name];
    return true;
  }
  if (value !== undefined || !Object.hasOwn(LONG_FLAGS, name)) throw new UsageError(`unknown option --${body}`);
  LONG_FLAGS[name](o);
  return false;
}

// One '-' cluster, lz4 style: '-9f', '-dc', '-B7', '-BD', '-12'. Returns whether it chose the command.
function parseShortCluster(cluster: string, o: CliOptions): boolean {
  let choseCommand = false;
  let i = 0;
  while (i < cluster.length) {
    const ch = cluster[i];
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < cluster.length && cluster[j] >= '0' && cluster[j] <= '9') j++;
      const level = Number(cluster.slice(i, j));
      if (level < 1 || level > 12) throw new UsageError(`-${cluster.slice(i, j)}: the level must be from 1 to 12 (or --fast=N)`);
      o.level = level;
      i = j;
    } else if (ch === 'B') {
      i = parseBlockOption(cluster, i + 1, o);
    } else if (Object.hasOwn(SHORT_COMMANDS, ch)) {
      o.command = SHORT_COMMANDS[ch];
      choseCommand = true;
      i++;
    } else if (Object.hasOwn(SHORT_FLAGS, ch)) {
      SHORT_FLAGS[ch](o);
      i++;
    } else {
      throw new UsageError(`unknown option -${ch}`);
    }
  }
  return choseCommand;
}

// After '-B': a block size id 4..7, or D (linked blocks), I (independent), X (block checksums).
function parseBlockOption(cluster: string, i: number, o: CliOptions): number {
  const ch = cluster[i];
  if (ch === 'D') o.blockLinked = true;
  else if (ch === 'I') o.blockLinked = false;
  else if (ch === 'X') o.blockChecksum = true;
  else if (ch !== undefined && BLOCK_SIZES_BY_ID[ch] !== undefined && !/[0-9]/.test(cluster[i + 1] ?? '')) o.blockSize = BLOCK_SIZES_BY_ID[ch];
  else throw new UsageError(`-B${cluster.slice(i)}: expected -B4, -B5, -B6, -B7, -BD, -BI or -BX`);
  return i + 1;
}

/** Where the bytes come from and go to: a path, or null for stdin / stdout. */
export interface Streams {
  input: string | null;
  output: string | null;
}

/** Applies lz4's naming rules: FILE → FILE.lz4, FILE.lz4 → FILE, '-' or nothing → stdio. */
export function resolveStreams(o: CliOptions): Streams {
  const [first, second, ...extra] = o.files;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const input = first === undefined || first === '-' ? null : first;
  if (o.command === 'test') {
    if (second !== undefined) throw new UsageError(`test takes one input, got also ${second}`);
    return { input, output: null };
  }
  if (o.toStdout) {
    if (second !== undefined && second !== '-') throw new UsageError(`-c writes to stdout: remove ${second}`);
    return { input, output: null };
  }
  if (second !== undefined) return { input, output: second === '-' ? null : second };
  if (input === null) return { input, output: null };
  if (o.command === 'compress') return { input, output: `${input}.lz4` };
  if (!input.endsWith('.lz4') || input.length === 4) {
    throw new UsageError(`cannot name the output of ${input} (no .lz4 suffix): give OUTFILE or use -c`);
  }
  const output = input.slice(0, -4);
  return { input, output };
}

export const HELP = `Usage: lz4framed [compress|decompress|test|info] [OPTIONS] [INFILE|-] [OUTFILE|-]

Compresses to and decompresses the LZ4 frame format (.lz4), as the lz4 command line.
INFILE '-' or missing: standard input. OUTFILE '-': standard output; missing: INFILE.lz4 when
compressing, INFILE without .lz4 when decompressing (standard output when reading stdin).
An INFILE ending in .lz4 is decompressed unless -z is given. The input is never deleted.

Commands and options:
  -z, compress          compress (default)
  -d, decompress        decompress (concatenated and skippable frames too)
  -t, test              decompress and check integrity, write nothing
  -l, info              list the frames of .lz4 files
  -c, --stdout          write to standard output
  -f, --force           overwrite an existing output file
  -k, --keep            keep the input file (always the case)
  -q, --quiet           no progress bar or summary, only errors
  -v, --version         print the versions of lz4framed and liblz4
  -h, --help            print this help

Compression:
  -1 ... -12            level: 1-2 fast (default 1), 3-12 high compression
  --fast[=N]            faster than -1, less compression (N: acceleration, default 1)
  --best                same as -12
  -B4 -B5 -B6 -B7       block size 64 KiB, 256 KiB, 1 MiB, 4 MiB (default -B7)
  -BD                   linked blocks (better ratio)
  -BI                   independent blocks (default)
  -BX                   a checksum after each block
  --no-frame-crc        no content checksum
  --content-size        store the input size in the frame header
  --favor-decSpeed      high levels: faster decompression, slightly larger output

A progress bar is drawn on standard error when it is a terminal and the work takes a while.

Exit codes:
  0  success
  1  usage error (bad arguments), or an unexpected failure
  2  cannot open or read the input
  3  cannot open or write the output (or it exists and -f is not given)
  4  corrupt input (not LZ4, bad checksum, bad block)
  5  truncated input (it ends inside a frame)
  130  interrupted (SIGINT); the partial output file is removed
  141  standard output was closed early (as in \`lz4framed -dc x.lz4 | head\`), silently
`;
