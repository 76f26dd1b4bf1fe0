// decompressTo: decode a .lz4 input (file, http(s) URL, or function) into a file, surviving
// dropped connections (reconnect at the exact compressed offset reached), crashes and aborts
// (a checkpoint file beside the output, resumed on the next run).
import * as fs from 'fs';
import { setTimeout as delay } from 'timers/promises';
import { abortable, abortErrorOf, checkSignal } from './abort';
import {
  CheckpointRecord,
  encodeCheckpointFile,
  readCheckpointFile,
  removeFileDurably,
  sha256Hex,
  temporaryPathOf,
  writeFileDurably,
} from './checkpoint-file';
import { Decompressor, readCheckpointInfo } from './decompressor';
import { Lz4FramedError, Lz4FramedNoDataError } from './errors';
import { BinaryInput, describe } from './input';
import { bool, check, integer } from './options';
import { checkFacts, HEAD_LENGTH, resumeFrom } from './resume-state';
import {
  InputFacts,
  inputSource,
  InputSource,
  isRetryable,
  OpenedSource,
  ResumableInput,
  sourceError,
} from './sources';

/** What `DecompressToOptions.onProgress` is called with. */
export interface DecompressToProgress {
  /** Compressed bytes decoded so far (the whole input's offset, also across resumes). */
  inputBytes: number;
  /** Decoded bytes in the output so far. */
  outputBytes: number;
  /** The input's size, when the source tells it. */
  inputSize: number | undefined;
  /** Compressed bytes per second in this run. */
  bytesPerSecond: number;
  /** Connections opened again after a failure, in this run so far. */
  reconnects: number;
}

/** Options of `decompressTo`. */
export interface DecompressToOptions {
  /** Default `<outputPath>.lz4ckpt`. */
  checkpointPath?: string;
  /** Compressed bytes between checkpoints (default 64 MiB). */
  checkpointInterval?: number;
  /** Continue from an existing checkpoint file (default true); false starts over. */
  resume?: boolean;
  /** Consecutive failed connections or reads tolerated before giving up (default 5). */
  retries?: number;
  /** Wait before the first retry in ms (default 1000), doubled after each consecutive failure, at most 30 s. */
  retryDelay?: number;
  /** Stops cleanly: a checkpoint is written, the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called after each chunk; an exception thrown here fails the run. */
  onProgress?: (progress: DecompressToProgress) => void;
  /** The dictionary the data was compressed with. */
  dictionary?: BinaryInput;
  /** Do not verify content checksums nor those of stored blocks (default false); see `DecompressOptions`. */
  skipChecksums?: boolean;
  /** Extra HTTP request headers (e.g. authorization). */
  headers?: Record<string, string>;
  /** HTTP: milliseconds without data before the connection counts as dropped (default 30 000). */
  timeout?: number;
}

/** What `decompressTo` resolves to once the output is complete (and its checkpoint file removed). */
export interface DecompressToResult {
  /** Compressed bytes of the whole input (earlier runs included when resuming). */
  inputBytes: number;
  /** Size of the output file. */
  outputBytes: number;
  /** This run continued from a checkpoint file. */
  resumed: boolean;
  /** Connections opened again after a failure, in this run. */
  reconnects: number;
}

const MIB = 1024 * 1024;
const BACKOFF_MAX = 30_000;
const TAIL_MIN = 4096;

interface Settings {
  checkpointPath: string;
  checkpointInterval: number;
  resume: boolean;
  retries: number;
  retryDelay: number;
  signal: AbortSignal | undefined;
  onProgress: ((progress: DecompressToProgress) => void) | undefined;
  decoderOptions: { dictionary?: BinaryInput; skipChecksums?: boolean };
  headers: Record<string, string>;
  timeout: number;
}

const OPTION_KEYS = [
  'checkpointPath',
  'checkpointInterval',
  'resume',
  'retries',
  'retryDelay',
  'signal',
  'onProgress',
  'dictionary',
  'skipChecksums',
  'headers',
  'timeout',
] as const;

