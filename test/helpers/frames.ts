// Byte-level knowledge of the LZ4 frame format (lz4_Frame_format.md), written independently of
// the library so tests can build and damage frames at exact places.

export const FRAME_MAGIC = 0x184d2204;
export const SKIPPABLE_MAGIC_FIRST = 0x184d2a50;
export const SKIPPABLE_MAGIC_LAST = 0x184d2a5f;

/** A skippable frame: magic 0x184D2A50 + `nibble`, payload length, payload. */
export function skippableFrame(payload: Uint8Array, nibble = 0): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(SKIPPABLE_MAGIC_FIRST + nibble, 0);
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface BlockLayout {
  /** Offset of the 4-byte block size field. */
  offset: number;
  /** Bytes of block data after the size field. */
  dataSize: number;
  compressed: boolean;
  /** Offset of the block's XXH32 when the frame has block checksums. */
  checksumOffset?: number;
}

export interface FrameLayout {
  headerSize: number;
  blocks: BlockLayout[];
  endMarkOffset: number;
  /** Offset of the content XXH32 when the frame has one. */
  contentChecksumOffset?: number;
  /** Offset just past the frame. */
  end: number;
}

/** Walks the blocks of the (non-skippable) frame starting at `start`. */
export function frameLayout(bytes: Uint8Array, start = 0): FrameLayout {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.readUInt32LE(start) !== FRAME_MAGIC) throw new Error(`no LZ4 frame at offset ${start}`);
  const flg = view[start + 4];
  const hasBlockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const hasContentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  const headerSize = 7 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
  const blocks: BlockLayout[] = [];
  let pos = start + headerSize;
  for (;;) {
    const field = view.readUInt32LE(pos);
    if (field === 0) break;
    const dataSize = field & 0x7fffffff;
    const block: BlockLayout = { offset: pos, dataSize, compressed: (field & 0x80000000) === 0 };
    pos += 4 + dataSize;
    if (hasBlockChecksum) {
      block.checksumOffset = pos;
      pos += 4;
    }
    blocks.push(block);
  }
  const layout: FrameLayout = { headerSize, blocks, endMarkOffset: pos, end: pos + 4 };
  if (hasContentChecksum) {
    layout.contentChecksumOffset = pos + 4;
    layout.end += 4;
  }
  return layout;
}

/** A copy of `bytes` with the byte at `offset` XORed with `mask`. */
export function flipped(bytes: Uint8Array, offset: number, mask = 0xff): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset] ^= mask;
  return copy;
}
