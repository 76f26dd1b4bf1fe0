// The byte sources decompressTo reads from, each opened at any offset: a file, an http(s) URL
// (a `Range: bytes=N-` request on every connection), or a function the caller provides.
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { fileURLToPath } from 'url';
import { Lz4FramedError } from './errors';
import { describe } from './input';

/** Returns the input's bytes from `offset` on; called again after a failure, at the offset reached. */
export type SourceFunction = (offset: number) => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;

/** A file path, a file:, http: or https: URL (as a URL or a string), or a SourceFunction. */
export type ResumableInput = string | URL | SourceFunction;

/** What a source tells about the input, when it knows: compared on every (re)connection. */
export interface InputFacts {
  size?: number;
  etag?: string;
  lastModified?: string;
}

export interface OpenedSource {
  chunks: AsyncIterable<Uint8Array>;
  facts: InputFacts;
}

export interface OpenOptions {
  signal?: AbortSignal;
  /** Only the bytes up to this offset (inclusive) are needed: lets an HTTP request ask for just them. */
  last?: number;
}

export interface InputSource {
  readonly description: string;
  open(offset: number, options: OpenOptions): Promise<OpenedSource>;
}

export interface HttpSettings {
  headers: Record<string, string>;
  /** Milliseconds without any data before a connection counts as dropped. */
  timeout: number;
}

const REDIRECTS_MAX = 5;
const FILE_CHUNK = 1024 * 1024;

/** A coded error that says whether trying again can help. */
export function sourceError(
  message: string,
  code: string,
  retryable: boolean,
): Lz4FramedError & { retryable: boolean } {
  return Object.assign(new Lz4FramedError(message, code), { retryable });
}

// Errors no retry can fix: the thing is missing or forbidden.
const PERMANENT = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'EISDIR',
  'ENOTDIR',
  'ENOTFOUND',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
]);

// By shape, not instanceof: errors from Node's internals may come from another realm (vm, jest).
export function isRetryable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, retryable, code } = error as { name?: unknown; retryable?: unknown; code?: unknown };
  if (name === 'AbortError' || name === 'TypeError' || name === 'RangeError') return false;
  if (typeof retryable === 'boolean') return retryable;
  return !PERMANENT.has(String(code));
}

export function inputSource(input: ResumableInput, httpSettings: HttpSettings): InputSource {
  if (typeof input === 'function') return functionSource(input);
  let url: URL | undefined;
  if (input instanceof URL) url = input;
  else if (typeof input === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(input)) url = new URL(input);
  else if (typeof input !== 'string' || input.length === 0) {
    throw new TypeError(`input must be a file path, an http(s) or file URL, or a function, got ${describe(input)}`);
  }
  if (url === undefined) return fileSource(input as string);
  if (url.protocol === 'file:') return fileSource(fileURLToPath(url));
  if (url.protocol === 'http:' || url.protocol === 'https:') return httpSource(url, httpSettings);
  throw new TypeError(`input URL must be http:, https: or file:, got ${url.protocol}`);
}

function fileSource(file: string): InputSource {
  return {
    description: file,
    async open(offset, options) {
      const stat = await fs.promises.stat(file);
      if (!stat.isFile()) throw sourceError(`${file} is not a regular file`, 'EISDIR', false);
      const chunks = fs.createReadStream(file, {
        start: offset,
        end: options.last,
        highWaterMark: FILE_CHUNK,
        signal: options.signal,
      });
      return { chunks, facts: { size: stat.size } };
    },
  };
}

function functionSource(fn: SourceFunction): InputSource {
  return {
    description: 'the source function',
    async open(offset) {
      const chunks = await fn(offset);
      const iterable = chunks as Partial<AsyncIterable<Uint8Array>> | null;
      if (iterable === null || typeof iterable !== 'object' || typeof iterable[Symbol.asyncIterator] !== 'function') {
        throw new TypeError(`the source function must return an async iterable of Uint8Array, got ${describe(chunks)}`);
      }
      return { chunks: checkedChunks(chunks), facts: {} };
    },
  };
}