function settingsOf(outputPath: unknown, options: unknown): Settings {
  if (typeof outputPath !== 'string' || outputPath.length === 0) {
    throw new TypeError(`outputPath must be a non-empty string, got ${describe(outputPath)}`);
  }
  const o = check(options, OPTION_KEYS);
  const checkpointPath = o.checkpointPath ?? `${outputPath}.lz4ckpt`;
  if (typeof checkpointPath !== 'string' || checkpointPath.length === 0) {
    throw new TypeError('options.checkpointPath must be a non-empty string');
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`options.onProgress must be a function, got ${describe(o.onProgress)}`);
  }
  const headers = o.headers ?? {};
  if (headers === null || typeof headers !== 'object' || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new TypeError('options.headers must be an object of strings');
  }
  const decoderOptions = {
    dictionary: o.dictionary as BinaryInput | undefined,
    skipChecksums: o.skipChecksums as boolean | undefined,
  };
  new Decompressor(decoderOptions).close(); // validates them now
  return {
    checkpointPath,
    checkpointInterval: integer(o, 'checkpointInterval', 64 * MIB, 1, Number.MAX_SAFE_INTEGER),
    resume: bool(o, 'resume', true),
    retries: integer(o, 'retries', 5, 0, 1_000_000),
    retryDelay: integer(o, 'retryDelay', 1000, 0, 3_600_000),
    signal: checkSignal(o.signal),
    onProgress: o.onProgress as Settings['onProgress'],
    decoderOptions,
    headers: headers as Record<string, string>,
    timeout: integer(o, 'timeout', 30_000, 1, 2_147_483_647),
  };
}

/**
 * Decodes `input` into the file `outputPath`. With a checkpoint file from an earlier run beside
 * it, continues from there (after checking that output and input are still the same).
 */
export async function decompressTo(
  input: ResumableInput,
  outputPath: string,
  options?: DecompressToOptions,
): Promise<DecompressToResult> {
  const settings = settingsOf(outputPath, options);
  const source = inputSource(input, { headers: settings.headers, timeout: settings.timeout });
  await fs.promises.rm(temporaryPathOf(settings.checkpointPath), { force: true });
  const record = settings.resume ? await readCheckpointFile(settings.checkpointPath) : undefined;
  let run: Download;
  if (record) {
    const { decoder, output } = await resumeFrom(record, outputPath, source, settings.decoderOptions, settings.signal);
    run = new Download(source, settings, decoder, output, record);
  } else {
    await removeFileDurably(settings.checkpointPath);
    const output = await fs.promises.open(outputPath, 'w+');
    run = new Download(source, settings, new Decompressor(settings.decoderOptions), output, undefined);
  }
  return run.run();
}

class Download {
  readonly #source: InputSource;
  readonly #settings: Settings;
  readonly #decoder: Decompressor;
  readonly #output: fs.promises.FileHandle;
  readonly #resumed: boolean;
  // What identifies the input: from the checkpoint when resuming, else learnt as it arrives.
  #facts: InputFacts;
  #head: Buffer;
  // A resumed run keeps the head hash it was given (it does not see those bytes again).
  readonly #headRecord: CheckpointRecord['input'] | undefined;
  #reconnects = 0;
  #sinceCheckpoint = 0;
  #checkpointedAt: number;
  readonly #startInput: number;
  readonly #startTime = Date.now();

  constructor(
    source: InputSource,
    settings: Settings,
    decoder: Decompressor,
    output: fs.promises.FileHandle,
    record: CheckpointRecord | undefined,
  ) {
    this.#source = source;
    this.#settings = settings;
    this.#decoder = decoder;
    this.#output = output;
    this.#resumed = record !== undefined;
    this.#facts = record
      ? { size: record.input.size, etag: record.input.etag, lastModified: record.input.lastModified }
      : {};
    this.#head = Buffer.alloc(0);
    this.#headRecord = record?.input;
    this.#checkpointedAt = decoder.inputOffset;
    this.#startInput = decoder.inputOffset;
  }

  async run(): Promise<DecompressToResult> {
    try {
      await this.#pump();
      await this.#finish();
      return {
        inputBytes: this.#decoder.inputOffset,
        outputBytes: this.#decoder.outputOffset,
        resumed: this.#resumed,
        reconnects: this.#reconnects,
      };
    } finally {
      await this.#output.close().catch(() => undefined);
      this.#decoder.close();
    }
  }

