// `lz4framed info` / `-l`: a table of the frames of a .lz4 file, in the spirit of `lz4 --list`.
// Frames and blocks are found from their headers only (block-layout.ts): nothing is decoded.
import { blockAt, frameAt } from './block-layout';
import { openByteReader } from './byte-reader';
import { Lz4FramedNoDataError } from './errors';
import { FrameInfo } from './frame-info';

export interface FrameEntry {
  /** Where the frame begins in the file. */
  offset: number;
  /** Bytes of the whole frame, header and checksums included. */
  compressedSize: number;
  /** The header of an LZ4 frame; undefined for a skippable frame. */
  info: FrameInfo | undefined;
  /** Data blocks (0 for a skippable frame). */
  blocks: number;
}

export async function listFrames(file: string): Promise<FrameEntry[]> {
  const reader = await openByteReader(file, 'file');
  try {
    if (reader.size === 0) throw new Lz4FramedNoDataError('input is empty: an LZ4 frame was expected');
    const frames: FrameEntry[] = [];
    for (let offset = 0; offset < reader.size;) {
      const frame = frameAt(reader, offset, reader.size);
      let end: number;
      let blocks = 0;
      if (frame.skippable) {
        end = frame.end;
      } else {
        let block = blockAt(reader, frame.firstBlock, frame.info, reader.size);
        for (; !block.endMark; blocks++) block = blockAt(reader, block.next, frame.info, reader.size);
        end = block.next;
      }
      frames.push({ offset, compressedSize: end - offset, info: frame.skippable ? undefined : frame.info, blocks });
      offset = end;
    }
    return frames;
  } finally {
    await reader.close();
  }
}

const COLUMNS = ['Frame', 'Type', 'Block', 'Checksum', 'Compressed', 'Uncompressed', 'Ratio'];

// 64 KiB → B4 ... 4 MiB → B7, as the -B options; D linked, I independent blocks.
function blockColumn(info: FrameInfo): string {
  return `B${Math.log2(info.blockSize) / 2 - 4}${info.blockLinked ? 'D' : 'I'}`;
}

function checksumColumn(info: FrameInfo): string {
  const kinds = [info.contentChecksum ? 'content' : '', info.blockChecksum ? 'block' : ''].filter(Boolean);
  return kinds.length > 0 ? kinds.join('+') : '-';
}

function ratio(compressed: number, content: number | undefined): string {
  return content ? `${((compressed / content) * 100).toFixed(2)}%` : '-';
}

/** The table for one file; sizes in bytes, a total line when there are several frames. */
export function formatFrameList(file: string, frames: readonly FrameEntry[]): string {
  const rows = frames.map(({ info, compressedSize }, i) =>
    info === undefined
      ? [String(i + 1), 'Skippable', '-', '-', String(compressedSize), '-', '-']
      : [
          String(i + 1),
          'LZ4Frame',
          blockColumn(info),
          checksumColumn(info),
          String(compressedSize),
          info.contentSize === undefined ? '-' : String(info.contentSize),
          ratio(compressedSize, info.contentSize),
        ],
  );
  const compressed = frames.reduce((sum, f) => sum + f.compressedSize, 0);
  const data = frames.flatMap((f) => (f.info === undefined ? [] : [f.info]));
  const content = data.every((info) => info.contentSize !== undefined)
    ? data.reduce((sum, info) => sum + (info.contentSize ?? 0), 0)
    : undefined;
  if (frames.length > 1) {
    rows.push([
      'total',
      `${frames.length} frames`,
      '',
      '',
      String(compressed),
      content === undefined ? '-' : String(content),
      ratio(compressed, content),
    ]);
  }
  const widths = COLUMNS.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  // Text columns flush left, numbers flush right.
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 || c >= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [file, line(COLUMNS), ...rows.map(line)].join('\n') + '\n';
}