async function* checkedChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError(`the source yielded ${describe(chunk)} instead of a Uint8Array`);
    yield chunk;
  }
}

// "bytes first-last/total" (total may be "*"), or "bytes */total" for 416.
function parseContentRange(value: string | undefined): { first?: number; last?: number; total?: number } | undefined {
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const number = (s: string | undefined) => (s === undefined || s === '*' ? undefined : Number(s));
  return { first: number(match[1]), last: number(match[2]), total: number(match[3]) };
}

function header(response: http.IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function httpSource(url: URL, settings: HttpSettings): InputSource {
  const description = url.href;
  const get = (target: URL, offset: number, options: OpenOptions): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const client = target.protocol === 'https:' ? https : http;
      const range = `bytes=${offset}-${options.last === undefined ? '' : options.last}`;
      const headers = { ...settings.headers, range, 'accept-encoding': 'identity' };
      const request = client.get(target, { headers, signal: options.signal });
      let answered = false;
      request.setTimeout(settings.timeout, () => {
        request.destroy(sourceError(`${description}: no data for ${settings.timeout} ms`, 'ETIMEDOUT', true));
      });
      // Stays attached for the life of the request: a late socket error reaches the body stream.
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      request.once('response', (response) => {
        answered = true;
        resolve(response);
      });
    });

  return {
    description,
    async open(offset, options) {
      let target = url;
      for (let redirects = 0; ; redirects++) {
        const response = await get(target, offset, options);
        const status = response.statusCode ?? 0;
        const location = header(response, 'location');
        if ([301, 302, 303, 307, 308].includes(status) && location !== undefined && redirects < REDIRECTS_MAX) {
          response.resume();
          target = new URL(location, target);
          continue;
        }
        return answer(response, status, offset, description);
      }
    },
  };
}

function answer(response: http.IncomingMessage, status: number, offset: number, description: string): OpenedSource {
  const refuse = (message: string, code: string, retryable: boolean): never => {
    response.destroy();
    throw sourceError(`${description}: ${message}`, code, retryable);
  };
  const facts: InputFacts = { etag: header(response, 'etag'), lastModified: header(response, 'last-modified') };
  const encoding = header(response, 'content-encoding');
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    refuse(`the server sent the data encoded (${encoding})`, 'ERR_LZ4_HTTP_ENCODING', false);
  }
  let expected: number | undefined;
  if (status === 206) {
    const range = parseContentRange(header(response, 'content-range'));
    if (range?.first !== offset || range.last === undefined) {
      const answered = header(response, 'content-range') ?? '';
      refuse(
        `asked for bytes from ${offset}, the server answered Content-Range "${answered}"`,
        'ERR_LZ4_RANGE_UNSUPPORTED',
        false,
      );
    }
    expected = (range?.last ?? 0) - offset + 1;
    facts.size = range?.total;
  } else if (status === 200) {
    if (offset > 0) {
      refuse(
        `the server ignores Range requests (it answered 200 to "Range: bytes=${offset}-"), so the download cannot continue where it stopped`,
        'ERR_LZ4_RANGE_UNSUPPORTED',
        false,
      );
    }
    const length = header(response, 'content-length');
    expected = length === undefined ? undefined : Number(length);
    facts.size = expected;
  } else if (status === 416 && parseContentRange(header(response, 'content-range'))?.total === offset) {
    response.resume();
    return { chunks: (async function* () {})(), facts: { ...facts, size: offset } };
  } else {
    const transient = status >= 500 || status === 408 || status === 429;
    refuse(`HTTP status ${status} ${response.statusMessage ?? ''}`.trim(), 'ERR_LZ4_HTTP_STATUS', transient);
  }
  return { chunks: body(response, expected, description), facts };
}

async function* body(
  response: http.IncomingMessage,
  expected: number | undefined,
  description: string,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  try {
    for await (const chunk of response) {
      received += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (expected !== undefined && received < expected) {
      throw sourceError(
        `${description}: the connection closed after ${received} of ${expected} bytes`,
        'ERR_LZ4_SOURCE_TRUNCATED',
        true,
      );
    }
  } finally {
    response.destroy();
  }
}
