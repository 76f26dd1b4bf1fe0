// Checks that a checkpoint file still fits the output beside it and the input, before anything is
// changed; then restores the decoder. A refusal names what differs and leaves every file as it was.
import * as fs from 'fs';
import { abortable } from './abort';
import { CheckpointRecord, InputIdentity, sha256Hex } from './checkpoint-file';
import { Decompressor } from './decompressor';
import { Lz4FramedError } from './errors';
import { DecompressOptions } from './options';
import { InputFacts, InputSource } from './sources';

export const HEAD_LENGTH = 64;

function inputChanged(why: string): Lz4FramedError {
  return new Lz4FramedError(
    `the input is not the one the checkpoint was taken from: ${why}`,
    'ERR_LZ4_RESUME_INPUT_CHANGED',
  );
}

/** Throws ERR_LZ4_RESUME_INPUT_CHANGED when what a source says contradicts the identity. */
export function checkFacts(identity: Pick<InputIdentity, 'size' | 'etag' | 'lastModified'>, facts: InputFacts): void {
  const differ = (a: unknown, b: unknown) => a !== undefined && b !== undefined && a !== b;
  if (differ(identity.size, facts.size)) throw inputChanged(`its size is ${facts.size} bytes, it was ${identity.size}`);
  if (differ(identity.etag, facts.etag)) throw inputChanged(`its ETag is ${facts.etag}, it was ${identity.etag}`);
  if (differ(identity.lastModified, facts.lastModified)) {
    throw inputChanged(`it was modified (${facts.lastModified}, was ${identity.lastModified})`);
  }
}

/** The input's first `length` bytes, read through a connection of its own. */
export async function readHead(
  source: InputSource,
  length: number,
  signal: AbortSignal | undefined,
): Promise<{ head: Buffer; facts: InputFacts }> {
  const { chunks, facts } = await source.open(0, { signal, last: Math.max(0, length - 1) });
  const iterator = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let total = 0;
  try {
    while (total < length) {
      const step = await abortable(iterator.next(), signal);
      if (step.done) break;
      parts.push(Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength));
      total += step.value.length;
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  return { head: Buffer.concat(parts).subarray(0, length), facts };
}

export interface Resumed {
  decoder: Decompressor;
  output: fs.promises.FileHandle;
}

/**
 * Validates `record` against the output file and the input, then truncates the output to the
 * checkpoint's offset and returns the restored decoder with the open output.
 */
export async function resumeFrom(
  record: CheckpointRecord,
  outputPath: string,
  source: InputSource,
  decoderOptions: DecompressOptions,
  signal: AbortSignal | undefined,
): Promise<Resumed> {
  let output: fs.promises.FileHandle;
  try {
    output = await fs.promises.open(outputPath, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (record.outputOffset > 0) throw outputShort(outputPath, 0, record.outputOffset);
    output = await fs.promises.open(outputPath, 'w+');
  }
  try {
    const { size } = await output.stat();
    if (size < record.outputOffset) throw outputShort(outputPath, size, record.outputOffset);
    const tailLength = record.outputTail.length;
    const tail = Buffer.alloc(tailLength);
    await output.read(tail, 0, tailLength, record.outputOffset - tailLength);
    if (sha256Hex(tail) !== record.outputTail.sha256) {
      throw new Lz4FramedError(
        `${outputPath} is not the output this checkpoint belongs to: its ${tailLength} bytes before offset ` +
          `${record.outputOffset} differ from the ones decoded`,
        'ERR_LZ4_RESUME_OUTPUT_MISMATCH',
      );
    }
    // The tail covers the history window, so a restore failure here is about the options (dictionary, skipChecksums).
    const decoder = Decompressor.restore(record.decoder, { ...decoderOptions, history: tail });
    try {
      const { head, facts } = await readHead(source, record.input.headLength, signal);
      checkFacts(record.input, facts);
      if (head.length < record.input.headLength || sha256Hex(head) !== record.input.headSha256) {
        throw inputChanged(`its first ${record.input.headLength} bytes differ`);
      }
      await output.truncate(record.outputOffset);
    } catch (error) {
      decoder.close();
      throw error;
    }
    return { decoder, output };
  } catch (error) {
    await output.close();
    throw error;
  }
}

function outputShort(outputPath: string, size: number, wanted: number): Lz4FramedError {
  return new Lz4FramedError(
    `${outputPath} has ${size} bytes but the checkpoint says ${wanted} were written: it was truncated or replaced, ` +
      'so it cannot be resumed (start over with resume: false)',
    'ERR_LZ4_RESUME_OUTPUT_SHORT',
  );
}
