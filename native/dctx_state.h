/* The C API of dctx_state.c, the one file that knows the layout of liblz4's LZ4F_dctx:
 * frame info between frames, deep clone, and checkpoints (serialize / validate / restore).
 * docs/checkpoint-format.md describes the blob, what each stage stores and every validation rule.
 *
 * Contract with the decoder driving the context (native/frame_decoder.cc):
 * - it calls LZ4F_decompress, or LZ4F_decompress_usingDict with its dictionary (the same buffer on
 *   every call) when it has one, with stableDst = 0 on the last call before any of these functions
 *   (calls within one job may use stableDst = 1, followed by a call without input that moves the
 *   window into tmpOutBuffer: FrameDecoder::ReleaseOutput);
 * - it never calls these functions on a context liblz4 reported an error for (its state is then
 *   undefined), nor during a call;
 * - it keeps lz4framed_stream_t as below. */
#ifndef LZ4FRAMED_DCTX_STATE_H
#define LZ4FRAMED_DCTX_STATE_H

#include <lz4frame.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies the parameters of the frame being decoded or, between frames, of the last frame whose
 * header was decoded (liblz4's public getter reports nothing between frames). Returns 1 when the
 * decoder is inside a frame past its header, 0 otherwise. */
int lz4framed_dctx_frame_info(const LZ4F_dctx* dctx, LZ4F_frameInfo_t* info);

/* An upper bound of the output that decoding `src` (all `size` bytes, in one call or several) gives
 * from the context's current state, reading only block headers: a compressed block that completes
 * counts as a whole block, raw bytes as themselves, bytes the decoder still holds to flush as
 * themselves. Exact for raw data and full blocks; over by what shorter blocks lack (a frame's
 * last block, the blocks of a stream flushed often). Returns 1 and sets *bound, or 0 when no such
 * bound is cheap: the decoder is inside a frame or skippable header or a frame suffix, `src` holds
 * the start of another frame, or a block header is one liblz4 will refuse. */
int lz4framed_dctx_output_bound(const LZ4F_dctx* dctx, const uint8_t* src, size_t size, uint64_t* bound);

/* What the C++ decoder (native/frame_decoder.cc) keeps beside LZ4F_dctx. It travels inside every
 * checkpoint so that a restored decoder reports the same offsets and end-of-input verdicts.
 * After each LZ4F_decompress call that consumed `in` bytes, produced `out` bytes and returned r:
 *     append input bytes to frame_start while frame_start_len < 4;
 *     input_offset += in; output_offset += out; frame_output += out;
 *     if (in != 0 || out != 0) {
 *         next_hint = r;
 *         if (r == 0) { header_seen = 1; frame_start_len = 0; frame_output = 0; }
 *     }
 * save() checks these against the context (e.g. frame_output against the content size, checksum
 * state and history window) and refuses fields that contradict it. */
typedef struct {
  uint64_t input_offset;    /* compressed bytes consumed since the stream began */
  uint64_t output_offset;   /* decoded bytes produced since the stream began */
  uint64_t frame_output;    /* decoded bytes produced since the current frame began (0 at its end) */
  uint64_t next_hint;       /* liblz4's last return value (0 exactly at a frame boundary) */
  uint8_t header_seen;      /* 1 once any frame header was decoded */
  uint8_t frame_start_len;  /* 0..4: bytes of frame_start in use */
  uint8_t frame_start[4];   /* first bytes after the last frame boundary */
  uint8_t skip_checksums;   /* decoder option (0/1); a restore must use the same */
  uint64_t dictionary_hash; /* lz4framed_hash64() of the decoder's dictionary, 0 without one */
} lz4framed_stream_t;

/* What readCheckpointInfo() shows, read from a validated blob without restoring it. */
typedef struct {
  uint64_t input_offset;
  uint64_t output_offset;
  unsigned stage;          /* liblz4's dStage number (see checkpoint format docs) */
  int block_linked;        /* inside a frame (stages 2..11) that uses linked blocks */
  uint32_t history_length; /* bytes of output the history window needs (0..65536): the last
                              ones before output_offset, all from the current frame */
  int history_embedded;    /* 1: those bytes are in the blob (or there are none); 0: the
                              caller supplies them to restore */
  size_t byte_length;      /* size of the blob */
} lz4framed_checkpoint_info_t;

/* Serializes the decoder. `dictionary` is the decoder's own dictionary buffer (the one passed to
 * LZ4F_decompress_usingDict), or NULL; stream->dictionary_hash must be its hash. With omit_history,
 * the window bytes that came from the output are left out and only their XXH64 is stored (their
 * length follows from the window size and frame_output). Window bytes that came from the
 * dictionary are never stored: the restoring decoder's dictionary supplies them. Returns the blob
 * size; with out == NULL it only computes that size (the same state always gives the same size);
 * with capacity too small it returns 0. Returns 0 and sets *why (a static string) when the state
 * cannot be serialized: never for a context driven as above, not in an error state, whose stream
 * fields are right. */
size_t lz4framed_checkpoint_save(const LZ4F_dctx* dctx, const lz4framed_stream_t* stream, const uint8_t* dictionary,
                                 size_t dictionary_size, int omit_history, uint8_t* out, size_t capacity,
                                 const char** why);

/* Validates a blob (magic, versions, checksum, every field against its stage and block size,
 * exact length) and fills *info. Returns 1, or 0 with *why set (static string). Touches nothing
 * else. A blob it refuses, restore refuses too. */
int lz4framed_checkpoint_info(const uint8_t* blob, size_t size, lz4framed_checkpoint_info_t* info, const char** why);

/* Restores a decoder. Validates everything before allocating or copying anything. `history` is
 * required (exactly history_length bytes: the output just before output_offset) when the blob
 * omits it, and history_size must be 0 otherwise; its XXH64 must match. It is copied: the caller
 * may free it afterwards. `dictionary` is the new decoder's own dictionary, NULL without one (it
 * must outlive the decoder, and be the buffer the decoder then passes to
 * LZ4F_decompress_usingDict: independent blocks keep pointing at it); it must hash to the blob's
 * dictionary_hash. skip_checksums must equal the blob's. On success returns 1, *out is a new
 * context (free it with LZ4F_freeDecompressionContext) and *stream is filled (the C++ decoder
 * takes its offsets, next_hint, header_seen and frame_start from it); else returns 0 with *out ==
 * NULL and *why set (static string). */
int lz4framed_checkpoint_restore(const uint8_t* blob, size_t size, const uint8_t* history, size_t history_size,
                                 const uint8_t* dictionary, size_t dictionary_size, int skip_checksums, LZ4F_dctx** out,
                                 lz4framed_stream_t* stream, const char** why);

/* A deep copy with its own buffers and its own history window. A window that pointed into
 * src_dictionary points into dst_dictionary (the clone's own copy, same bytes; it may be the same
 * buffer when the dictionary is shared and immutable) in the copy. A window the stage no longer
 * uses (after the last block of a frame, where it may point into freed output) is not copied.
 * The stream fields are the caller's to copy. Returns NULL when memory runs out, or for a context
 * whose window lives in memory it does not own (only possible after decoding with stableDst = 1). */
LZ4F_dctx* lz4framed_dctx_clone(const LZ4F_dctx* src, const uint8_t* src_dictionary, const uint8_t* dst_dictionary,
                                size_t dictionary_size);

/* A stable name for a dStage number, as readCheckpointInfo() shows it ("getBlockHeader", ...);
 * NULL when out of range. */
const char* lz4framed_stage_name(unsigned stage);

/* XXH64 with seed 0, as stored in the blob, for the C++ side's dictionary hash (size 0 is fine). */
uint64_t lz4framed_hash64(const void* data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
