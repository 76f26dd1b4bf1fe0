// Decoding a stretch of a .lz4 file that begins at an index entry (or a block found from one):
// the one routine behind readRange and decompressParallel.
import { throwIfAborted } from './abort';
import { BlockCursor, blockAt, frameAt, truncatedAt } from './block-layout';
import { ByteReader } from './byte-reader';
import { Decompressor } from './decompressor';
import { badIndex, Lz4IndexEntry } from './index-file';
import { BinaryInput } from './input';
import { decompressSync } from './one-shot';

/** Where decoding starts: an index entry, or a later block of the same frame (kind 'block'). */
export type SegmentStart = Pick<Lz4IndexEntry, 'kind' | 'inputOffset' | 'outputOffset' | 'frameOffset' | 'checkpoint'>;

export interface Segment {
  reader: ByteReader;
  /** End of the LZ4 data (a seek table after it is not data). */
  dataEnd: number;
  start: SegmentStart;
  /** Input offset where decoding stops: an entry's offset, or dataEnd (the input is then ended and checked). */
  end: number;
  dictionary: BinaryInput | undefined;
  /** Bytes to read next, given the decoded offset reached. */
  chunkSize: number | ((outputOffset: number) => number);
  signal: AbortSignal | undefined;
  /** Each piece of output with its decoded offset; return true to stop early. */
  onOutput(output: Buffer, outputOffset: number): boolean | void | Promise<boolean | void>;
}

/** Decodes the segment; returns the decoded offset reached. */
export async function decodeSegment(segment: Segment): Promise<number> {
  const { reader, start, end, dataEnd, signal } = segment;
  let position = start.inputOffset;
  let output = start.outputOffset;
  let decoder: Decompressor;
  // Mid-frame in a frame of independent blocks: the decoder gets the frame's header, then blocks
  // from `position`, and must stop at the end mark (the frame's size and content checksum cover
  // blocks it never saw); a fresh decoder takes over after the frame.
  let cursor: BlockCursor | undefined;
  // A decoder that took over at a frame end and was given nothing yet has nothing to end().
  let unfed = false;
  if (start.kind === 'checkpoint') {
    if (!start.checkpoint) throw badIndex('a checkpoint entry without its checkpoint');
    decoder = Decompressor.restore(decompressSync(start.checkpoint), { dictionary: segment.dictionary });
  } else {
    decoder = new Decompressor({ dictionary: segment.dictionary });
  }
  try {
    if (start.kind === 'block') {
      const frame = frameAt(reader, start.frameOffset, dataEnd);
      if (frame.skippable || frame.info.blockLinked) {
        throw badIndex(`entry at ${start.inputOffset} is not inside a frame of independent blocks`);
      }
      blockAt(reader, position, frame.info, dataEnd); // a block header must be there
      decoder.update(reader.readSync(frame.offset, frame.info.headerSize));
      cursor = new BlockCursor(frame.info, position);
    }
    while (position < end) {
      throwIfAborted(signal);
      const size = typeof segment.chunkSize === 'number' ? segment.chunkSize : segment.chunkSize(output);
      const chunk = await reader.read(position, Math.min(size, end - position));
      if (chunk.length === 0) throw truncatedAt(position);
      let feed = chunk;
      let frameEnd: number | undefined;
      const endMark = cursor?.scan(chunk, position).find((block) => block.endMark);
      if (endMark) {
        feed = chunk.subarray(0, Math.max(0, endMark.offset - position));
        frameEnd = endMark.next;
        if (frameEnd > dataEnd) throw truncatedAt(endMark.offset);
      }
      const produced = await decoder.updateAsync(feed);
      unfed &&= feed.length === 0;
      if (produced.length > 0) {
        const stop = await segment.onOutput(produced, output);
        output += produced.length;
        if (stop === true) return output;
      }
      if (frameEnd === undefined) {
        position += chunk.length;
      } else {
        decoder.close();
        decoder = new Decompressor({ dictionary: segment.dictionary });
        cursor = undefined;
        unfed = true;
        position = frameEnd;
      }
    }
    if (end === dataEnd) {
      if (cursor) throw truncatedAt(position);
      if (!unfed) decoder.end();
    }
    return output;
  } finally {
    decoder.close();
  }
}
