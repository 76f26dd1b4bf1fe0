/* The only file that knows struct LZ4F_dctx_s: it includes the pinned lz4frame.c, so the layout
 * used here is exactly the one compiled (binding.gyp does not compile lz4frame.c a second time).
 *
 * A checkpoint is an explicit little-endian encoding of what the decoder's stage still needs
 * (docs/checkpoint-format.md has the layout, the per-stage contents and every validation rule).
 * One decoder state has exactly one encoding: save() captures the state into a ck_state_t and
 * runs the same ck_validate() that info() and restore() run on a parsed blob, so a blob that
 * save() returns always restores, and anything restore() accepts leaves liblz4 with a state it
 * could have reached itself, with every size within the buffers allocated for it. */
#include "../deps/lz4/lib/lz4frame.c"

#include "dctx_state.h"

int lz4framed_dctx_frame_info(const LZ4F_dctx* dctx, LZ4F_frameInfo_t* info)
{
    *info = dctx->frameInfo;
    return dctx->dStage > dstage_storeFrameHeader;
}

int lz4framed_dctx_output_bound(const LZ4F_dctx* dctx, const uint8_t* src, size_t size, uint64_t* bound)
{
    size_t const mbs = dctx->maxBlockSize;
    size_t const crc = dctx->frameInfo.blockChecksumFlag ? 4 : 0;
    uint64_t total = 0;
    size_t pos = 0; /* where the next block header starts in src */
    switch (dctx->dStage) {
    case dstage_getBlockHeader:
        break;
    case dstage_copyDirect: /* tmpInTarget: raw bytes still to copy; they come out as they arrive */
        total = MIN(dctx->tmpInTarget, size);
        pos = dctx->tmpInTarget + crc;
        break;
    case dstage_getBlockChecksum:
        pos = 4 - dctx->tmpInSize;
        break;
    case dstage_getCBlock: /* tmpInTarget includes the block checksum */
    case dstage_storeCBlock: {
        size_t const have = dctx->dStage == dstage_storeCBlock ? dctx->tmpInSize : 0;
        pos = dctx->tmpInTarget - have;
        if (size >= pos) total = mbs; /* the block completes: at most one block of output */
        break;
    }
    case dstage_flushOut:
        total = dctx->tmpOutSize - dctx->tmpOutStart;
        break;
    default: /* inside a header, a suffix or a skippable frame: not walked here */
        return 0;
    }
    while (pos < size && size - pos >= BHSize) {
        U32 const header = LZ4F_readLE32(src + pos);
        size_t const blockSize = header & 0x7FFFFFFFU;
        pos += BHSize;
        if (header == 0) { /* end mark: only the frame's checksum may follow within src */
            size_t const suffix = dctx->frameInfo.contentChecksumFlag ? 4 : 0;
            if (size - pos > suffix) return 0;
            break;
        }
        if (blockSize > mbs) return 0; /* liblz4 will refuse it */
        if (header & LZ4F_BLOCKUNCOMPRESSED_FLAG) {
            total += MIN(blockSize, size - pos);
        } else if (size - pos >= blockSize + crc) {
            total += mbs;
        }
        if (size - pos < blockSize + crc) break;
        pos += blockSize + crc;
    }
    *bound = total;
    return 1;
}

const char* lz4framed_stage_name(unsigned stage)
{
    static const char* const names[] = { "getFrameHeader", "storeFrameHeader", "init", "getBlockHeader",
                                         "storeBlockHeader", "copyDirect", "getBlockChecksum", "getCBlock",
                                         "storeCBlock", "flushOut", "getSuffix", "storeSuffix",
                                         "getSFrameSize", "storeSFrameSize", "skipSkippable" };
    LZ4F_STATIC_ASSERT(sizeof names / sizeof names[0] == dstage_skipSkippable + 1);
    return stage < sizeof names / sizeof names[0] ? names[stage] : NULL;
}

uint64_t lz4framed_hash64(const void* data, size_t size)
{
    static const BYTE empty[1] = { 0 };
    return XXH64(size ? data : empty, size, 0);
}

/*-************************************
 *  Blob layout constants
 **************************************/

#define CK_FORMAT_VERSION 1
#define CK_HEAD_SIZE 12 /* magic 4, format 1, stage 1, flags 2, lz4 version 4 */
#define CK_TRAILER_SIZE 8
#define CK_WINDOW_MAX (64 KB)
#define CK_START_LZ4_MAGIC 5 /* frame_start code: 4 bytes, the LZ4 frame magic, not stored */

static const BYTE ck_magic[4] = { 'L', 'Z', '4', 'S' };
static const BYTE ck_lz4_magic[4] = { 0x04, 0x22, 0x4D, 0x18 };

/* flags (u16) */
#define CKF_HEADER_SEEN 0x0001u
#define CKF_SKIP_OPTION 0x0002u     /* stream.skip_checksums */
#define CKF_SKIP_ACTIVE 0x0004u     /* dctx->skipChecksum */
#define CKF_HISTORY_OMITTED 0x0008u /* window output bytes replaced by their XXH64 */
#define CKF_DICT_HASH 0x0010u       /* stream.dictionary_hash stored (non-zero) */
#define CKF_DICT_IN_USE 0x0020u     /* independent blocks decode against the dictionary */
#define CKF_START_SHIFT 6           /* 3 bits: frame_start code 0..5 */
#define CKF_START_MASK (7u << CKF_START_SHIFT)
#define CKF_DICT_ID 0x0200u     /* frameInfo.dictID stored (non-zero) */
#define CKF_XXH_LARGE 0x0400u   /* content checksum state: large_len */
#define CKF_BXXH_LARGE 0x0800u  /* block checksum state: large_len */
#define CKF_RESERVED 0xF000u

/* frame info byte */
#define CKI_BSID_MASK 0x07u
#define CKI_INDEPENDENT 0x08u
#define CKI_CONTENT_CHECKSUM 0x10u
#define CKI_BLOCK_CHECKSUM 0x20u
#define CKI_SKIPPABLE 0x40u
#define CKI_CONTENT_SIZE 0x80u

/*-************************************
 *  A decoder state, as stored
 **************************************/

