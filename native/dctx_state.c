/* The only file that knows struct LZ4F_dctx_s: it includes the pinned lz4frame.c, so the layout
 * used here is exactly the one compiled (binding.gyp does not compile lz4frame.c a second time). */
#include "../deps/lz4/lib/lz4frame.c"

#include "dctx_state.h"

int lz4framed_dctx_frame_info(const LZ4F_dctx* dctx, LZ4F_frameInfo_t* info)
{
    *info = dctx->frameInfo;
    return dctx->dStage > dstage_storeFrameHeader;
}
