// The command line's progress bar: one line on a terminal, redrawn in place, shown only once the
// work has lasted a moment (short runs stay silent).

export interface ProgressState {
  inputBytes: number;
  outputBytes: number;
  /** Known when the input is a regular file. */
  totalInputBytes: number | undefined;
  /** The input speed when the caller measures it (a resumed run counts only its own bytes); else inputBytes / elapsed. */
  bytesPerSecond?: number;
}

/** Where the bar is drawn: process.stderr, or anything with `write` (and `columns` for a terminal). */
export interface ProgressOutput {
  write(text: string): unknown;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Shown before the numbers, e.g. the input's name. */
  label?: string;
  /** Nothing is drawn before the work has lasted this long (ms). */
  delayMs?: number;
  /** Redraws at most this often (ms). */
  intervalMs?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * One line: the share done and a bar when the input size is known, bytes in → out, the ratio
 * (output / input), the input speed and, when the size is known, the time left.
 */
export function renderProgress(state: ProgressState, elapsedMs: number, columns = 80, label = ''): string {
  const { inputBytes, outputBytes, totalInputBytes } = state;
  const seconds = elapsedMs / 1000;
  const speed = state.bytesPerSecond ?? (seconds > 0 ? inputBytes / seconds : 0);
  const parts: string[] = [];
  if (label) parts.push(label);
  const known = totalInputBytes !== undefined && totalInputBytes > 0;
  if (known) {
    const done = Math.min(1, inputBytes / totalInputBytes);
    parts.push(`${(done * 100).toFixed(0).padStart(3)}%`);
    parts.push(`[${'#'.repeat(Math.round(done * 20)).padEnd(20, '.')}]`);
  }
  parts.push(`${formatBytes(inputBytes)} → ${formatBytes(outputBytes)}`);
  if (inputBytes > 0) parts.push(`${((outputBytes / inputBytes) * 100).toFixed(1)}%`);
  if (speed > 0) parts.push(`${formatBytes(speed)}/s`);
  if (known && speed > 0) parts.push(`ETA ${formatDuration(Math.max(0, totalInputBytes - inputBytes) / speed)}`);
  const line = parts.join('  ');
  // The last column is left empty: writing into it makes some terminals wrap.
  return line.length >= columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}

export class ProgressBar {
  readonly #out: ProgressOutput;
  readonly #label: string;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = -Infinity;
  #drawn = false;

  constructor(out: ProgressOutput, options: ProgressBarOptions = {}) {
    this.#out = out;
    this.#label = options.label ?? '';
    this.#delayMs = options.delayMs ?? 500;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#now = options.now ?? Date.now;
    this.#start = this.#now();
  }

  /** Whether the bar has been drawn at least once. */
  get shown(): boolean {
    return this.#drawn;
  }

  update(state: ProgressState): void {
    const now = this.#now();
    if (now - this.#start < this.#delayMs || now - this.#lastDraw < this.#intervalMs) return;
    this.#lastDraw = now;
    this.#drawn = true;
    this.#out.write(`\r${renderProgress(state, now - this.#start, this.#out.columns ?? 80, this.#label)}\x1b[K`);
  }

  /** Erases the bar, leaving the line for what comes next. */
  finish(): void {
    if (this.#drawn) this.#out.write('\r\x1b[K');
    this.#drawn = false;
  }
}