typedef struct {
    U32 total;   /* total_len_32; memsize is total & 15 */
    int large;   /* large_len */
    U32 v[4];    /* only meaningful when large */
    BYTE mem[16];
} ck_xxh_t;

typedef struct {
    unsigned stage;
    lz4framed_stream_t stream;
    unsigned startCode; /* 0..4: frame_start_len, CK_START_LZ4_MAGIC: the LZ4 magic */
    LZ4F_frameInfo_t fi;
    U64 remaining; /* frameRemainingSize */
    int skipActive;
    ck_xxh_t xxh, bxxh;
    size_t tmpInSize, tmpInTarget, pending;
    const BYTE* bytes; /* the stage's live bytes: header, tmpIn or pending output */
    size_t window;     /* history window bytes the next block needs (linked blocks) */
    size_t windowOut;  /* of which the last ones that came from the output */
    size_t windowDict; /* of which the first ones that came from the dictionary's tail */
    int omitted;
    const BYTE* windowBytes; /* the windowOut output bytes, when present */
    U64 windowHash;          /* their XXH64 */
    int dictInUse;
} ck_state_t;

#define CK_FAIL(msg)   \
    do {               \
        *why = (msg);  \
        return 0;      \
    } while (0)

/* Stage classes (dStage_t numbering). */
static int ck_in_frame(unsigned s) { return s >= dstage_init && s <= dstage_storeSuffix; }
static int ck_has_buffers(unsigned s) { return s >= dstage_getBlockHeader && s <= dstage_storeSuffix; }
static int ck_decodes_blocks(unsigned s) { return s >= dstage_getBlockHeader && s <= dstage_flushOut; }
static int ck_skippable(unsigned s) { return s >= dstage_getSFrameSize && s <= dstage_skipSkippable; }

static int ck_has_remaining(const ck_state_t* st) { return ck_in_frame(st->stage) && st->fi.contentSize != 0; }
static int ck_has_xxh(const ck_state_t* st)
{
    return ck_has_buffers(st->stage) && st->fi.contentChecksumFlag && !st->skipActive;
}
static int ck_has_bxxh(const ck_state_t* st)
{
    return (st->stage == dstage_copyDirect || st->stage == dstage_getBlockChecksum) && st->fi.blockChecksumFlag &&
           !st->skipActive;
}
static int ck_has_window(const ck_state_t* st)
{
    return ck_decodes_blocks(st->stage) && st->fi.blockMode == LZ4F_blockLinked;
}
static size_t ck_block_size(const ck_state_t* st)
{
    unsigned id = (unsigned)st->fi.blockSizeID;
    return (id >= LZ4F_max64KB && id <= LZ4F_max4MB) ? LZ4F_getBlockSize((LZ4F_blockSizeID_t)id) : 0;
}
/* How much of the window the rest of the frame can reach: 64 KiB before the next block, which
 * in flushOut begins after the pending bytes. */
static size_t ck_window_reach(unsigned stage, size_t pending)
{
    if (stage != dstage_flushOut) return CK_WINDOW_MAX;
    return pending >= CK_WINDOW_MAX ? 0 : CK_WINDOW_MAX - pending;
}
static size_t ck_min(size_t a, size_t b) { return a < b ? a : b; }
static size_t ck_window_out(size_t window, U64 frameOutput)
{
    return frameOutput >= window ? window : (size_t)frameOutput;
}
static int ck_is_skippable_magic(const BYTE* b)
{
    return (b[0] & 0xF0) == 0x50 && b[1] == 0x2A && b[2] == 0x4D && b[3] == 0x18;
}

static void ck_xxh_reset_values(U32 v[4])
{
    XXH32_state_t fresh;
    XXH32_reset(&fresh, 0);
    v[0] = fresh.v1;
    v[1] = fresh.v2;
    v[2] = fresh.v3;
    v[3] = fresh.v4;
}

/*-************************************
 *  Semantic validation (shared by save, info and restore)
 **************************************/

static int ck_validate_xxh(const ck_xxh_t* x, U32 expectedTotal, int checkTotal, const char** why)
{
    if (!x->large && x->total >= 16) CK_FAIL("checksum state: short state with 16 or more bytes");
    if (checkTotal && x->total != expectedTotal) CK_FAIL("checksum state does not match the frame's output");
    return 1;
}

