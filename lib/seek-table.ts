// A seek table: an Lz4Index stored at the very end of the .lz4 file it indexes, inside a
// skippable frame, so every LZ4 decoder (the lz4 command line included) skips it.
//
//   skippable frame: u32 magic 0x184D2A5C, u32 payload length, payload
//   payload: the index (Lz4Index#toBuffer), then a 16-byte footer:
//     u64 length of the whole skippable frame (header included), 8 bytes "LZ4FSEEK"
// A reader finds it from the end of the file: footer magic, frame length, a skippable header that
// agrees, and an index whose input size is exactly the bytes before the frame.
import * as fs from 'fs';
import { ByteReader } from './byte-reader';
import { Lz4FramedError } from './errors';
import { Lz4Index } from './index-file';

export const SEEK_TABLE_MAGIC = 0x184d2a5c;
const FOOTER_MAGIC = Buffer.from('LZ4FSEEK', 'latin1');
const FOOTER_SIZE = 16;
const SKIPPABLE_HEADER_SIZE = 8;
const PAYLOAD_MAX = 0xffffffff;

/** The skippable frame that carries `index` as a seek table (append it to the file it indexes). */
export function seekTableFrame(index: Lz4Index): Buffer {
  if (!(index instanceof Lz4Index)) throw new TypeError('index must be an Lz4Index');
  const body = index.toBuffer();
  const payloadLength = body.length + FOOTER_SIZE;
  if (payloadLength > PAYLOAD_MAX) {
    throw new Lz4FramedError(
      `the index (${body.length} bytes) does not fit a skippable frame (4 GiB at most): use a larger interval`,
      'ERR_LZ4_INDEX_TOO_LARGE',
    );
  }
  const header = Buffer.alloc(SKIPPABLE_HEADER_SIZE);
  header.writeUInt32LE(SEEK_TABLE_MAGIC, 0);
  header.writeUInt32LE(payloadLength, 4);
  const footer = Buffer.alloc(FOOTER_SIZE);
  footer.writeBigUInt64LE(BigInt(SKIPPABLE_HEADER_SIZE + payloadLength), 0);
  FOOTER_MAGIC.copy(footer, 8);
  return Buffer.concat([header, body, footer]);
}

export interface SeekTable {
  index: Lz4Index;
  /** Where the seek table frame begins: the end of the LZ4 data it indexes. */
  dataEnd: number;
}

/**
 * The seek table at the end of `reader`'s bytes, or undefined when there is none. A footer that
 * names a seek table which then does not hold together is an error (ERR_LZ4_BAD_INDEX), not a
 * silent "none".
 */
export async function locateSeekTable(reader: ByteReader): Promise<SeekTable | undefined> {
  if (reader.size < SKIPPABLE_HEADER_SIZE + FOOTER_SIZE) return undefined;
  const footer = await reader.read(reader.size - FOOTER_SIZE, FOOTER_SIZE);
  if (!footer.subarray(8).equals(FOOTER_MAGIC)) return undefined;
  const bad = (why: string) =>
    new Lz4FramedError(`invalid seek table at the end of the file: ${why}`, 'ERR_LZ4_BAD_INDEX');
  const frameLength = Number(footer.readBigUInt64LE(0));
  if (frameLength < SKIPPABLE_HEADER_SIZE + FOOTER_SIZE || frameLength > reader.size) {
    throw bad(`frame length ${frameLength} does not fit the file`);
  }
  const dataEnd = reader.size - frameLength;
  const frame = await reader.read(dataEnd, frameLength);
  if (frame.readUInt32LE(0) !== SEEK_TABLE_MAGIC || frame.readUInt32LE(4) !== frameLength - SKIPPABLE_HEADER_SIZE) {
    throw bad('the skippable frame header does not match the footer');
  }
  const index = Lz4Index.from(frame.subarray(SKIPPABLE_HEADER_SIZE, frameLength - FOOTER_SIZE));
  if (index.inputSize !== dataEnd) throw bad(`it indexes ${index.inputSize} bytes but ${dataEnd} bytes precede it`);
  return { index, dataEnd };
}

/** Replaces whatever follows `dataEnd` in `file` with `index`'s seek table, then fsyncs the file. */
export async function writeSeekTable(file: string, index: Lz4Index, dataEnd: number): Promise<void> {
  const frame = seekTableFrame(index);
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.truncate(dataEnd);
    let written = 0;
    while (written < frame.length) {
      written += (await handle.write(frame, written, frame.length - written, dataEnd + written)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
