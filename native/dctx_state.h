/* The C API of dctx_state.c, the one file that knows the layout of liblz4's LZ4F_dctx. */
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

#ifdef __cplusplus
}
#endif

#endif