static int ck_validate(const ck_state_t* st, const char** why)
{
    unsigned const s = st->stage;
    const LZ4F_frameInfo_t* fi = &st->fi;
    const lz4framed_stream_t* ss = &st->stream;
    unsigned const bsid = (unsigned)fi->blockSizeID;
    size_t const crc = fi->blockChecksumFlag ? BFSize : 0;
    size_t mbs;
    U64 const F = ss->frame_output;

    if (s > dstage_skipSkippable) CK_FAIL("unknown decoder stage");
    /* liblz4 always falls through these two: a call never ends in them unless it failed */
    if (s == dstage_getBlockHeader || s == dstage_getSuffix) CK_FAIL("decoder stage is not one between calls");
    if (bsid != 0 && (bsid < LZ4F_max64KB || bsid > LZ4F_max4MB)) CK_FAIL("block size id out of range");
    if ((unsigned)fi->blockMode > 1 || (unsigned)fi->contentChecksumFlag > 1 || (unsigned)fi->blockChecksumFlag > 1 ||
        (unsigned)fi->frameType > 1)
        CK_FAIL("frame parameter out of range");
    if (ck_in_frame(s) && (fi->frameType != LZ4F_frame || bsid == 0))
        CK_FAIL("frame parameters do not fit the stage");
    if (ck_skippable(s)) {
        if (fi->frameType != LZ4F_skippableFrame || bsid != 0 || fi->blockMode != 0 || fi->contentChecksumFlag ||
            fi->blockChecksumFlag || fi->dictID != 0)
            CK_FAIL("skippable frame parameters do not fit the stage");
        if (s != dstage_skipSkippable && fi->contentSize != 0) CK_FAIL("skippable frame size set too early");
        if (fi->contentSize > 0xFFFFFFFFu) CK_FAIL("skippable frame size out of range");
    }
    mbs = ck_block_size(st);

    /* the stream fields kept by the C++ decoder */
    if (ss->frame_start_len > 4 || st->startCode > CK_START_LZ4_MAGIC) CK_FAIL("frame_start_len out of range");
    if (ss->frame_start_len > ss->input_offset) CK_FAIL("frame_start_len exceeds input_offset");
    if (F > ss->output_offset) CK_FAIL("frame_output exceeds output_offset");
    if (F != 0 && !(s >= dstage_getBlockHeader && s <= dstage_storeSuffix))
        CK_FAIL("frame_output must be 0 outside the blocks of a frame");
    if (s == dstage_getFrameHeader && (ss->next_hint != 0 || ss->frame_start_len != 0))
        CK_FAIL("stream fields do not fit a frame boundary");
    if (s != dstage_getFrameHeader && s != dstage_init && ss->next_hint == 0)
        CK_FAIL("next_hint is 0 inside a frame");
    if (ss->next_hint > 0xFFFFFFFFu) CK_FAIL("next_hint out of range");
    if (ck_in_frame(s) && st->startCode != CK_START_LZ4_MAGIC) CK_FAIL("frame_start does not match the frame");
    if (ck_skippable(s) && !(ss->frame_start_len == 4 && ck_is_skippable_magic(ss->frame_start)))
        CK_FAIL("frame_start does not match the skippable frame");
    if (st->skipActive && !ss->skip_checksums) CK_FAIL("decoder skips checksums but skip_checksums is off");

    /* frame progress */
    if (ck_has_remaining(st) && F + st->pending + st->remaining != fi->contentSize)
        CK_FAIL("content size does not match frame_output");
    if (ck_has_xxh(st) && !ck_validate_xxh(&st->xxh, (U32)(F + st->pending), 1, why)) return 0;
    if (ck_has_bxxh(st) && !ck_validate_xxh(&st->bxxh, 0, 0, why)) return 0;

    /* the stage's own fields, against the stage and the block size */
    switch (s) {
    case dstage_storeFrameHeader: {
        size_t const n = st->tmpInSize;
        if (st->tmpInTarget == minFHSize) {
            if (n < 1 || n >= minFHSize) CK_FAIL("frame header: partial size out of range");
        } else {
            BYTE flg;
            size_t hsize;
            if (st->tmpInTarget != 11 && st->tmpInTarget != 15 && st->tmpInTarget != 19)
                CK_FAIL("frame header: target size out of range");
            if (n < minFHSize || n >= st->tmpInTarget) CK_FAIL("frame header: partial size out of range");
            flg = st->bytes[4];
            hsize = minFHSize + ((flg >> 3) & 1 ? 8 : 0) + (flg & 1 ? 4 : 0);
            if (LZ4F_readLE32(st->bytes) != LZ4F_MAGICNUMBER || ((flg >> 6) & 3) != 1 || ((flg >> 1) & 1) != 0 ||
                hsize != st->tmpInTarget)
                CK_FAIL("frame header: partial header does not fit its target");
            if (fi->frameType != LZ4F_frame || bsid != 0 || fi->blockMode != 0 || fi->contentChecksumFlag ||
                fi->blockChecksumFlag || fi->contentSize != 0 || fi->dictID != 0)
                CK_FAIL("frame header: frame parameters set too early");
        }
        if (ss->frame_start_len != (n < 4 ? n : 4) || memcmp(ss->frame_start, st->bytes, ss->frame_start_len) != 0)
            CK_FAIL("frame_start does not match the partial frame header");
        break;
    }
    case dstage_storeBlockHeader:
    case dstage_getBlockChecksum:
    case dstage_storeSuffix:
        if (st->tmpInSize >= 4) CK_FAIL("partial field size out of range");
        if (s == dstage_storeSuffix && (!fi->contentChecksumFlag || st->remaining != 0))
            CK_FAIL("frame suffix without a content checksum or with content left");
        break;
    case dstage_copyDirect:
        if (st->tmpInTarget > mbs) CK_FAIL("uncompressed block size out of range");
        break;
    case dstage_getCBlock:
    case dstage_storeCBlock:
        if (st->tmpInTarget < crc || st->tmpInTarget > mbs + crc) CK_FAIL("compressed block size out of range");
        if (s == dstage_storeCBlock && st->tmpInSize >= st->tmpInTarget)
            CK_FAIL("partial compressed block size out of range");
        break;
    case dstage_flushOut:
        if (st->pending < 1 || st->pending > mbs) CK_FAIL("pending output size out of range");
        break;
    case dstage_storeSFrameSize:
        if (st->tmpInSize < 4 || st->tmpInSize >= 8) CK_FAIL("skippable frame: partial size out of range");
        break;
    case dstage_skipSkippable:
        if (st->tmpInTarget > fi->contentSize) CK_FAIL("skippable frame: bytes to skip out of range");
        break;
    default:
        break;
    }

    /* the history window */
    if (ck_has_window(st)) {
        if (st->window > ck_window_reach(s, st->pending)) CK_FAIL("history window size out of range");
        if (st->windowOut != ck_window_out(st->window, F) || st->windowDict != st->window - st->windowOut)
            CK_FAIL("history window split does not match frame_output");
        if (st->windowDict != 0 && ss->dictionary_hash == 0) CK_FAIL("history window needs a dictionary");
        if (st->omitted && st->windowOut == 0) CK_FAIL("omitted history without history");
    } else if (st->window != 0 || st->omitted) {
        CK_FAIL("history window where the stage has none");
    }
    if (st->dictInUse &&
        !(ck_decodes_blocks(s) && fi->blockMode == LZ4F_blockIndependent && ss->dictionary_hash != 0))
        CK_FAIL("dictionary use where the stage has none");
    return 1;
}

/*-************************************
 *  Capture: decoder -> ck_state_t
 **************************************/

static int ck_inside(const void* p, size_t n, const void* base, size_t size)
{
    uintptr_t const a = (uintptr_t)p, b = (uintptr_t)base;
    return base != NULL && p != NULL && a >= b && a - b <= size && n <= size - (a - b);
}

static int ck_capture_xxh(const XXH32_state_t* x, ck_xxh_t* out, const char** why)
{
    U32 fresh[4];
    if (x->large_len > 1 || x->memsize >= 16 || x->memsize != (x->total_len_32 & 15))
        CK_FAIL("unexpected checksum state");
    out->total = x->total_len_32;
    out->large = (int)x->large_len;
    out->v[0] = x->v1;
    out->v[1] = x->v2;
    out->v[2] = x->v3;
    out->v[3] = x->v4;
    ck_xxh_reset_values(fresh);
    if (!out->large && memcmp(out->v, fresh, sizeof fresh) != 0) CK_FAIL("unexpected checksum state");
    memcpy(out->mem, x->mem32, x->memsize);
    return 1;
}

