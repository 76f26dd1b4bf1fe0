// Positional reads over a .lz4 file or an in-memory buffer: what the index, random-access and
// parallel functions need (they jump around instead of streaming).
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import { describe } from './input';

/** What the random-access functions read: a file path (string or file: URL) or the bytes themselves. */
export type RandomAccessInput = string | URL | Uint8Array;

export interface ByteReader {
  /** Bytes in the file or buffer. */
  readonly size: number;
  /** The path when reading a file (indexes beside it are looked up there). */
  readonly path: string | undefined;
  /** Up to `length` bytes at `position` (fewer only at the end). */
  read(position: number, length: number): Promise<Buffer>;
  /** The same, synchronously: for the few bytes of a header, where a threadpool round trip costs more than the read. */
  readSync(position: number, length: number): Buffer;
  close(): Promise<void>;
}

export function filePathOf(input: string | URL, name: string): string {
  if (input instanceof URL) {
    if (input.protocol !== 'file:')
      throw new TypeError(`${name} must be a file path or a file: URL, got ${input.protocol} URL`);
    return fileURLToPath(input);
  }
  if (input.length === 0) throw new TypeError(`${name} must not be an empty string`);
  return input;
}

export function checkRandomAccessInput(input: unknown, name = 'input'): void {
  if (typeof input === 'string' || input instanceof URL || input instanceof Uint8Array) return;
  throw new TypeError(`${name} must be a file path, a file: URL or a Uint8Array, got ${describe(input)}`);
}

export async function openByteReader(input: RandomAccessInput, name = 'input'): Promise<ByteReader> {
  checkRandomAccessInput(input, name);
  if (input instanceof Uint8Array) return bufferReader(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  const file = filePathOf(input, name);
  const handle = await fs.promises.open(file, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR' });
    return fileReader(handle, file, stat.size);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function bufferReader(bytes: Buffer): ByteReader {
  const slice = (position: number, length: number) =>
    bytes.subarray(position, Math.min(bytes.length, position + length));
  return {
    size: bytes.length,
    path: undefined,
    read: async (position, length) => slice(position, length),
    readSync: slice,
    close: async () => undefined,
  };
}

function fileReader(handle: fs.promises.FileHandle, file: string, size: number): ByteReader {
  const wanted = (position: number, length: number) => Math.max(0, Math.min(length, size - position));
  return {
    size,
    path: file,
    async read(position, length) {
      const buffer = Buffer.allocUnsafe(wanted(position, length));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
        if (bytesRead === 0) break; // the file shrank under us: the caller sees a short read
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    },
    readSync(position, length) {
      const buffer = Buffer.allocUnsafe(wanted(position, length));
      let done = 0;
      while (done < buffer.length) {
        const n = fs.readSync(handle.fd, buffer, done, buffer.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    },
    close: () => handle.close(),
  };
}
