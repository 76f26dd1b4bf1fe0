// The command line's grammar: lz4-style options in, a plain description of the work out.
// No I/O here, so every rule can be tested without spawning a process.

export type Command = 'compress' | 'decompress' | 'test' | 'info' | 'index' | 'cat' | 'help' | 'version';

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
  /** decompress: a resumable download (decompressTo); false starts over; undefined: a plain decode. */
  resume: boolean | undefined;
  /** --resume: compressed bytes between checkpoints (undefined: decompressTo's default). */
  checkpointInterval: number | undefined;
  /** decompress -T N: segments decoded at once (0: one per core); undefined: a plain decode. */
  threads: number | undefined;
  /** compress, index: store the index at the end of the .lz4 file (a seek table). */
  seekable: boolean;
  /** index: decoded bytes between entries (undefined: buildIndex's default). */
  interval: number | undefined;
  /** cat: the first decoded byte and how many (undefined: to the end). */
  offset: number | undefined;
  length: number | undefined;
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
  index: 'index',
  cat: 'cat',
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
  resume: (o) => (o.resume = true),
  'no-resume': (o) => (o.resume = false),
  seekable: (o) => (o.seekable = true),
};

// Long options with a value, given as --name=VALUE or --name VALUE.
const LONG_VALUES: Record<string, (o: CliOptions, value: string) => void> = {
  offset: (o, value) => (o.offset = parseSize(value, '--offset')),
  length: (o, value) => (o.length = parseSize(value, '--length')),
  interval: (o, value) => (o.interval = positive(parseSize(value, '--interval'), '--interval')),
  'checkpoint-interval': (o, value) => {
    o.checkpointInterval = positive(parseSize(value, '--checkpoint-interval'), '--checkpoint-interval');
  },
  threads: (o, value) => (o.threads = parseThreads(value, '--threads')),
};

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A byte count: digits, optionally followed by K, M or G (powers of 1024). */
export function parseSize(text: string, option: string): number {
  const match = /^([0-9]+)([KMG]?)$/i.exec(text);
  const value = match ? Number(match[1]) * SIZE_UNITS[match[2].toUpperCase()] : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`${option} ${text}: expected a byte count (digits, optionally followed by K, M or G)`);
  }
  return value;
}

function positive(value: number, option: string): number {
  if (value === 0) throw new UsageError(`${option} must be at least 1 byte`);
  return value;
}

// As lz4's -T#: 0 means one per core.
function parseThreads(text: string, option: string): number {
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) > 1024) {
    throw new UsageError(`${option} ${text}: expected a number of threads from 0 (one per core) to 1024`);
  }
  return Number(text);
}

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
    resume: undefined,
    checkpointInterval: undefined,
    threads: undefined,
    seekable: false,
    interval: undefined,
    offset: undefined,
    length: undefined,
  };
}

/** The arguments still to read; options with a value take the next one when it is not attached. */
class ArgCursor {
  #at = 0;

  constructor(readonly argv: readonly string[]) {}

  next(): string | undefined {
    return this.argv[this.#at++];
  }

  valueFor(option: string): string {
    const value = this.next();
    if (value === undefined) throw new UsageError(`${option} needs a value`);
    return value;
  }
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const o = defaults();
  let commandGiven = false;
  const positionals: string[] = [];
  let optionsEnded = false;
  const args = new ArgCursor(argv);
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
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
      if (parseLong(arg.slice(2), o, args)) commandGiven = true;
    } else if (parseShortCluster(arg.slice(1), o, args)) {
      commandGiven = true;
    }
  }
  o.files = positionals;
  // As lz4: without -z or -d, a .lz4 input is decompressed.
  if (!commandGiven && positionals.length > 0 && positionals[0].endsWith('.lz4')) o.command = 'decompress';
  checkCombinations(o);
  return o;
}