static int ck_capture(const LZ4F_dctx* d, const lz4framed_stream_t* stream, const BYTE* dictionary,
                      size_t dictionarySize, int omitHistory, ck_state_t* st, const char** why)
{
    unsigned const s = (unsigned)d->dStage;
    size_t mbs;

    memset(st, 0, sizeof *st);
    if (s > dstage_skipSkippable) CK_FAIL("unknown decoder stage");
    st->stage = s;
    st->stream = *stream;
    st->stream.header_seen = stream->header_seen != 0;
    st->stream.skip_checksums = stream->skip_checksums != 0;
    if (stream->frame_start_len > 4) CK_FAIL("frame_start_len out of range");
    memset(st->stream.frame_start + stream->frame_start_len, 0, 4 - (size_t)stream->frame_start_len);
    st->startCode = (stream->frame_start_len == 4 && memcmp(stream->frame_start, ck_lz4_magic, 4) == 0)
                        ? CK_START_LZ4_MAGIC
                        : stream->frame_start_len;
    if (stream->dictionary_hash != (dictionary ? lz4framed_hash64(dictionary, dictionarySize) : 0))
        CK_FAIL("dictionary_hash does not match the dictionary");
    st->fi = d->frameInfo;
    st->skipActive = d->skipChecksum != 0;
    mbs = ck_block_size(st);

    if (ck_has_remaining(st))
        st->remaining = d->frameRemainingSize;
    else if (d->frameRemainingSize != 0)
        CK_FAIL("content size left outside a frame with a content size");
    if (ck_has_xxh(st) && !ck_capture_xxh(&d->xxh, &st->xxh, why)) return 0;
    if (ck_has_bxxh(st) && !ck_capture_xxh(&d->blockChecksum, &st->bxxh, why)) return 0;
    if (ck_has_buffers(s) && (d->tmpIn == NULL || d->tmpOutBuffer == NULL || mbs == 0 || d->maxBlockSize != mbs ||
                              d->maxBufferSize < mbs))
        CK_FAIL("decoder buffers do not fit the frame");

    switch (s) {
    case dstage_storeFrameHeader:
        if (d->tmpInTarget > maxFHSize || d->tmpInSize > d->tmpInTarget) CK_FAIL("frame header: sizes out of range");
        st->tmpInTarget = d->tmpInTarget;
        st->tmpInSize = d->tmpInSize;
        st->bytes = d->header;
        break;
    case dstage_storeBlockHeader:
    case dstage_storeSuffix:
    case dstage_getBlockChecksum:
        if (d->tmpInSize >= 4) CK_FAIL("partial field size out of range");
        st->tmpInSize = d->tmpInSize;
        st->bytes = s == dstage_getBlockChecksum ? d->header : d->tmpIn;
        break;
    case dstage_copyDirect:
    case dstage_getCBlock:
    case dstage_skipSkippable:
        if (d->tmpInTarget > 0xFFFFFFFFu) CK_FAIL("block size out of range");
        st->tmpInTarget = d->tmpInTarget;
        break;
    case dstage_storeCBlock:
        if (d->tmpInTarget > mbs + BFSize || d->tmpInSize > d->tmpInTarget)
            CK_FAIL("partial compressed block size out of range");
        st->tmpInTarget = d->tmpInTarget;
        st->tmpInSize = d->tmpInSize;
        st->bytes = d->tmpIn;
        break;
    case dstage_flushOut:
        if (d->tmpOutStart > d->tmpOutSize || d->tmpOutSize > mbs ||
            !ck_inside(d->tmpOut, d->tmpOutSize, d->tmpOutBuffer, d->maxBufferSize))
            CK_FAIL("pending output out of range");
        st->pending = d->tmpOutSize - d->tmpOutStart;
        st->bytes = d->tmpOut + d->tmpOutStart;
        break;
    case dstage_storeSFrameSize:
        if (d->tmpInTarget != 8 || d->tmpInSize < 4 || d->tmpInSize >= 8)
            CK_FAIL("skippable frame: partial size out of range");
        st->tmpInTarget = 8;
        st->tmpInSize = d->tmpInSize;
        st->bytes = d->header + 4;
        break;
    default:
        break;
    }

    if (ck_has_window(st) && d->dict != NULL) {
        /* The window ends at the last byte handed out; only its tail within reach of the next
         * block is valid (liblz4 leaves stale bytes before it in tmpOutBuffer). */
        size_t const w = ck_min(d->dictSize, ck_window_reach(s, st->pending));
        const BYTE* const end = d->dict + d->dictSize;
        if (!ck_inside(d->dict, d->dictSize, d->tmpOutBuffer, d->maxBufferSize) &&
            !ck_inside(d->dict, d->dictSize, dictionary, dictionarySize))
            CK_FAIL("history window is outside the decoder (decoded with stableDst?)");
        if (s == dstage_flushOut && end != d->tmpOut + d->tmpOutStart)
            CK_FAIL("history window does not end at the pending output");
        st->window = w;
        st->windowOut = ck_window_out(w, stream->frame_output);
        st->windowDict = w - st->windowOut;
        st->windowBytes = end - st->windowOut;
        if (st->windowDict > 0 &&
            (dictionary == NULL || st->windowDict > dictionarySize ||
             memcmp(end - w, dictionary + dictionarySize - st->windowDict, st->windowDict) != 0))
            CK_FAIL("history window does not match the dictionary and frame_output");
        st->omitted = omitHistory && st->windowOut > 0;
        if (st->omitted) st->windowHash = lz4framed_hash64(st->windowBytes, st->windowOut);
    }
    if (ck_decodes_blocks(s) && st->fi.blockMode == LZ4F_blockIndependent && d->dict != NULL) {
        if (d->dict != dictionary || d->dictSize != dictionarySize)
            CK_FAIL("independent blocks decode against a buffer that is not the dictionary");
        st->dictInUse = 1;
    }
    return ck_validate(st, why);
}

