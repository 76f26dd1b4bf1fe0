import { markAsUntransferable } from 'worker_threads';

/** What lz4framed accepts as bytes. */
export type BinaryInput = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

// A view of the caller's bytes, never a copy (a string is encoded once, as UTF-8).
export function toBytes(input: unknown, name: string, allowString = false): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || input instanceof SharedArrayBuffer) return new Uint8Array(input);
  if (allowString && typeof input === 'string') return Buffer.from(input, 'utf8');
  const kinds = allowString ? 'a string, an ArrayBufferView or an ArrayBuffer' : 'an ArrayBufferView or an ArrayBuffer';
  throw new TypeError(`${name} must be ${kinds}, got ${describe(input)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/**
 * `bytes` for a threadpool job, which reads them after the call returns. A transfer
 * (postMessage, structuredClone) would detach their ArrayBuffer and hand its memory to a new
 * owner that may free it while the job still reads it; marked untransferable, the buffer is
 * copied by a transfer instead (Node 20; later versions throw DataCloneError). The mark stays,
 * as on the pool behind Buffer.allocUnsafe.
 */
export function heldByJob(bytes: Uint8Array): Uint8Array {
  markAsUntransferable(bytes.buffer);
  return bytes;
}
