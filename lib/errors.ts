import { binding } from './binding';

/** Every error lz4framed raises about data or state carries a stable `code`. */
export class Lz4FramedError extends Error {
  /**
   * Stable identifier to branch on (the message may change): `ERR_LZ4F_<NAME>` for a liblz4
   * error (e.g. `ERR_LZ4F_CONTENTCHECKSUM_INVALID`), `ERR_LZ4_<NAME>` for lz4framed's own
   * (e.g. `ERR_LZ4_BUSY`, `ERR_LZ4_CLOSED`, `ERR_LZ4_BAD_CHECKPOINT`).
   */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'Lz4FramedError';
    this.code = code;
  }
}

/**
 * The input ended inside a frame (or was empty); `code` is `'ERR_LZ4_NO_DATA'` and `partial` holds
 * what was decoded before.
 */
export class Lz4FramedNoDataError extends Lz4FramedError {
  /** The output decoded before the input ran out (empty when there was none). */
  readonly partial: Buffer;

  constructor(message: string, partial: Buffer = Buffer.alloc(0)) {
    super(message, 'ERR_LZ4_NO_DATA');
    this.name = 'Lz4FramedNoDataError';
    this.partial = partial;
  }
}

// The addon builds these classes itself, so errors thrown on the native side are instances too.
binding.setErrorClasses(Lz4FramedError, Lz4FramedNoDataError);