/*-************************************
 *  Encoding
 **************************************/

typedef struct {
    BYTE* p; /* NULL: only count */
    size_t n;
} ck_writer_t;

static void ck_put(ck_writer_t* w, const void* src, size_t n)
{
    if (w->p != NULL && n > 0) memcpy(w->p + w->n, src, n);
    w->n += n;
}
static void ck_put8(ck_writer_t* w, unsigned v)
{
    BYTE b = (BYTE)v;
    ck_put(w, &b, 1);
}
static void ck_put16(ck_writer_t* w, unsigned v)
{
    BYTE b[2] = { (BYTE)v, (BYTE)(v >> 8) };
    ck_put(w, b, 2);
}
static void ck_put32(ck_writer_t* w, U32 v)
{
    BYTE b[4];
    LZ4F_writeLE32(b, v);
    ck_put(w, b, 4);
}
static void ck_put64(ck_writer_t* w, U64 v)
{
    BYTE b[8];
    LZ4F_writeLE64(b, v);
    ck_put(w, b, 8);
}
static void ck_put_xxh(ck_writer_t* w, const ck_xxh_t* x)
{
    ck_put32(w, x->total);
    if (x->large) {
        int i;
        for (i = 0; i < 4; i++) ck_put32(w, x->v[i]);
    }
    ck_put(w, x->mem, x->total & 15);
}

static unsigned ck_flags(const ck_state_t* st)
{
    unsigned f = st->startCode << CKF_START_SHIFT;
    if (st->stream.header_seen) f |= CKF_HEADER_SEEN;
    if (st->stream.skip_checksums) f |= CKF_SKIP_OPTION;
    if (st->skipActive) f |= CKF_SKIP_ACTIVE;
    if (st->omitted) f |= CKF_HISTORY_OMITTED;
    if (st->stream.dictionary_hash != 0) f |= CKF_DICT_HASH;
    if (st->dictInUse) f |= CKF_DICT_IN_USE;
    if (st->fi.dictID != 0) f |= CKF_DICT_ID;
    if (ck_has_xxh(st) && st->xxh.large) f |= CKF_XXH_LARGE;
    if (ck_has_bxxh(st) && st->bxxh.large) f |= CKF_BXXH_LARGE;
    return f;
}

static unsigned ck_info_byte(const LZ4F_frameInfo_t* fi)
{
    unsigned b = (unsigned)fi->blockSizeID & CKI_BSID_MASK;
    if (fi->blockMode == LZ4F_blockIndependent) b |= CKI_INDEPENDENT;
    if (fi->contentChecksumFlag) b |= CKI_CONTENT_CHECKSUM;
    if (fi->blockChecksumFlag) b |= CKI_BLOCK_CHECKSUM;
    if (fi->frameType == LZ4F_skippableFrame) b |= CKI_SKIPPABLE;
    if (fi->contentSize != 0) b |= CKI_CONTENT_SIZE;
    return b;
}

/* Writes the blob body (everything but the trailer); with w->p == NULL only measures it. */
static void ck_encode(const ck_state_t* st, ck_writer_t* w)
{
    const lz4framed_stream_t* ss = &st->stream;
    ck_put(w, ck_magic, 4);
    ck_put8(w, CK_FORMAT_VERSION);
    ck_put8(w, st->stage);
    ck_put16(w, ck_flags(st));
    ck_put32(w, (U32)LZ4_versionNumber());
    ck_put8(w, ck_info_byte(&st->fi));

    ck_put64(w, ss->input_offset);
    ck_put64(w, ss->output_offset);
    ck_put64(w, ss->frame_output);
    ck_put32(w, (U32)ss->next_hint);
    if (st->startCode != CK_START_LZ4_MAGIC) ck_put(w, ss->frame_start, st->startCode);
    if (ss->dictionary_hash != 0) ck_put64(w, ss->dictionary_hash);

    if (st->fi.dictID != 0) ck_put32(w, st->fi.dictID);
    if (st->fi.contentSize != 0) ck_put64(w, st->fi.contentSize);
    if (ck_has_remaining(st)) ck_put64(w, st->remaining);
    if (ck_has_xxh(st)) ck_put_xxh(w, &st->xxh);
    if (ck_has_bxxh(st)) ck_put_xxh(w, &st->bxxh);

    switch (st->stage) {
    case dstage_storeFrameHeader:
        ck_put8(w, (unsigned)st->tmpInTarget);
        ck_put8(w, (unsigned)st->tmpInSize);
        ck_put(w, st->bytes, st->tmpInSize);
        break;
    case dstage_storeBlockHeader:
    case dstage_getBlockChecksum:
    case dstage_storeSuffix:
        ck_put8(w, (unsigned)st->tmpInSize);
        ck_put(w, st->bytes, st->tmpInSize);
        break;
    case dstage_copyDirect:
    case dstage_getCBlock:
    case dstage_skipSkippable:
        ck_put32(w, (U32)st->tmpInTarget);
        break;
    case dstage_storeCBlock:
        ck_put32(w, (U32)st->tmpInTarget);
        ck_put32(w, (U32)st->tmpInSize);
        ck_put(w, st->bytes, st->tmpInSize);
        break;
    case dstage_flushOut:
        ck_put32(w, (U32)st->pending);
        ck_put(w, st->bytes, st->pending);
        break;
    case dstage_storeSFrameSize:
        ck_put8(w, (unsigned)st->tmpInSize);
        ck_put(w, st->bytes, st->tmpInSize - 4);
        break;
    default:
        break;
    }

    if (ck_has_window(st)) {
        ck_put32(w, (U32)st->window);
        if (st->omitted)
            ck_put64(w, st->windowHash);
        else
            ck_put(w, st->windowBytes, st->windowOut);
    }
}

