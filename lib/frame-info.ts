/** What a frame header says. */
export interface FrameInfo {
  /** A skippable frame (magic 0x184D2A50..0x184D2A5F); `contentSize` is then its payload length. */
  skippable: boolean;
  /** Maximum block size in bytes (0 for a skippable frame). */
  blockSize: number;
  blockLinked: boolean;
  contentChecksum: boolean;
  blockChecksum: boolean;
  /** Decoded size, when the header stores it. */
  contentSize: number | undefined;
  dictId: number | undefined;
  /** Bytes of the header, magic number included. */
  headerSize: number;
}