  // Reads sources until one ends at the end of the input, reconnecting after failures. Only
  // opening and reading a source count as failures; a decoding or writing error ends the run.
  async #pump(): Promise<void> {
    const { signal, retries } = this.#settings;
    let failures = 0;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.#reconnects++;
      const failure = await this.#readSource(() => {
        failures = 0;
      });
      if (failure === undefined) return;
      failures++;
      if (!isRetryable(failure) || failures > retries) {
        await this.#checkpoint();
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the source's own failure, unchanged
        if (!isRetryable(failure)) throw failure;
        throw Object.assign(
          new Lz4FramedError(
            `${this.#source.description}: giving up after ${failures} consecutive failures: ${(failure as Error).message}`,
            'ERR_LZ4_SOURCE_FAILED',
          ),
          { cause: failure },
        );
      }
      try {
        await delay(Math.min(BACKOFF_MAX, this.#settings.retryDelay * 2 ** (failures - 1)), undefined, { signal });
      } catch (error) {
        await this.#checkpoint();
        throw error;
      }
    }
  }

  // One connection: resolves undefined when the input is complete, or the source's failure.
  async #readSource(onProgress: () => void): Promise<unknown> {
    const { signal } = this.#settings;
    let opened: OpenedSource;
    try {
      if (signal?.aborted) throw abortErrorOf(signal);
      opened = await this.#source.open(this.#decoder.inputOffset, { signal });
    } catch (error) {
      return error;
    }
    this.#learn(opened.facts);
    const iterator = opened.chunks[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await abortable(iterator.next(), signal);
        } catch (error) {
          return error;
        }
        if (step.done) break;
        if (step.value.length === 0) continue;
        await this.#consume(step.value);
        onProgress();
      }
    } finally {
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
    const size = this.#facts.size;
    if (size === undefined || this.#decoder.inputOffset >= size) return undefined;
    const where = `${this.#source.description} ended at byte ${this.#decoder.inputOffset} of ${size}`;
    return sourceError(where, 'ERR_LZ4_SOURCE_TRUNCATED', true);
  }

  #learn(facts: InputFacts): void {
    checkFacts(this.#facts, facts);
    this.#facts = {
      size: this.#facts.size ?? facts.size,
      etag: this.#facts.etag ?? facts.etag,
      lastModified: this.#facts.lastModified ?? facts.lastModified,
    };
  }

  // Decodes a chunk; when a checkpoint is due, cuts it where liblz4 says its current unit
  // (header, block) ends, so the checkpoint holds no buffered input.
  async #consume(chunk: Uint8Array): Promise<void> {
    const decoder = this.#decoder;
    const at = decoder.inputOffset;
    if (at < HEAD_LENGTH && this.#headRecord === undefined) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, HEAD_LENGTH - at)]);
    }
    let rest = chunk;
    while (rest.length > 0) {
      const due = this.#sinceCheckpoint >= this.#settings.checkpointInterval;
      const hint = decoder.nextInputHint;
      if (due && hint === 0) await this.#checkpoint();
      const boundary = due && hint > 0 && rest.length >= hint;
      const piece = boundary ? rest.subarray(0, hint) : rest;
      const output = await decoder.updateAsync(piece);
      await this.#write(output, decoder.outputOffset - output.length);
      this.#sinceCheckpoint += piece.length;
      rest = rest.subarray(piece.length);
      if (boundary) await this.#checkpoint();
    }
    this.#progress();
  }

  async #write(bytes: Buffer, position: number): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      written += (await this.#output.write(bytes, written, bytes.length - written, position + written)).bytesWritten;
    }
  }

  #progress(): void {
    const { onProgress } = this.#settings;
    if (!onProgress) return;
    const seconds = (Date.now() - this.#startTime) / 1000;
    const inputBytes = this.#decoder.inputOffset;
    onProgress({
      inputBytes,
      outputBytes: this.#decoder.outputOffset,
      inputSize: this.#facts.size,
      bytesPerSecond: seconds > 0 ? (inputBytes - this.#startInput) / seconds : 0,
      reconnects: this.#reconnects,
    });
  }

  // Output data fsynced, then the checkpoint file replaced durably: it never points past durable output.
  async #checkpoint(): Promise<void> {
    const decoder = this.#decoder;
    this.#sinceCheckpoint = 0;
    if (decoder.inputOffset === this.#checkpointedAt) return;
    await this.#output.datasync();
    const checkpoint = decoder.checkpoint({ history: 'omit' });
    const outputOffset = decoder.outputOffset;
    const tailLength = Math.min(outputOffset, Math.max(TAIL_MIN, readCheckpointInfo(checkpoint).historyLength));
    const tail = Buffer.alloc(tailLength);
    await this.#output.read(tail, 0, tailLength, outputOffset - tailLength);
    const input = this.#headRecord ?? {
      headLength: this.#head.length,
      headSha256: sha256Hex(this.#head),
    };
    const record: CheckpointRecord = {
      inputOffset: decoder.inputOffset,
      outputOffset,
      input: { ...this.#facts, headLength: input.headLength, headSha256: input.headSha256 },
      outputTail: { length: tailLength, sha256: sha256Hex(tail) },
      decoder: checkpoint,
    };
    await writeFileDurably(this.#settings.checkpointPath, encodeCheckpointFile(record));
    this.#checkpointedAt = decoder.inputOffset;
  }

  async #finish(): Promise<void> {
    try {
      this.#decoder.end();
    } catch (error) {
      // The input stopped inside a frame: keep what was decoded resumable (the rest may come later).
      if (error instanceof Lz4FramedNoDataError) await this.#checkpoint();
      throw error;
    }
    await this.#output.sync();
    await removeFileDurably(this.#settings.checkpointPath);
  }
}