size_t lz4framed_checkpoint_save(const LZ4F_dctx* dctx, const lz4framed_stream_t* stream, const uint8_t* dictionary,
                                 size_t dictionary_size, int omit_history, uint8_t* out, size_t capacity,
                                 const char** why)
{
    ck_state_t st;
    ck_writer_t w = { NULL, 0 };
    size_t size;

    if (dctx == NULL || stream == NULL) {
        *why = "no decoder";
        return 0;
    }
    if (!ck_capture(dctx, stream, dictionary, dictionary_size, omit_history, &st, why)) return 0;
    ck_encode(&st, &w);
    size = w.n + CK_TRAILER_SIZE;
    if (out == NULL) return size;
    if (capacity < size) {
        *why = "checkpoint buffer too small";
        return 0;
    }
    w.p = out;
    w.n = 0;
    ck_encode(&st, &w);
    LZ4F_writeLE64(out + w.n, XXH64(out, w.n, 0));
    return size;
}

/*-************************************
 *  Decoding and validation of a blob
 **************************************/

typedef struct {
    const BYTE* p;
    const BYTE* end;
    int ok;
} ck_reader_t;

static const BYTE* ck_take(ck_reader_t* r, size_t n)
{
    const BYTE* p = r->p;
    if (!r->ok || n > (size_t)(r->end - r->p)) {
        r->ok = 0;
        return NULL;
    }
    r->p += n;
    return p;
}
static unsigned ck_get8(ck_reader_t* r)
{
    const BYTE* p = ck_take(r, 1);
    return p ? p[0] : 0;
}
static unsigned ck_get16(ck_reader_t* r)
{
    const BYTE* p = ck_take(r, 2);
    return p ? (unsigned)p[0] | ((unsigned)p[1] << 8) : 0;
}
static U32 ck_get32(ck_reader_t* r)
{
    const BYTE* p = ck_take(r, 4);
    return p ? LZ4F_readLE32(p) : 0;
}
static U64 ck_get64(ck_reader_t* r)
{
    const BYTE* p = ck_take(r, 8);
    return p ? LZ4F_readLE64(p) : 0;
}
static void ck_get_xxh(ck_reader_t* r, ck_xxh_t* x, int large)
{
    const BYTE* mem;
    x->total = ck_get32(r);
    x->large = large;
    if (large) {
        int i;
        for (i = 0; i < 4; i++) x->v[i] = ck_get32(r);
    } else {
        ck_xxh_reset_values(x->v);
    }
    mem = ck_take(r, x->total & 15);
    if (mem != NULL) memcpy(x->mem, mem, x->total & 15);
}

static int ck_parse(const uint8_t* blob, size_t size, ck_state_t* st, const char** why)
{
    ck_reader_t r;
    unsigned flags, info;
    const lz4framed_stream_t* ss = &st->stream;

    memset(st, 0, sizeof *st);
    if (blob == NULL || size < CK_HEAD_SIZE + CK_TRAILER_SIZE) CK_FAIL("checkpoint too short");
    if (memcmp(blob, ck_magic, 4) != 0) CK_FAIL("not a checkpoint (bad magic)");
    if (blob[4] != CK_FORMAT_VERSION) CK_FAIL("unsupported checkpoint format version");
    if (LZ4F_readLE32(blob + 8) != (U32)LZ4_versionNumber())
        CK_FAIL("checkpoint was made by another liblz4 version");
    if (XXH64(blob, size - CK_TRAILER_SIZE, 0) != LZ4F_readLE64(blob + size - CK_TRAILER_SIZE))
        CK_FAIL("checkpoint checksum mismatch");

    r.p = blob + 5;
    r.end = blob + size - CK_TRAILER_SIZE;
    r.ok = 1;
    st->stage = ck_get8(&r);
    flags = ck_get16(&r);
    (void)ck_get32(&r); /* lz4 version, checked above */
    if (st->stage > dstage_skipSkippable) CK_FAIL("unknown decoder stage");
    if (flags & CKF_RESERVED) CK_FAIL("reserved flags set");
    info = ck_get8(&r);
    st->fi.blockSizeID = (LZ4F_blockSizeID_t)(info & CKI_BSID_MASK);
    st->fi.blockMode = (info & CKI_INDEPENDENT) ? LZ4F_blockIndependent : LZ4F_blockLinked;
    st->fi.contentChecksumFlag = (info & CKI_CONTENT_CHECKSUM) ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    st->fi.blockChecksumFlag = (info & CKI_BLOCK_CHECKSUM) ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    st->fi.frameType = (info & CKI_SKIPPABLE) ? LZ4F_skippableFrame : LZ4F_frame;
    st->skipActive = (flags & CKF_SKIP_ACTIVE) != 0;
    st->omitted = (flags & CKF_HISTORY_OMITTED) != 0;
    st->dictInUse = (flags & CKF_DICT_IN_USE) != 0;

    st->stream.input_offset = ck_get64(&r);
    st->stream.output_offset = ck_get64(&r);
    st->stream.frame_output = ck_get64(&r);
    st->stream.next_hint = ck_get32(&r);
    st->stream.header_seen = (flags & CKF_HEADER_SEEN) != 0;
    st->stream.skip_checksums = (flags & CKF_SKIP_OPTION) != 0;
    st->startCode = (flags & CKF_START_MASK) >> CKF_START_SHIFT;
    if (st->startCode > CK_START_LZ4_MAGIC) CK_FAIL("frame_start_len out of range");
    if (st->startCode == CK_START_LZ4_MAGIC) {
        st->stream.frame_start_len = 4;
        memcpy(st->stream.frame_start, ck_lz4_magic, 4);
    } else {
        const BYTE* p = ck_take(&r, st->startCode);
        st->stream.frame_start_len = (uint8_t)st->startCode;
        if (p != NULL) memcpy(st->stream.frame_start, p, st->startCode);
        if (st->startCode == 4 && memcmp(ss->frame_start, ck_lz4_magic, 4) == 0)
            CK_FAIL("frame_start not in canonical form");
    }
    if (flags & CKF_DICT_HASH) {
        st->stream.dictionary_hash = ck_get64(&r);
        if (r.ok && ss->dictionary_hash == 0) CK_FAIL("dictionary_hash not in canonical form");
    }

    if (flags & CKF_DICT_ID) {
        st->fi.dictID = ck_get32(&r);
        if (r.ok && st->fi.dictID == 0) CK_FAIL("dictID not in canonical form");
    }
    if (info & CKI_CONTENT_SIZE) {
        st->fi.contentSize = ck_get64(&r);
        if (r.ok && st->fi.contentSize == 0) CK_FAIL("content size not in canonical form");
    }
    if (ck_has_remaining(st)) st->remaining = ck_get64(&r);
    if (ck_has_xxh(st))
        ck_get_xxh(&r, &st->xxh, (flags & CKF_XXH_LARGE) != 0);
    else if (flags & CKF_XXH_LARGE)
        CK_FAIL("checksum state flag without a checksum state");
    if (ck_has_bxxh(st))
        ck_get_xxh(&r, &st->bxxh, (flags & CKF_BXXH_LARGE) != 0);
    else if (flags & CKF_BXXH_LARGE)
        CK_FAIL("checksum state flag without a checksum state");

    switch (st->stage) {
    case dstage_storeFrameHeader:
        st->tmpInTarget = ck_get8(&r);
        st->tmpInSize = ck_get8(&r);
        if (st->tmpInTarget > maxFHSize || st->tmpInSize > st->tmpInTarget)
            CK_FAIL("frame header: sizes out of range");
        st->bytes = ck_take(&r, st->tmpInSize);
        break;
    case dstage_storeBlockHeader:
    case dstage_getBlockChecksum:
    case dstage_storeSuffix:
        st->tmpInSize = ck_get8(&r);
        if (st->tmpInSize >= 4) CK_FAIL("partial field size out of range");
        st->bytes = ck_take(&r, st->tmpInSize);
        break;
    case dstage_copyDirect:
    case dstage_getCBlock:
    case dstage_skipSkippable:
        st->tmpInTarget = ck_get32(&r);
        break;
    case dstage_storeCBlock:
        st->tmpInTarget = ck_get32(&r);
        st->tmpInSize = ck_get32(&r);
        if (st->tmpInSize >= st->tmpInTarget) CK_FAIL("partial compressed block size out of range");
        st->bytes = ck_take(&r, st->tmpInSize);
        break;
    case dstage_flushOut:
        st->pending = ck_get32(&r);
        st->bytes = ck_take(&r, st->pending);
        break;
    case dstage_storeSFrameSize:
        st->tmpInTarget = 8;
        st->tmpInSize = ck_get8(&r);
        if (st->tmpInSize < 4 || st->tmpInSize >= 8) CK_FAIL("skippable frame: partial size out of range");
        st->bytes = ck_take(&r, st->tmpInSize - 4);
        break;
    default:
        break;
    }

    if (ck_has_window(st)) {
        st->window = ck_get32(&r);
        if (st->window > CK_WINDOW_MAX) CK_FAIL("history window size out of range");
        st->windowOut = ck_window_out(st->window, ss->frame_output);
        st->windowDict = st->window - st->windowOut;
        if (st->omitted)
            st->windowHash = ck_get64(&r);
        else
            st->windowBytes = ck_take(&r, st->windowOut);
    }
    if (!r.ok) CK_FAIL("checkpoint truncated");
    if (r.p != r.end) CK_FAIL("checkpoint has trailing bytes");
    return ck_validate(st, why);
}