// Options that belong to one command, or exclude each other, refused whatever their order.
function checkCombinations(o: CliOptions): void {
  const refuse = (message: string) => {
    throw new UsageError(message);
  };
  const resume = o.resume === false ? '--no-resume' : '--resume';
  if (o.resume !== undefined && o.command !== 'decompress') refuse(`${resume} works with decompress (-d) only`);
  if (o.checkpointInterval !== undefined && o.resume === undefined) refuse('--checkpoint-interval goes with --resume');
  if (o.threads !== undefined && o.command !== 'decompress') refuse('-T works with decompress (-d) only');
  if (o.threads !== undefined && o.resume !== undefined) {
    refuse(`-T and ${resume} exclude each other: a resumable download decodes in order`);
  }
  if (o.seekable && o.command !== 'compress' && o.command !== 'index')
    refuse('--seekable works with compress and index only');
  if (o.interval !== undefined && o.command !== 'index') refuse('--interval works with index only');
  if ((o.offset !== undefined || o.length !== undefined) && o.command !== 'cat') {
    refuse('--offset and --length work with cat only');
  }
}

// Returns whether the option chose the command.
function parseLong(body: string, o: CliOptions, args: ArgCursor): boolean {
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const value = eq < 0 ? undefined : body.slice(eq + 1);
  if (Object.hasOwn(LONG_VALUES, name)) {
    LONG_VALUES[name](o, value ?? args.valueFor(`--${name}`));
    return false;
  }
  if (name === 'fast') {
    if (value !== undefined && !/^[1-9][0-9]*$/.test(value))
      throw new UsageError(`--fast=${value}: expected a positive integer`);
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

// One '-' cluster, lz4 style: '-9f', '-dc', '-B7', '-BD', '-12', '-T4' (or '-T 4'). Returns whether it
// chose the command.
function parseShortCluster(cluster: string, o: CliOptions, args: ArgCursor): boolean {
  let choseCommand = false;
  let i = 0;
  while (i < cluster.length) {
    const ch = cluster[i];
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < cluster.length && cluster[j] >= '0' && cluster[j] <= '9') j++;
      const level = Number(cluster.slice(i, j));
      if (level < 1 || level > 12)
        throw new UsageError(`-${cluster.slice(i, j)}: the level must be from 1 to 12 (or --fast=N)`);
      o.level = level;
      i = j;
    } else if (ch === 'B') {
      i = parseBlockOption(cluster, i + 1, o);
    } else if (ch === 'T') {
      const digits = /^[0-9]*/.exec(cluster.slice(i + 1))![0];
      o.threads = parseThreads(digits || (i + 1 === cluster.length ? args.valueFor('-T') : cluster.slice(i + 1)), '-T');
      i += 1 + digits.length;
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
  else if (ch !== undefined && BLOCK_SIZES_BY_ID[ch] !== undefined && !/[0-9]/.test(cluster[i + 1] ?? ''))
    o.blockSize = BLOCK_SIZES_BY_ID[ch];
  else throw new UsageError(`-B${cluster.slice(i)}: expected -B4, -B5, -B6, -B7, -BD, -BI or -BX`);
  return i + 1;
}

/** Where the bytes come from and go to: a path, or null for stdin / stdout. */
export interface Streams {
  input: string | null;
  output: string | null;
}

/** An http: or https: URL: read only by a resumable download. */
export function isHttpUrl(name: string): boolean {
  return /^https?:\/\//i.test(name);
}

/**
 * Applies lz4's naming rules: FILE → FILE.lz4, FILE.lz4 → FILE, '-' or nothing → stdio. A URL
 * (--resume only) needs OUTFILE; --resume and -T need files on both sides, --seekable an output file.
 */
export function resolveStreams(o: CliOptions): Streams {
  const [first, second] = o.files;
  if (first !== undefined && isHttpUrl(first)) {
    if (o.resume === undefined)
      throw new UsageError(`${first}: a URL is read by a resumable download: use -d --resume URL OUTFILE`);
    try {
      new URL(first);
    } catch {
      throw new UsageError(`${first} is not a valid URL`);
    }
    if (second === undefined || second === '-' || o.toStdout)
      throw new UsageError('a download from a URL needs OUTFILE (a file, not stdout)');
  }
  const streams = namedStreams(o);
  const resume = o.resume === undefined ? undefined : o.resume ? '--resume' : '--no-resume';
  const needsFiles = resume ?? (o.threads !== undefined ? '-T' : undefined);
  if (needsFiles && streams.input === null) {
    throw new UsageError(`${needsFiles} needs INFILE (a file${resume ? ' or a URL' : ''}), not stdin`);
  }
  if (needsFiles && streams.output === null) throw new UsageError(`${needsFiles} needs OUTFILE (a file), not stdout`);
  if (o.seekable && streams.output === null) {
    throw new UsageError('--seekable writes into the output file: give OUTFILE, not stdout');
  }
  return streams;
}

function namedStreams(o: CliOptions): Streams {
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

/** The one .lz4 file `index` and `cat` work on: they jump around in it, so stdin will not do. */
export function randomAccessFile(o: CliOptions): string {
  const [file, ...extra] = o.files;
  if (file === undefined || file === '-') {
    throw new UsageError(`${o.command} needs a .lz4 file (not stdin: it reads the file out of order)`);
  }
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  if (o.toStdout && o.command === 'index') {
    throw new UsageError('index writes FILE.lz4idx (or into FILE with --seekable), not stdout: remove -c');
  }
  return file;
}

export const HELP = `Usage: lz4framed [compress|decompress|test|info] [OPTIONS] [INFILE|-] [OUTFILE|-]
       lz4framed decompress --resume INPUT OUTFILE    (INPUT: a file or an http(s) URL)
       lz4framed decompress -T N INFILE [OUTFILE]
       lz4framed index [--seekable] [--interval=SIZE] FILE
       lz4framed cat [--offset=N] [--length=N] FILE

Compresses to and decompresses the LZ4 frame format (.lz4), as the lz4 command line.
INFILE '-' or missing: standard input. OUTFILE '-': standard output; missing: INFILE.lz4 when
compressing, INFILE without .lz4 when decompressing (standard output when reading stdin).
An INFILE ending in .lz4 is decompressed unless -z is given. The input is never deleted.

Commands and options:
  -z, compress          compress (default)
  -d, decompress        decompress (concatenated and skippable frames too)
  -t, test              decompress and check integrity, write nothing
  -l, info              list the frames of .lz4 files
  index FILE            write FILE.lz4idx: where decoding can start inside FILE (for cat, -T)
  cat FILE              write decoded bytes of FILE to standard output, decoding only from the
                        nearest index entry (FILE's seek table, else FILE.lz4idx, else one built now)
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
  --seekable            then store an index at the end of OUTFILE (lz4 -d skips it)

Resumable downloads, parallel decoding, random access:
  --resume              decompress as a resumable download: INPUT may be an http(s) URL;
                        OUTFILE.lz4ckpt holds a checkpoint while it runs, and the same command,
                        run again after a crash, Ctrl-C or a dropped connection, continues from it
  --no-resume           the same, but start over (an unfinished OUTFILE is replaced)
  --checkpoint-interval=SIZE  compressed bytes between checkpoints (default 64M)
  -T N, -TN             decompress a file with N segments decoded at once (0: one per core)
  --seekable            index: store the index at the end of FILE instead (lz4 -d skips it)
  --interval=SIZE       index: decoded bytes between entries (default 64M)
  --offset=N            cat: the first decoded byte (default 0)
  --length=N            cat: how many bytes (default: to the end)
  SIZE and N are bytes, optionally followed by K, M or G (KiB, MiB, GiB).

A progress bar is drawn on standard error when it is a terminal and the work takes a while.
index prints a one-line summary on standard error unless -q is given.

Exit codes:
  0  success
  1  usage error (bad arguments), or an unexpected failure
  2  cannot open or read the input (with --resume: a URL that keeps failing, an HTTP error
     status, a server that ignores Range requests)
  3  cannot open or write the output (or it exists and -f is not given); with --resume, also
     a checkpoint that does not match OUTFILE or INPUT any more (--no-resume starts over)
  4  corrupt input (not LZ4, bad checksum, bad block), or an index that does not match it
  5  truncated input (it ends inside a frame)
  130  interrupted (SIGINT); the partial output file is removed, except with --resume: it is
       kept with its checkpoint, and the same command continues it
  141  standard output was closed early (as in \`lz4framed -dc x.lz4 | head\`), silently
`;
