/** What a frame header says. */
export interface FrameInfo {
  /** A skippable frame (magic 0x184D2A50..0x184D2A5F); `contentSize` is then its payload length. */
  skippable: boolean;
  /** Maximum block size in bytes (0 for a skippable frame). */
  blockSize: number;
  /** Blocks may reference earlier blocks of the frame (false for independent blocks and skippable frames). */
  blockLinked: boolean;
  /** The frame ends with an XXH32 checksum of its content. */
  contentChecksum: boolean;
  /** Each block is followed by an XXH32 checksum of its bytes. */
  blockChecksum: boolean;
  /** Decoded size, when the header stores it. */
  contentSize: number | undefined;
  /** Dictionary id stored in the header; undefined when there is none (or it is 0). */
  dictId: number | undefined;
  /** Bytes of the header, magic number included. */
  headerSize: number;
}