int lz4framed_checkpoint_info(const uint8_t* blob, size_t size, lz4framed_checkpoint_info_t* info, const char** why)
{
    ck_state_t st;
    if (!ck_parse(blob, size, &st, why)) return 0;
    info->input_offset = st.stream.input_offset;
    info->output_offset = st.stream.output_offset;
    info->stage = st.stage;
    info->block_linked = ck_in_frame(st.stage) && st.fi.blockMode == LZ4F_blockLinked;
    info->history_length = (uint32_t)st.windowOut;
    info->history_embedded = !st.omitted;
    info->byte_length = size;
    return 1;
}

/*-************************************
 *  Restore
 **************************************/

static void ck_load_xxh(XXH32_state_t* x, const ck_xxh_t* c)
{
    memset(x, 0, sizeof *x);
    x->total_len_32 = c->total;
    x->large_len = (unsigned)c->large;
    x->v1 = c->v[0];
    x->v2 = c->v[1];
    x->v3 = c->v[2];
    x->v4 = c->v[3];
    memcpy(x->mem32, c->mem, c->total & 15);
    x->memsize = c->total & 15;
}

int lz4framed_checkpoint_restore(const uint8_t* blob, size_t size, const uint8_t* history, size_t history_size,
                                 const uint8_t* dictionary, size_t dictionary_size, int skip_checksums,
                                 LZ4F_dctx** out, lz4framed_stream_t* stream, const char** why)
{
    ck_state_t st;
    LZ4F_dctx* d = NULL;
    unsigned s;
    size_t mbs;

    *out = NULL;
    if (!ck_parse(blob, size, &st, why)) return 0;
    s = st.stage;
    mbs = ck_block_size(&st);

    /* against the restoring decoder */
    if ((skip_checksums != 0) != (st.stream.skip_checksums != 0))
        CK_FAIL("skip_checksums differs from the checkpointed decoder's");
    if ((dictionary ? lz4framed_hash64(dictionary, dictionary_size) : 0) != st.stream.dictionary_hash)
        CK_FAIL("dictionary differs from the checkpointed decoder's");
    if (st.windowDict > dictionary_size) CK_FAIL("dictionary too short for the history window");
    if (st.omitted) {
        if (history == NULL || history_size != st.windowOut) CK_FAIL("history required: wrong length");
        if (lz4framed_hash64(history, history_size) != st.windowHash)
            CK_FAIL("history does not match the checkpoint");
    } else if (history_size != 0) {
        CK_FAIL("history given for a checkpoint that embeds it");
    }

    /* everything is valid: build the context */
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION))) CK_FAIL("out of memory");
    d->frameInfo = st.fi;
    d->dStage = (dStage_t)s;
    d->frameRemainingSize = st.remaining;
    d->maxBlockSize = mbs;
    d->skipChecksum = st.skipActive;
    d->tmpInSize = st.tmpInSize;
    d->tmpInTarget = st.tmpInTarget;
    if (ck_has_xxh(&st)) ck_load_xxh(&d->xxh, &st.xxh);
    if (ck_has_bxxh(&st)) ck_load_xxh(&d->blockChecksum, &st.bxxh);
    switch (s) {
    case dstage_storeFrameHeader:
    case dstage_getBlockChecksum:
        memcpy(d->header, st.bytes, st.tmpInSize);
        break;
    case dstage_storeSFrameSize:
        memcpy(d->header + 4, st.bytes, st.tmpInSize - 4);
        break;
    default:
        break;
    }

    if (ck_has_buffers(s)) {
        /* as dstage_init allocates them */
        size_t const bufferNeeded = mbs + (st.fi.blockMode == LZ4F_blockLinked ? 128 KB : 0);
        d->tmpIn = (BYTE*)LZ4F_malloc(mbs + BFSize, d->cmem);
        d->tmpOutBuffer = (BYTE*)LZ4F_malloc(bufferNeeded, d->cmem);
        if (d->tmpIn == NULL || d->tmpOutBuffer == NULL) {
            LZ4F_freeDecompressionContext(d);
            CK_FAIL("out of memory");
        }
        d->maxBufferSize = bufferNeeded;
        if (s == dstage_storeBlockHeader || s == dstage_storeCBlock || s == dstage_storeSuffix)
            memcpy(d->tmpIn, st.bytes, st.tmpInSize);
        d->tmpOut = d->tmpOutBuffer;
        if (ck_has_window(&st)) {
            /* as liblz4's end-of-call "preserve history" leaves it: window at the front of
             * tmpOutBuffer, decoding continues right after it */
            BYTE* const w = d->tmpOutBuffer;
            if (st.windowDict > 0)
                memcpy(w, dictionary + dictionary_size - st.windowDict, st.windowDict);
            if (st.windowOut > 0) memcpy(w + st.windowDict, st.omitted ? history : st.windowBytes, st.windowOut);
            d->dict = st.window > 0 ? w : NULL;
            d->dictSize = st.window;
            d->tmpOut = w + st.window;
        } else if (st.dictInUse) {
            d->dict = dictionary;
            d->dictSize = dictionary_size;
        }
        if (s == dstage_flushOut) {
            memcpy(d->tmpOut, st.bytes, st.pending);
            d->tmpOutStart = 0;
            d->tmpOutSize = st.pending;
        }
    }
    *out = d;
    *stream = st.stream;
    return 1;
}

/*-************************************
 *  Clone
 **************************************/

/* The largest block a frame can have without liblz4 reallocating buffers of this size: tmpIn was
 * allocated for at least that block (dstage_init allocates both buffers together). */
static size_t ck_block_for_buffer(size_t maxBufferSize)
{
    size_t bs = 4 MB;
    while (bs > 64 KB && bs > maxBufferSize) bs /= 4;
    return bs;
}

LZ4F_dctx* lz4framed_dctx_clone(const LZ4F_dctx* src, const uint8_t* src_dictionary, const uint8_t* dst_dictionary,
                                size_t dictionary_size)
{
    unsigned const s = (unsigned)src->dStage;
    LZ4F_dctx* d = LZ4F_createDecompressionContext_advanced(src->cmem, src->version);
    if (d == NULL) return NULL;

    d->frameInfo = src->frameInfo;
    d->dStage = src->dStage;
    d->frameRemainingSize = src->frameRemainingSize;
    d->maxBlockSize = src->maxBlockSize;
    d->tmpInSize = src->tmpInSize;
    d->tmpInTarget = src->tmpInTarget;
    d->tmpOutSize = src->tmpOutSize;
    d->tmpOutStart = src->tmpOutStart;
    d->xxh = src->xxh;
    d->blockChecksum = src->blockChecksum;
    d->skipChecksum = src->skipChecksum;
    memcpy(d->header, src->header, sizeof d->header);
    /* Stages before the blocks (and skippable frames) use no buffer: the clone has none and
     * dstage_init allocates them. Their window is not used (after a frame end it may point into
     * a buffer the caller has freed) and LZ4F_decompress_usingDict sets it again before init. */
    if (!ck_has_buffers(s)) return d;
    if (src->tmpIn == NULL || src->tmpOutBuffer == NULL) goto fail;

    {
        size_t const inCap = ck_block_for_buffer(src->maxBufferSize) + BFSize;
        BYTE* const sbuf = src->tmpOutBuffer;
        size_t const sbufSize = src->maxBufferSize;
        d->tmpIn = (BYTE*)LZ4F_malloc(inCap, d->cmem);
        d->tmpOutBuffer = (BYTE*)LZ4F_malloc(sbufSize, d->cmem);
        if (d->tmpIn == NULL || d->tmpOutBuffer == NULL) goto fail;
        d->maxBufferSize = sbufSize;
        if ((s == dstage_storeBlockHeader || s == dstage_storeCBlock || s == dstage_storeSuffix) &&
            src->tmpInSize > 0) {
            if (src->tmpInSize > inCap) goto fail;
            memcpy(d->tmpIn, src->tmpIn, src->tmpInSize);
        }
        /* tmpOut keeps its offset; in flushOut its whole block is live */
        if (!ck_inside(src->tmpOut, s == dstage_flushOut ? src->tmpOutSize : 0, sbuf, sbufSize)) goto fail;
        d->tmpOut = d->tmpOutBuffer + (src->tmpOut - sbuf);
        if (s == dstage_flushOut) memcpy(d->tmpOut, src->tmpOut, src->tmpOutSize);

        if (ck_decodes_blocks(s) && src->dict != NULL) {
            if (ck_inside(src->dict, src->dictSize, sbuf, sbufSize)) {
                /* only the tail within reach of the next block is valid, and used */
                size_t const pending = s == dstage_flushOut ? src->tmpOutSize - src->tmpOutStart : 0;
                size_t const live = ck_min(src->dictSize, ck_window_reach(s, pending));
                size_t const endOffset = (size_t)(src->dict - sbuf) + src->dictSize;
                memcpy(d->tmpOutBuffer + endOffset - live, sbuf + endOffset - live, live);
                d->dict = d->tmpOutBuffer + (src->dict - sbuf);
                d->dictSize = src->dictSize;
            } else if (ck_inside(src->dict, src->dictSize, src_dictionary, dictionary_size) &&
                       dst_dictionary != NULL) {
                d->dict = dst_dictionary + (src->dict - src_dictionary);
                d->dictSize = src->dictSize;
            } else {
                goto fail; /* a window in memory the decoder does not own (stableDst decoding) */
            }
        }
    }
    return d;

fail:
    LZ4F_freeDecompressionContext(d);
    return NULL;
}
