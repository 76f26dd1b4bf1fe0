/* Standalone check of native/dctx_state.c (clone, checkpoint save / info / restore) against
 * liblz4 1.10.0, meant to run under AddressSanitizer + UndefinedBehaviorSanitizer:
 *
 *   gcc -fsanitize=address,undefined -fno-sanitize-recover=undefined -g -O1 -Ideps/lz4/lib \
 *       deps/lz4/lib/lz4.c deps/lz4/lib/lz4hc.c deps/lz4/lib/xxhash.c native/dctx_state.c \
 *       test/native/dctx_state_check.c -o dctx_state_check
 *   ./dctx_state_check [-j workers] [-s seed]
 *
 * (While debugging: DCS_ONLY=<substring> runs only the streams whose name contains it,
 * DCS_TRACE=1 prints each stream's checks and CPU time.)
 *
 * It drives decoders the way native/frame_decoder.cc does (stableDst = 0, the dictionary passed on
 * every call, a fresh output buffer per call that is freed right after, output rooms from 1 byte to
 * more than a block, the lz4framed_stream_t fields kept per call) over streams of every frame mode,
 * fed byte by byte or in random chunks. After a decompress call (every call of the small streams;
 * of the large ones, every call near a block or frame boundary and a random sample of the others)
 * it checks that (a) a clone, (b) a restore of an embedded-history and of an omitted-history
 * checkpoint, and (c) a chain restore -> feed -> clone or save -> restore (x3) all finish the frame
 * (sometimes the stream) with the exact expected output and stream fields, and that restores with
 * another dictionary, skip option or history are refused. It also checks the states
 * LZ4F_getFrameInfo() leaves, and the "dangling window" states where one call decodes the last
 * blocks straight into the (then freed) output buffer and stops in the end mark or checksum.
 * Then it attacks the parser with the blobs it saw: every byte changed with the checksum stale and
 * resealed (all 255 values where a probe was refused), every truncation, extensions, random blobs.
 * Exit status 0 only when everything held and the size targets were met. */
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4frame.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../native/dctx_state.h"

/* Under clang's MemorySanitizer (an optional extra run), every saved blob is checked to hold no
 * uninitialised byte. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define CHECK_INITIALIZED(p, n) __msan_check_mem_is_initialized((p), (n))
#endif
#endif
#ifndef CHECK_INITIALIZED
#define CHECK_INITIALIZED(p, n) ((void)(p), (void)(n))
#endif

#define KB *(1u << 10)
#define NSTAGES 15
#define DSTAGE_STORE_BLOCK_HEADER 4 /* liblz4's dstage_storeBlockHeader: between blocks */

/*-************************************
 *  Utilities
 **************************************/

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rnd(rng_t* r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t rnd_range(rng_t* r, size_t lo, size_t hi) { return lo + (size_t)(rnd(r) % (hi - lo + 1)); }
static int chance(rng_t* r, unsigned percent) { return rnd(r) % 100 < percent; }

static void* xmalloc(size_t n)
{
    void* p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}
static uint8_t* dup_bytes(const uint8_t* p, size_t n)
{
    uint8_t* q;
    if (p == NULL) return NULL;
    q = (uint8_t*)xmalloc(n);
    if (n) memcpy(q, p, n);
    return q;
}

typedef struct {
    uint8_t* p;
    size_t n, cap;
} buf_t;

static void buf_reserve(buf_t* b, size_t extra)
{
    if (b->n + extra <= b->cap) return;
    b->cap = (b->n + extra) * 2 + 1024;
    b->p = (uint8_t*)realloc(b->p, b->cap);
    if (b->p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
}
static void buf_put(buf_t* b, const void* d, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->n, d, n);
    b->n += n;
}
static void put_le32(uint8_t* p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static uint32_t get_le32(const uint8_t* p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void put_le64(uint8_t* p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

/*-************************************
 *  Statistics (summed over worker processes)
 **************************************/

typedef struct {
    unsigned long checkpoints, clones, restores, chains, negatives, dangling;
    unsigned long hostile, hostileAccepted, failures;
    unsigned long bounds, boundsUnknown; /* lz4framed_dctx_output_bound checked against real output */
    unsigned long stageCount[NSTAGES];
    size_t stageMax[NSTAGES];
    size_t maxIndependentBoundary, maxLinkedEmbedBoundary, maxLinkedOmitBoundary;
    unsigned long independentBoundary, linkedEmbedBoundary, linkedOmitBoundary;
} stats_t;

static stats_t S;
static const char* g_case = "";
static size_t g_at;

static void failf(const char* fmt, ...)
{
    va_list ap;
    S.failures++;
    if (S.failures > 40) return;
    printf("FAIL [%s @%zu] ", g_case, g_at);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/*-************************************
 *  Test streams
 **************************************/

typedef struct {
    size_t inEnd, outEnd; /* where each frame (or skippable frame) ends */
} frame_end_t;

typedef struct {
    char name[160];
    buf_t src, out;
    const uint8_t* dict;
    size_t dictSize;
    int skip;
    int every;               /* check after every decompress call */
    unsigned samplePermille; /* else near boundaries and this share of the other calls */
    int bytewise;            /* feed byte by byte (else random chunks) */
    uint8_t* near;
    frame_end_t* ends;
    size_t nends;
} case_t;

typedef struct {
    int bsid, linked, cc, bc, cs, level;
    unsigned dictID;
} fspec_t;

static void case_begin(case_t* c, const char* name, const uint8_t* dict, size_t dictSize, int skip)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->dict = dict;
    c->dictSize = dictSize;
    c->skip = skip;
    c->every = 1;
    c->bytewise = 1;
}

static void case_mark_end(case_t* c)
{
    c->ends = (frame_end_t*)realloc(c->ends, (c->nends + 1) * sizeof *c->ends);
    c->ends[c->nends].inEnd = c->src.n;
    c->ends[c->nends].outEnd = c->out.n;
    c->nends++;
}

static void lz4_check(size_t r, const char* what)
{
    if (LZ4F_isError(r)) {
        fprintf(stderr, "compression failed (%s): %s\n", what, LZ4F_getErrorName(r));
        exit(2);
    }
}

/* Compresses one frame, through the streaming API in random pieces (with flushes that make short
 * blocks, and stored blocks in independent mode) or in one call. */
static void case_frame(case_t* c, rng_t* r, fspec_t f, const uint8_t* content, size_t len)
{
    LZ4F_preferences_t p;
    LZ4F_cctx* cctx;
    LZ4F_CDict* cdict = c->dict ? LZ4F_createCDict(c->dict, c->dictSize) : NULL;

    memset(&p, 0, sizeof p);
    p.frameInfo.blockSizeID = (LZ4F_blockSizeID_t)f.bsid;
    p.frameInfo.blockMode = f.linked ? LZ4F_blockLinked : LZ4F_blockIndependent;
    p.frameInfo.contentChecksumFlag = f.cc ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
    p.frameInfo.blockChecksumFlag = f.bc ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
    p.frameInfo.contentSize = f.cs ? len : 0;
    p.frameInfo.dictID = f.dictID;
    p.compressionLevel = f.level;
    p.autoFlush = (unsigned)(rnd(r) & 1);
    lz4_check(LZ4F_createCompressionContext(&cctx, LZ4F_VERSION), "context");

    if (f.bsid == LZ4F_max64KB && chance(r, 25)) {
        size_t const cap = LZ4F_compressFrameBound(len, &p);
        size_t n;
        buf_reserve(&c->src, cap);
        n = LZ4F_compressFrame_usingCDict(cctx, c->src.p + c->src.n, cap, content, len, cdict, &p);
        lz4_check(n, "frame");
        c->src.n += n;
    } else {
        size_t pos = 0, n;
        buf_reserve(&c->src, LZ4F_HEADER_SIZE_MAX);
        n = LZ4F_compressBegin_usingCDict(cctx, c->src.p + c->src.n, c->src.cap - c->src.n, cdict, &p);
        lz4_check(n, "begin");
        c->src.n += n;
        while (pos < len) {
            size_t piece = chance(r, 50) ? rnd_range(r, 1, 3000) : rnd_range(r, 1, 200 KB);
            if (piece > len - pos) piece = len - pos;
            buf_reserve(&c->src, LZ4F_compressBound(piece, &p) + piece + 64);
            if (!f.linked && chance(r, 10))
                n = LZ4F_uncompressedUpdate(cctx, c->src.p + c->src.n, c->src.cap - c->src.n, content + pos, piece,
                                            NULL);
            else
                n = LZ4F_compressUpdate(cctx, c->src.p + c->src.n, c->src.cap - c->src.n, content + pos, piece,
                                        NULL);
            lz4_check(n, "update");
            c->src.n += n;
            pos += piece;
            if (chance(r, 15)) {
                buf_reserve(&c->src, LZ4F_compressBound(0, &p) + 64);
                n = LZ4F_flush(cctx, c->src.p + c->src.n, c->src.cap - c->src.n, NULL);
                lz4_check(n, "flush");
                c->src.n += n;
            }
        }
        buf_reserve(&c->src, LZ4F_compressBound(0, &p) + 64);
        n = LZ4F_compressEnd(cctx, c->src.p + c->src.n, c->src.cap - c->src.n, NULL);
        lz4_check(n, "end");
        c->src.n += n;
    }
    /* a decoder that skips checksums must not notice a wrong one */
    if (c->skip && f.cc) c->src.p[c->src.n - 1 - rnd_range(r, 0, 3)] ^= 0x5A;
    buf_put(&c->out, content, len);
    LZ4F_freeCompressionContext(cctx);
    LZ4F_freeCDict(cdict);
    case_mark_end(c);
}

static void case_skippable(case_t* c, rng_t* r, size_t len)
{
    uint8_t head[8];
    size_t i;
    put_le32(head, 0x184D2A50u + (uint32_t)rnd_range(r, 0, 15));
    put_le32(head + 4, (uint32_t)len);
    buf_put(&c->src, head, 8);
    buf_reserve(&c->src, len);
    for (i = 0; i < len; i++) c->src.p[c->src.n++] = (uint8_t)rnd(r);
    case_mark_end(c);
}

/* Marks the bytes near every structural boundary of the stream (frame and skippable headers,
 * block headers, block and content checksums, end marks): checkpoints there are always checked. */
static void case_finish(case_t* c)
{
    const uint8_t* s = c->src.p;
    size_t const n = c->src.n;
    size_t pos = 0;
    c->near = (uint8_t*)calloc(n + 1, 1);
#define MARK(at)                                                                    \
    do {                                                                            \
        size_t a_ = (at), lo_ = a_ > 8 ? a_ - 8 : 0, hi_ = a_ + 8 > n ? n : a_ + 8; \
        for (; lo_ <= hi_; lo_++) c->near[lo_] = 1;                                 \
    } while (0)
    while (pos + 8 <= n) {
        uint32_t const magic = get_le32(s + pos);
        if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {
            MARK(pos);
            pos += 8 + get_le32(s + pos + 4);
            MARK(pos);
            continue;
        }
        {
            uint8_t const flg = s[pos + 4];
            size_t const hsize = 7 + ((flg & 8) ? 8 : 0) + ((flg & 1) ? 4 : 0);
            int const bc = (flg & 0x10) != 0, cc = (flg & 4) != 0;
            MARK(pos);
            MARK(pos + 7);
            MARK(pos + hsize);
            pos += hsize;
            for (;;) {
                uint32_t bh;
                MARK(pos);
                if (pos + 4 > n) break;
                bh = get_le32(s + pos);
                pos += 4;
                if (bh == 0) break;
                MARK(pos);
                pos += (bh & 0x7FFFFFFFu) + (bc ? 4 : 0);
            }
            MARK(pos);
            if (cc) pos += 4;
            MARK(pos);
        }
    }
#undef MARK
}

/* Content: runs of short patterns, literals, copies from far back (up to 64 KiB, so linked blocks
 * reach into earlier blocks), copies from the dictionary, and incompressible stretches. */
typedef struct {
    unsigned pattern, literal, farCopy, dictCopy, random; /* weights */
    size_t randomMax;
} profile_t;

static const profile_t P_SMALL = { 30, 30, 25, 15, 0, 0 };
static const profile_t P_FAR = { 45, 5, 40, 10, 0, 0 };
static const profile_t P_RANDOM = { 25, 15, 25, 10, 25, 40 KB };

static uint8_t* gen_content(rng_t* r, size_t len, profile_t pr, const uint8_t* dict, size_t dictSize)
{
    uint8_t* o = (uint8_t*)xmalloc(len);
    size_t n = 0;
    unsigned const total = pr.pattern + pr.literal + pr.farCopy + pr.dictCopy + pr.random;
    while (n < len) {
        unsigned k = (unsigned)(rnd(r) % total);
        size_t run, i;
        if (k < pr.pattern) {
            uint8_t pat[8];
            size_t const period = rnd_range(r, 1, 8);
            for (i = 0; i < period; i++) pat[i] = (uint8_t)('a' + rnd(r) % 26);
            run = rnd_range(r, 50, 6000);
            if (run > len - n) run = len - n;
            for (i = 0; i < run; i++) o[n + i] = pat[i % period];
        } else if ((k -= pr.pattern) < pr.literal) {
            run = rnd_range(r, 1, 48);
            if (run > len - n) run = len - n;
            for (i = 0; i < run; i++) o[n + i] = (uint8_t)rnd(r);
        } else if ((k -= pr.literal) < pr.farCopy) {
            size_t off;
            if (n < 16) continue;
            off = (n > 40 KB && chance(r, 60)) ? rnd_range(r, 32 KB, n < 65535 ? n : 65535) : rnd_range(r, 1, n);
            run = rnd_range(r, 4, 400);
            if (run > len - n) run = len - n;
            for (i = 0; i < run; i++) o[n + i] = o[n - off + i]; /* may overlap: byte by byte on purpose */
        } else if ((k -= pr.farCopy) < pr.dictCopy) {
            size_t from;
            if (dict == NULL || dictSize < 16) continue;
            run = rnd_range(r, 4, 600);
            if (run > dictSize) run = dictSize;
            if (run > len - n) run = len - n;
            from = rnd_range(r, 0, dictSize - run);
            memcpy(o + n, dict + from, run);
        } else {
            run = rnd_range(r, 1 KB, pr.randomMax);
            if (run > len - n) run = len - n;
            for (i = 0; i < run; i++) o[n + i] = (uint8_t)rnd(r);
        }
        n += run;
    }
    return o;
}

/*-************************************
 *  A decoder driven like native/frame_decoder.cc
 **************************************/

typedef struct {
    LZ4F_dctx* d;
    lz4framed_stream_t st;
    uint8_t* dict; /* its own copy of the dictionary, freed with it */
    size_t dictSize;
    int skip;
} dec_t;

static void dec_new(dec_t* x, const case_t* c)
{
    memset(x, 0, sizeof *x);
    if (LZ4F_isError(LZ4F_createDecompressionContext(&x->d, LZ4F_VERSION))) exit(2);
    x->dict = dup_bytes(c->dict, c->dictSize);
    x->dictSize = c->dict ? c->dictSize : 0;
    x->skip = c->skip;
    x->st.skip_checksums = (uint8_t)c->skip;
    x->st.dictionary_hash = c->dict ? lz4framed_hash64(c->dict, c->dictSize) : 0;
}

static void dec_free(dec_t* x)
{
    LZ4F_freeDecompressionContext(x->d);
    free(x->dict);
    x->d = NULL;
    x->dict = NULL;
}

static size_t dec_block_size(const dec_t* x)
{
    LZ4F_frameInfo_t fi;
    lz4framed_dctx_frame_info(x->d, &fi);
    switch (fi.blockSizeID) {
    case LZ4F_max256KB: return 256 KB;
    case LZ4F_max1MB: return 1024 KB;
    case LZ4F_max4MB: return 4096 KB;
    default: return 64 KB;
    }
}

/* Output room for one call: tiny (flushOut keeps pending bytes), medium, or at least a block
 * (liblz4 then decodes straight into it). `fast` favours large rooms. */
static size_t pick_room(rng_t* r, const dec_t* x, int fast)
{
    unsigned const k = (unsigned)(rnd(r) % 100);
    if (k < (fast ? 4u : 30u)) return rnd_range(r, 1, 16);
    if (k < (fast ? 10u : 55u)) return rnd_range(r, 17, 4 KB);
    if (k < (fast ? 16u : 70u)) return rnd_range(r, 4 KB, 70 KB);
    return dec_block_size(x) + rnd_range(r, 0, 64);
}

enum { DEC_OK = 0, DEC_LZ4_ERROR = -1, DEC_MISMATCH = -2 };

/* One LZ4F_decompress call into a fresh buffer that is freed right after (ASan then catches any
 * later read of it), and the stream fields updated exactly as FrameDecoder::Feed does. With
 * c != NULL the output is compared with the expected one. */
static int dec_call(dec_t* x, const case_t* c, const uint8_t* in, size_t avail, size_t room, size_t* consumed,
                    size_t* produced, size_t* hint)
{
    uint8_t* dst = (uint8_t*)xmalloc(room);
    size_t dstSize = room, srcSize = avail, r, i;
    LZ4F_decompressOptions_t o;
    memset(&o, 0, sizeof o);
    o.stableDst = 0;
    o.skipChecksums = (unsigned)x->skip;
    r = x->dict ? LZ4F_decompress_usingDict(x->d, dst, &dstSize, in, &srcSize, x->dict, x->dictSize, &o)
                : LZ4F_decompress(x->d, dst, &dstSize, in, &srcSize, &o);
    if (LZ4F_isError(r)) {
        free(dst);
        *consumed = *produced = 0;
        return DEC_LZ4_ERROR;
    }
    if (c != NULL && (x->st.output_offset + dstSize > c->out.n ||
                      memcmp(dst, c->out.p + x->st.output_offset, dstSize) != 0)) {
        free(dst);
        return DEC_MISMATCH;
    }
    memset(dst, 0xA5, dstSize);
    free(dst);
    for (i = 0; i < srcSize && x->st.frame_start_len < 4; i++) x->st.frame_start[x->st.frame_start_len++] = in[i];
    x->st.input_offset += srcSize;
    x->st.output_offset += dstSize;
    x->st.frame_output += dstSize;
    if (srcSize != 0 || dstSize != 0) {
        x->st.next_hint = r;
        if (r == 0) {
            x->st.header_seen = 1;
            x->st.frame_start_len = 0;
            x->st.frame_output = 0;
        }
    }
    *consumed = srcSize;
    *produced = dstSize;
    if (hint) *hint = r;
    return DEC_OK;
}

typedef void (*hook_t)(dec_t* x, const case_t* c, rng_t* r);

/* FrameDecoder::Feed: calls until the input is used up and a call left room to spare. Before
 * that, the output bound Decompressor.update allocates by is taken: the output must stay within
 * it (it is exact only for full blocks: flushed streams have shorter ones). */
static int dec_feed(dec_t* x, const case_t* c, const uint8_t* in, size_t len, rng_t* r, int fast, hook_t hook)
{
    size_t pos = 0;
    uint64_t bound = 0, out = 0;
    int const bounded = lz4framed_dctx_output_bound(x->d, in, len, &bound);
    if (bounded) S.bounds++;
    else S.boundsUnknown++;
    for (;;) {
        size_t const room = pick_room(r, x, fast);
        size_t consumed, produced;
        int const e = dec_call(x, c, in + pos, len - pos, room, &consumed, &produced, NULL);
        if (e != DEC_OK) return e;
        pos += consumed;
        out += produced;
        if (hook) hook(x, c, r);
        if (consumed == 0 && produced == 0) break;
        if (pos == len && produced < room) break;
    }
    if (bounded && out > bound) {
        failf("output bound %llu for %zu input bytes, output %llu", (unsigned long long)bound, len,
              (unsigned long long)out);
    }
    return DEC_OK;
}

static size_t pick_chunk(rng_t* r)
{
    unsigned const k = (unsigned)(rnd(r) % 100);
    if (k < 20) return rnd_range(r, 1, 8);
    if (k < 50) return rnd_range(r, 9, 2 KB);
    return rnd_range(r, 2 KB, 300 KB);
}

/* Decodes up to input offset `target` (a frame end) and checks the stream fields there. */
static int dec_finish(dec_t* x, const case_t* c, size_t target, rng_t* r, const char** what)
{
    size_t i;
    while (x->st.input_offset < target) {
        size_t len = pick_chunk(r);
        int e;
        if (len > target - x->st.input_offset) len = (size_t)(target - x->st.input_offset);
        e = dec_feed(x, c, c->src.p + x->st.input_offset, len, r, 1, NULL);
        if (e != DEC_OK) {
            *what = e == DEC_MISMATCH ? "output differs" : "liblz4 error";
            return 0;
        }
    }
    if (x->st.input_offset != target) {
        *what = "input offset past the frame end";
        return 0;
    }
    for (i = 0; i < c->nends && c->ends[i].inEnd != target; i++) continue;
    if (i == c->nends || x->st.output_offset != c->ends[i].outEnd || x->st.frame_output != 0 ||
        x->st.next_hint != 0 || x->st.frame_start_len != 0 || !x->st.header_seen) {
        *what = "stream fields wrong at the frame end";
        return 0;
    }
    return 1;
}

/* Where a check decodes to: the end of the current frame (of the next one at a boundary), or
 * sometimes the end of the stream. */
static size_t finish_target(const case_t* c, const dec_t* x, rng_t* r)
{
    size_t i;
    if (chance(r, 12)) return c->src.n;
    for (i = 0; i < c->nends; i++)
        if (c->ends[i].inEnd > x->st.input_offset) return c->ends[i].inEnd;
    return c->src.n;
}

static int same_stream(const lz4framed_stream_t* a, const lz4framed_stream_t* b)
{
    return a->input_offset == b->input_offset && a->output_offset == b->output_offset &&
           a->frame_output == b->frame_output && a->next_hint == b->next_hint && a->header_seen == b->header_seen &&
           a->frame_start_len == b->frame_start_len && memcmp(a->frame_start, b->frame_start, a->frame_start_len) == 0 &&
           a->skip_checksums == b->skip_checksums && a->dictionary_hash == b->dictionary_hash;
}

static int same_frame_info(const dec_t* a, const dec_t* b)
{
    LZ4F_frameInfo_t fa, fb;
    int const ra = lz4framed_dctx_frame_info(a->d, &fa), rb = lz4framed_dctx_frame_info(b->d, &fb);
    return ra == rb && fa.blockSizeID == fb.blockSizeID && fa.blockMode == fb.blockMode &&
           fa.contentChecksumFlag == fb.contentChecksumFlag && fa.frameType == fb.frameType &&
           fa.contentSize == fb.contentSize && fa.dictID == fb.dictID && fa.blockChecksumFlag == fb.blockChecksumFlag;
}

/*-************************************
 *  Checkpoint helpers
 **************************************/

static uint8_t* save_blob(const dec_t* x, int omit, size_t* size, const char** why)
{
    size_t const n = lz4framed_checkpoint_save(x->d, &x->st, x->dict, x->dictSize, omit, NULL, 0, why);
    uint8_t* blob;
    if (n == 0) return NULL;
    blob = (uint8_t*)xmalloc(n);
    if (lz4framed_checkpoint_save(x->d, &x->st, x->dict, x->dictSize, omit, blob, n - 1, why) != 0) {
        *why = "save accepted a too small buffer";
        free(blob);
        return NULL;
    }
    *size = lz4framed_checkpoint_save(x->d, &x->st, x->dict, x->dictSize, omit, blob, n, why);
    if (*size != n) {
        if (*size != 0) *why = "save sizes differ";
        free(blob);
        return NULL;
    }
    CHECK_INITIALIZED(blob, n);
    return blob;
}

/* Restores into y, giving back the history from the expected output (a copy freed right after, as
 * a caller would re-read it) and a fresh copy of the dictionary that y owns. */
static int restore_blob(const uint8_t* blob, size_t size, const case_t* c, uint64_t outputOffset, dec_t* y,
                        const char** why)
{
    lz4framed_checkpoint_info_t info;
    uint8_t* hist = NULL;
    size_t hlen = 0;
    int ok;
    memset(y, 0, sizeof *y);
    if (!lz4framed_checkpoint_info(blob, size, &info, why)) return 0;
    if (!info.history_embedded) {
        hlen = info.history_length;
        if (hlen > outputOffset) {
            *why = "history longer than the output";
            return 0;
        }
        hist = dup_bytes(c->out.p + outputOffset - hlen, hlen);
    }
    y->dict = dup_bytes(c->dict, c->dictSize);
    y->dictSize = c->dict ? c->dictSize : 0;
    y->skip = c->skip;
    ok = lz4framed_checkpoint_restore(blob, size, hist, hlen, y->dict, y->dictSize, c->skip, &y->d, &y->st, why);
    free(hist);
    if (!ok) {
        free(y->dict);
        y->dict = NULL;
        if (y->d != NULL) *why = "restore failed but returned a context";
    }
    return ok;
}

static int clone_dec(const dec_t* x, dec_t* y)
{
    *y = *x;
    y->dict = dup_bytes(x->dict, x->dictSize);
    y->d = lz4framed_dctx_clone(x->d, x->dict, y->dict, x->dictSize);
    if (y->d == NULL) {
        free(y->dict);
        return 0;
    }
    return 1;
}

/*-************************************
 *  Samples for the hostile phase
 **************************************/

typedef struct {
    uint8_t* blob;
    size_t size;
    const case_t* c;
    uint64_t inOffset, outOffset;
} sample_t;

#define NKINDS 32
static sample_t g_samples[NSTAGES][NKINDS];

static void keep_sample(const uint8_t* blob, size_t size, const case_t* c, const dec_t* x,
                        const lz4framed_checkpoint_info_t* info, int omit)
{
    int const kind = (info->block_linked ? 1 : 0) | (c->dict ? 2 : 0) | (omit ? 4 : 0) | (c->skip ? 8 : 0) |
                     (info->history_length > 0 ? 16 : 0);
    sample_t* s = &g_samples[info->stage][kind];
    if (s->blob != NULL) return;
    s->blob = dup_bytes(blob, size);
    s->size = size;
    s->c = c;
    s->inOffset = x->st.input_offset;
    s->outOffset = x->st.output_offset;
}

/*-************************************
 *  The checks at one decoder state
 **************************************/

static void record_size(const lz4framed_checkpoint_info_t* info, size_t size)
{
    unsigned const s = info->stage;
    S.stageCount[s]++;
    if (size > S.stageMax[s]) S.stageMax[s] = size;
    if (s != DSTAGE_STORE_BLOCK_HEADER) return;
    if (!info->block_linked) {
        S.independentBoundary++;
        if (size > S.maxIndependentBoundary) S.maxIndependentBoundary = size;
    } else if (info->history_embedded) {
        S.linkedEmbedBoundary++;
        if (size > S.maxLinkedEmbedBoundary) S.maxLinkedEmbedBoundary = size;
    } else {
        S.linkedOmitBoundary++;
        if (size > S.maxLinkedOmitBoundary) S.maxLinkedOmitBoundary = size;
    }
}

/* Restores that must be refused: other skip option, other dictionary, wrong or missing history. */
static void check_refusals(const uint8_t* blob, size_t size, const case_t* c, const dec_t* x,
                           const lz4framed_checkpoint_info_t* info)
{
    static const uint8_t otherDict[16] = "not the dict....";
    LZ4F_dctx* d = NULL;
    lz4framed_stream_t st;
    const char* why = NULL;
    size_t const hlen = info->history_embedded ? 0 : info->history_length;
    uint8_t* hist = hlen ? dup_bytes(c->out.p + x->st.output_offset - hlen, hlen) : NULL;
    S.negatives++;
    if (lz4framed_checkpoint_restore(blob, size, hist, hlen, x->dict, x->dictSize, !c->skip, &d, &st, &why))
        failf("restore accepted another skip_checksums");
    if (lz4framed_checkpoint_restore(blob, size, hist, hlen, c->dict ? NULL : otherDict,
                                     c->dict ? 0 : sizeof otherDict, c->skip, &d, &st, &why))
        failf("restore accepted another dictionary");
    if (hlen) {
        hist[rnd_range(&(rng_t){ size }, 0, hlen - 1)] ^= 1;
        if (lz4framed_checkpoint_restore(blob, size, hist, hlen, x->dict, x->dictSize, c->skip, &d, &st, &why))
            failf("restore accepted a wrong history");
        if (lz4framed_checkpoint_restore(blob, size, NULL, 0, x->dict, x->dictSize, c->skip, &d, &st, &why))
            failf("restore accepted a missing history");
        if (lz4framed_checkpoint_restore(blob, size, hist, hlen - 1, x->dict, x->dictSize, c->skip, &d, &st, &why))
            failf("restore accepted a short history");
    } else {
        uint8_t one = 0;
        if (lz4framed_checkpoint_restore(blob, size, &one, 1, x->dict, x->dictSize, c->skip, &d, &st, &why))
            failf("restore accepted a history it embeds");
    }
    if (d != NULL) failf("a refused restore returned a context");
    free(hist);
}

static void check_point(dec_t* x, const case_t* c, rng_t* r)
{
    const char* why = "";
    int omit;
    g_at = (size_t)x->st.input_offset;
    S.checkpoints++;

    /* (a) a clone finishes like the original; the original goes on (in the caller) unaffected */
    {
        dec_t k;
        S.clones++;
        if (!clone_dec(x, &k)) {
            failf("clone returned NULL");
        } else {
            if (!same_frame_info(x, &k)) failf("clone reports other frame info");
            if (!dec_finish(&k, c, finish_target(c, x, r), r, &why)) failf("clone: %s", why);
            dec_free(&k);
        }
    }

    /* (b) checkpoints with embedded and omitted history restore and finish */
    for (omit = 0; omit < 2; omit++) {
        size_t size = 0;
        uint8_t* blob = save_blob(x, omit, &size, &why);
        lz4framed_checkpoint_info_t info;
        dec_t y;
        if (blob == NULL) {
            failf("save (omit=%d): %s", omit, why);
            continue;
        }
        if (!lz4framed_checkpoint_info(blob, size, &info, &why)) {
            failf("info rejects a saved blob: %s", why);
            free(blob);
            continue;
        }
        if (info.input_offset != x->st.input_offset || info.output_offset != x->st.output_offset ||
            info.byte_length != size || (!omit && !info.history_embedded) ||
            (omit && info.history_embedded && info.history_length != 0) || info.history_length > 65536)
            failf("info reports wrong fields");
        record_size(&info, size);
        keep_sample(blob, size, c, x, &info, omit);
        if (chance(r, 10)) check_refusals(blob, size, c, x, &info);
        S.restores++;
        if (!restore_blob(blob, size, c, x->st.output_offset, &y, &why)) {
            failf("restore (omit=%d, stage %u): %s", omit, info.stage, why);
        } else {
            if (!same_stream(&y.st, &x->st)) failf("restored stream fields differ (stage %u)", info.stage);
            if (!same_frame_info(x, &y)) failf("restored decoder reports other frame info");
            if (!dec_finish(&y, c, finish_target(c, x, r), r, &why))
                failf("restored (omit=%d, stage %u): %s", omit, info.stage, why);
            dec_free(&y);
        }
        free(blob);
    }

    /* (c) chain: restore -> feed a little -> clone or save -> restore, a few times, then finish
     * (at a third of the states of the streams checked at every call) */
    if (!c->every || chance(r, 33)) {
        dec_t cur, next;
        size_t size = 0;
        uint8_t* blob = save_blob(x, (int)(rnd(r) & 1), &size, &why);
        int i, ok;
        S.chains++;
        if (blob == NULL) return; /* reported above */
        ok = restore_blob(blob, size, c, x->st.output_offset, &cur, &why);
        free(blob);
        if (!ok) return;
        for (i = 0; i < 3; i++) {
            size_t len = rnd_range(r, 1, 24);
            if (len > c->src.n - cur.st.input_offset) len = (size_t)(c->src.n - cur.st.input_offset);
            if (dec_feed(&cur, c, c->src.p + cur.st.input_offset, len, r, 0, NULL) != DEC_OK) {
                failf("chain: feeding failed");
                dec_free(&cur);
                return;
            }
            if (chance(r, 40)) {
                /* the old decoder and its dictionary are freed: the clone must use neither */
                if (!clone_dec(&cur, &next)) {
                    failf("chain: clone returned NULL");
                    dec_free(&cur);
                    return;
                }
            } else {
                uint64_t const outputOffset = cur.st.output_offset;
                blob = save_blob(&cur, (int)(rnd(r) & 1), &size, &why);
                if (blob == NULL) {
                    failf("chain: save: %s", why);
                    dec_free(&cur);
                    return;
                }
                ok = restore_blob(blob, size, c, outputOffset, &next, &why);
                free(blob);
                if (!ok) {
                    failf("chain: restore: %s", why);
                    dec_free(&cur);
                    return;
                }
                if (!same_stream(&next.st, &cur.st)) failf("chain: stream fields differ");
            }
            dec_free(&cur);
            cur = next;
        }
        if (!dec_finish(&cur, c, finish_target(c, &cur, r), r, &why)) failf("chain: %s", why);
        dec_free(&cur);
    }
}

static void maybe_check(dec_t* x, const case_t* c, rng_t* r)
{
    size_t const at = (size_t)x->st.input_offset;
    if (c->every || c->near[at] || rnd(r) % 1000 < c->samplePermille) check_point(x, c, r);
}

static void run_case(const case_t* c, rng_t* r)
{
    dec_t x;
    const char* why = "";
    g_case = c->name;
    g_at = 0;
    dec_new(&x, c);
    check_point(&x, c, r); /* a fresh decoder */
    while (x.st.input_offset < c->src.n) {
        size_t len = c->bytewise ? 1 : rnd_range(r, 1, chance(r, 30) ? 16 : (chance(r, 80) ? 4 KB : 64 KB));
        int e;
        if (len > c->src.n - x.st.input_offset) len = (size_t)(c->src.n - x.st.input_offset);
        e = dec_feed(&x, c, c->src.p + x.st.input_offset, len, r, 0, maybe_check);
        if (e != DEC_OK) {
            failf("original decoder: %s", e == DEC_MISMATCH ? "output differs" : "liblz4 error");
            dec_free(&x);
            return;
        }
    }
    if (!dec_finish(&x, c, c->src.n, r, &why)) failf("original decoder: %s", why);
    dec_free(&x);
}

/* The fork's crash: linked blocks of 64 KiB or more with a content checksum, where one call
 * decodes the last blocks straight into the caller's buffer and stops inside the end mark or the
 * checksum. liblz4 keeps no copy of the window then (stage >= getSuffix), so the context points
 * into the freed output buffer: clone and save must not read it. */
static void run_dangling(const case_t* c, rng_t* r)
{
    size_t back;
    g_case = c->name;
    for (back = 1; back <= 8; back++) {
        dec_t x;
        size_t consumed, produced, hint;
        size_t const frameEnd = c->ends[0].inEnd;
        dec_new(&x, c);
        if (dec_call(&x, c, c->src.p, frameEnd - back, c->out.n + 64 KB, &consumed, &produced, &hint) != DEC_OK ||
            consumed != frameEnd - back || produced != c->ends[0].outEnd) {
            failf("dangling: the first call did not decode the blocks");
        } else {
            S.dangling++;
            check_point(&x, c, r);
            {
                const char* why = "";
                if (!dec_finish(&x, c, c->src.n, r, &why)) failf("dangling: original: %s", why);
            }
        }
        dec_free(&x);
    }
}

/* LZ4F_getFrameInfo() leaves a decoder in dstage_init (regular frame) or dstage_getSFrameSize
 * (skippable frame), where no decompress call ends: check those states at every frame start. */
static void run_frame_info(const case_t* c, rng_t* r)
{
    size_t k;
    g_case = c->name;
    for (k = 0; k < c->nends; k++) {
        size_t const start = k ? c->ends[k - 1].inEnd : 0;
        const char* why = "";
        LZ4F_frameInfo_t fi;
        size_t n = c->src.n - start, hint, i;
        dec_t x;
        dec_new(&x, c);
        if (start > 0 && !dec_finish(&x, c, start, r, &why)) {
            failf("frame info: decoding to the frame start: %s", why);
            dec_free(&x);
            continue;
        }
        hint = LZ4F_getFrameInfo(x.d, &fi, c->src.p + start, &n);
        if (LZ4F_isError(hint)) {
            failf("LZ4F_getFrameInfo: %s", LZ4F_getErrorName(hint));
            dec_free(&x);
            continue;
        }
        for (i = 0; i < n && x.st.frame_start_len < 4; i++) x.st.frame_start[x.st.frame_start_len++] = c->src.p[start + i];
        x.st.input_offset += n;
        x.st.next_hint = hint;
        check_point(&x, c, r);
        if (!dec_finish(&x, c, c->src.n, r, &why)) failf("frame info: original: %s", why);
        dec_free(&x);
    }
}

/*-************************************
 *  Hostile blobs
 **************************************/

static void reseal(uint8_t* blob, size_t size)
{
    if (size >= 8) put_le64(blob + size - 8, lz4framed_hash64(blob, size - 8));
}

/* Feeds the stream's rest (bounded) and then garbage to an accepted decoder, checkpointing and
 * cloning it on the way. A decoder is never fed again after a liblz4 error: its state is then
 * undefined (liblz4's contract; FrameDecoder stays failed). */
static void exercise(dec_t* y, const sample_t* s, rng_t* r)
{
    const case_t* c = s->c;
    size_t const from = (size_t)s->inOffset;
    size_t len = c->src.n - from;
    uint8_t junk[64];
    size_t i, size;
    const char* why;
    uint8_t* blob;
    dec_t z;
    /* mostly a short run; sometimes enough input to complete any block of the sample's frame */
    size_t const limit = chance(r, 12) ? 300 KB : 300;
    if (len > limit) len = limit;
    if (dec_feed(y, NULL, c->src.p + from, len, r, 0, NULL) != DEC_OK) return;
    blob = save_blob(y, 1, &size, &why);
    free(blob);
    for (i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)rnd(r);
    if (clone_dec(y, &z)) {
        (void)dec_feed(&z, NULL, junk, sizeof junk, r, 0, NULL);
        dec_free(&z);
    }
    (void)dec_feed(y, NULL, junk, sizeof junk, r, 0, NULL);
}

/* Tries a blob: info and restore must agree, never crash; an accepted one is exercised.
 * Returns whether info accepted it. */
static int try_blob(const uint8_t* blob, size_t size, const sample_t* s, int mustFail, rng_t* r)
{
    lz4framed_checkpoint_info_t info;
    const char* why = NULL;
    int const okInfo = lz4framed_checkpoint_info(blob, size, &info, &why);
    dec_t y;
    const uint8_t* hist = NULL;
    size_t hlen = 0;
    int okRestore;
    S.hostile++;
    if (!okInfo && why == NULL) failf("info failed without a reason");
    if (okInfo && !info.history_embedded && info.history_length <= s->outOffset) {
        hlen = info.history_length;
        hist = s->c->out.p + s->outOffset - hlen;
    }
    memset(&y, 0, sizeof y);
    y.dict = dup_bytes(s->c->dict, s->c->dictSize);
    y.dictSize = s->c->dict ? s->c->dictSize : 0;
    y.skip = s->c->skip;
    why = NULL;
    okRestore = lz4framed_checkpoint_restore(blob, size, hist, hlen, y.dict, y.dictSize, y.skip, &y.d, &y.st, &why);
    if (!okRestore && (why == NULL || y.d != NULL)) failf("restore failed without a reason or left a context");
    if (okRestore && !okInfo) failf("restore accepted a blob that info rejects");
    if (mustFail && okInfo) failf("a truncated or extended blob was accepted");
    if (okRestore) {
        S.hostileAccepted++;
        exercise(&y, s, r);
    }
    dec_free(&y);
    return okInfo;
}

/* Which byte positions of a blob to attack: all of a small blob; of a large one (its bulk is
 * window or block bytes) the head and the tail, and a few dozen in between. */
static int attack_position(size_t i, size_t n, rng_t* r)
{
    if (n <= 600 || i < 300 || i + 300 >= n) return 1;
    return rnd(r) % n < 32;
}

static void attack(const sample_t* s, rng_t* r, int allValues)
{
    size_t const n = s->size, body = n - 8;
    uint8_t* m = (uint8_t*)xmalloc(n + 32);
    size_t i, k;
    g_case = s->c->name;
    g_at = (size_t)s->inOffset;
    /* bytes changed, checksum left stale: the checksum must catch it */
    for (i = 0; i < n; i++) {
        if (!attack_position(i, n, r)) continue;
        memcpy(m, s->blob, n);
        m[i] ^= (uint8_t)rnd_range(r, 1, 255);
        try_blob(m, n, s, 1, r);
    }
    /* bytes changed and the blob resealed: validation must catch it, or the state it describes
     * must be sound. Three probe values per byte; where validation rejected one of them (a byte
     * that shapes the state rather than data), all 255 values in the first sample of a stage. */
    for (i = 0; i < body; i++) {
        static const uint8_t probes[3] = { 0x01, 0x80, 0xFF };
        unsigned v, rejected = 0;
        if (!attack_position(i, n, r)) continue;
        for (v = 0; v < 3; v++) {
            memcpy(m, s->blob, n);
            m[i] ^= probes[v];
            reseal(m, n);
            rejected += !try_blob(m, n, s, 0, r);
        }
        if (!allValues || !rejected) continue;
        for (v = 1; v < 256; v++) {
            if (v == 0x01 || v == 0x80 || v == 0xFF) continue;
            memcpy(m, s->blob, n);
            m[i] ^= (uint8_t)v;
            reseal(m, n);
            try_blob(m, n, s, 0, r);
        }
    }
    /* truncations, stale and resealed */
    for (k = 0; k < n; k++) {
        if (!attack_position(k, n, r)) continue;
        memcpy(m, s->blob, k);
        try_blob(m, k, s, 1, r);
        if (k >= 8) {
            memcpy(m, s->blob, k - 8);
            reseal(m, k);
            try_blob(m, k, s, 1, r);
        }
    }
    /* extensions, stale and resealed */
    for (k = 1; k <= 24; k++) {
        memcpy(m, s->blob, body);
        for (i = 0; i < k; i++) m[body + i] = (uint8_t)rnd(r);
        memcpy(m + body + k, s->blob + body, 8);
        try_blob(m, n + k, s, 1, r);
        reseal(m, n + k);
        try_blob(m, n + k, s, 1, r);
    }
    free(m);
}

static void attack_garbage(const sample_t* s, rng_t* r, unsigned count)
{
    uint8_t m[400];
    unsigned j;
    for (j = 0; j < count; j++) {
        size_t const n = rnd_range(r, 0, sizeof m);
        size_t i;
        for (i = 0; i < n; i++) m[i] = (uint8_t)rnd(r);
        if (n >= 20 && chance(r, 70)) {
            /* a plausible head: magic, format 1, a stage, flags, this lz4 version, sealed */
            memcpy(m, s->blob, 12);
            m[5] = (uint8_t)rnd_range(r, 0, NSTAGES - 1);
            if (chance(r, 50)) m[7] &= 0x0F;
            if (chance(r, 50)) memcpy(m + 12, s->blob + 12, (s->size < n ? s->size : n) - 20);
            reseal(m, n);
        }
        try_blob(m, n, s, 0, r);
    }
}

/*-************************************
 *  The streams
 **************************************/

static uint8_t* g_dict48;
static uint8_t* g_dict4;
static uint8_t* g_dict64;

static void make_dictionaries(rng_t* r)
{
    g_dict48 = gen_content(r, 48 KB, P_RANDOM, NULL, 0);
    g_dict4 = gen_content(r, 4 KB, P_SMALL, NULL, 0);
    g_dict64 = gen_content(r, 64 KB, P_SMALL, NULL, 0);
}

static fspec_t spec(int bsid, int linked, int cc, int bc, int cs, unsigned dictID, int level)
{
    fspec_t f;
    f.bsid = bsid;
    f.linked = linked;
    f.cc = cc;
    f.bc = bc;
    f.cs = cs;
    f.dictID = dictID;
    f.level = level;
    return f;
}

static void add_frame(case_t* c, rng_t* r, fspec_t f, size_t len, profile_t pr)
{
    uint8_t* content = gen_content(r, len, pr, c->dict, c->dictSize);
    case_frame(c, r, f, content, len);
    free(content);
}

typedef struct {
    case_t* v;
    size_t n;
} case_list_t;

static case_t* new_case(case_list_t* l)
{
    l->v = (case_t*)realloc(l->v, (l->n + 1) * sizeof *l->v);
    return &l->v[l->n++];
}

static void build_cases(case_list_t* L, rng_t* r)
{
    unsigned m;
    char name[160];
    /* every mode, small frames, every call checked, fed byte by byte */
    for (m = 0; m < 64; m++) {
        int const linked = m & 1, cc = (m >> 1) & 1, bc = (m >> 2) & 1, cs = (m >> 3) & 1, useDict = (m >> 4) & 1,
                  bsid = (m >> 5) & 1 ? LZ4F_max256KB : LZ4F_max64KB;
        const uint8_t* dict = useDict ? ((m & 2) ? g_dict4 : g_dict48) : NULL;
        size_t const dictSize = useDict ? ((m & 2) ? 4 KB : 48 KB) : 0;
        unsigned const dictID = (m % 3 == 0) ? (unsigned)rnd_range(r, 1, 0xFFFFFFFFu) : 0;
        case_t* c = new_case(L);
        snprintf(name, sizeof name, "small bs=%s %s cc=%d bc=%d cs=%d dict=%zu", bsid == LZ4F_max64KB ? "64K" : "256K",
                 linked ? "linked" : "indep", cc, bc, cs, dictSize);
        case_begin(c, name, dict, dictSize, m == 7 || m == 46);
        add_frame(c, r, spec(bsid, linked, cc, bc, cs, dictID, m % 5 == 4 ? 9 : 0), rnd_range(r, 0, 2500), P_SMALL);
        if (m % 4 == 1) case_skippable(c, r, rnd_range(r, 0, 40));
        add_frame(c, r, spec(bsid, !linked, bc, cc, !cs, 0, 1), rnd_range(r, 0, 1200), P_SMALL);
        if (m % 8 == 3) add_frame(c, r, spec(bsid, linked, cc, bc, cs, dictID, 0), 0, P_SMALL); /* empty frame */
        case_finish(c);
    }
    /* linked frames crossing the 64 KiB window with far references: every call checked */
    for (m = 0; m < 8; m++) {
        int const cc = m & 1, useDict = (m >> 1) & 1, bc = (m >> 2) & 1;
        case_t* c = new_case(L);
        snprintf(name, sizeof name, "far linked 64K cc=%d bc=%d dict=%d", cc, bc, useDict);
        case_begin(c, name, useDict ? g_dict64 : NULL, useDict ? 64 KB : 0, 0);
        add_frame(c, r, spec(LZ4F_max64KB, 1, cc, bc, m == 5, 0, m == 3 ? 9 : 0), rnd_range(r, 70 KB, 150 KB), P_FAR);
        if (m == 2) case_skippable(c, r, 3);
        if (m < 2) add_frame(c, r, spec(LZ4F_max256KB, 1, cc, 0, 1, 0, 0), rnd_range(r, 66 KB, 90 KB), P_FAR);
        case_finish(c);
    }
    /* incompressible stretches (stored blocks: copyDirect), larger frames, random chunks */
    for (m = 0; m < 16; m++) {
        int const linked = m & 1, cc = (m >> 1) & 1, bc = (m >> 2) & 1, useDict = (m >> 3) & 1;
        int const bsid = m % 5 == 2 ? LZ4F_max1MB : (m % 7 == 3 ? LZ4F_max4MB : (m & 2 ? LZ4F_max256KB : LZ4F_max64KB));
        case_t* c = new_case(L);
        snprintf(name, sizeof name, "random bsid=%d %s cc=%d bc=%d dict=%d", bsid, linked ? "linked" : "indep", cc, bc,
                 useDict);
        case_begin(c, name, useDict ? g_dict48 : NULL, useDict ? 48 KB : 0, m == 9);
        /* byte by byte: checked near every boundary and at a sample of the other calls;
         * in random chunks: checked at every call */
        c->bytewise = (m & 4) && bsid <= LZ4F_max256KB;
        c->every = !c->bytewise;
        c->samplePermille = 2;
        add_frame(c, r, spec(bsid, linked, cc, bc, m % 3 == 0, 0, 0), rnd_range(r, 60 KB, 300 KB), P_RANDOM);
        case_skippable(c, r, rnd_range(r, 0, 2000));
        add_frame(c, r, spec(LZ4F_max64KB, !linked, cc, !bc, 1, 7, 0), rnd_range(r, 1, 70 KB), P_RANDOM);
        case_finish(c);
    }
}

static void build_dangling(case_list_t* L, rng_t* r)
{
    unsigned m;
    for (m = 0; m < 4; m++) {
        case_t* c = new_case(L);
        char name[96];
        snprintf(name, sizeof name, "dangling window bs=%s dict=%d", m & 1 ? "256K" : "64K", m >> 1);
        case_begin(c, name, m >> 1 ? g_dict48 : NULL, m >> 1 ? 48 KB : 0, 0);
        add_frame(c, r, spec(m & 1 ? LZ4F_max256KB : LZ4F_max64KB, 1, 1, m == 2, 0, 0, 0), rnd_range(r, 130 KB, 300 KB),
                  P_RANDOM);
        add_frame(c, r, spec(LZ4F_max64KB, 1, 1, 0, 0, 0, 0), 3000, P_SMALL);
        case_finish(c);
    }
}

/*-************************************
 *  Main
 **************************************/

static void merge(stats_t* into, const stats_t* s)
{
    int i;
    into->checkpoints += s->checkpoints;
    into->clones += s->clones;
    into->restores += s->restores;
    into->chains += s->chains;
    into->negatives += s->negatives;
    into->dangling += s->dangling;
    into->hostile += s->hostile;
    into->hostileAccepted += s->hostileAccepted;
    into->failures += s->failures;
    into->bounds += s->bounds;
    into->boundsUnknown += s->boundsUnknown;
    for (i = 0; i < NSTAGES; i++) {
        into->stageCount[i] += s->stageCount[i];
        if (s->stageMax[i] > into->stageMax[i]) into->stageMax[i] = s->stageMax[i];
    }
#define MAXF(f) if (s->f > into->f) into->f = s->f
    MAXF(maxIndependentBoundary);
    MAXF(maxLinkedEmbedBoundary);
    MAXF(maxLinkedOmitBoundary);
#undef MAXF
    into->independentBoundary += s->independentBoundary;
    into->linkedEmbedBoundary += s->linkedEmbedBoundary;
    into->linkedOmitBoundary += s->linkedOmitBoundary;
}

static void work(unsigned worker, unsigned workers, uint64_t seed)
{
    rng_t r = { seed };
    case_list_t L = { NULL, 0 }, D = { NULL, 0 };
    size_t i;
    int st, k;
    clock_t const t0 = clock();
    clock_t tChecks;
    make_dictionaries(&r);
    build_cases(&L, &r);
    build_dangling(&D, &r);
    for (i = 0; i < L.n; i++) {
        rng_t cr = { seed ^ (0x1000 + i) };
        clock_t const tc = clock();
        unsigned long const cp0 = S.checkpoints;
        if (i % workers != worker) continue;
        if (getenv("DCS_ONLY") && !strstr(L.v[i].name, getenv("DCS_ONLY"))) continue;
        run_case(&L.v[i], &cr);
        if (strncmp(L.v[i].name, "small", 5) == 0) run_frame_info(&L.v[i], &cr);
        if (getenv("DCS_TRACE"))
            printf("  %-50s in %7zu out %7zu: %lu checks, %.2f s\n", L.v[i].name, L.v[i].src.n, L.v[i].out.n,
                   S.checkpoints - cp0, (double)(clock() - tc) / CLOCKS_PER_SEC);
    }
    for (i = 0; i < D.n; i++) {
        rng_t cr = { seed ^ (0x2000 + i) };
        if (i % workers == worker) run_dangling(&D.v[i], &cr);
    }
    tChecks = clock();
    for (st = 0; st < NSTAGES; st++) {
        int first = 1;
        for (k = 0; k < NKINDS; k++) {
            sample_t* s = &g_samples[st][k];
            rng_t hr = { seed ^ (uint64_t)(0x3000 + st * NKINDS + k) };
            if (s->blob == NULL) continue;
            /* all values at the first sample of each stage, unless its frame has 1 or 4 MiB blocks
             * (each accepted blob then costs two buffers of megabytes under ASan) */
            attack(s, &hr, first && (s->blob[12] & 7) <= LZ4F_max256KB);
            first = 0;
            if (k % 4 == 0) attack_garbage(s, &hr, 300);
        }
    }
    printf("worker %u: checks %.1f s, hostile %.1f s (cpu)\n", worker, (double)(tChecks - t0) / CLOCKS_PER_SEC,
           (double)(clock() - tChecks) / CLOCKS_PER_SEC);
    fflush(stdout);
    for (st = 0; st < NSTAGES; st++)
        for (k = 0; k < NKINDS; k++) free(g_samples[st][k].blob);
    for (i = 0; i < L.n + D.n; i++) {
        case_t* c = i < L.n ? &L.v[i] : &D.v[i - L.n];
        free(c->src.p);
        free(c->out.p);
        free(c->near);
        free(c->ends);
    }
    free(L.v);
    free(D.v);
    free(g_dict48);
    free(g_dict4);
    free(g_dict64);
}

int main(int argc, char** argv)
{
    unsigned workers = 2, w;
    uint64_t seed = 20261121;
    stats_t total;
    int i, ok;
    time_t const t0 = time(NULL);
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-j") && i + 1 < argc)
            workers = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: %s [-j workers] [-s seed]\n", argv[0]);
            return 2;
        }
    }
    if (workers < 1) workers = 1;
    memset(&total, 0, sizeof total);
    printf("dctx_state_check: liblz4 %s, seed %llu, %u worker(s)\n", LZ4_versionString(), (unsigned long long)seed,
           workers);
    fflush(stdout);
    if (workers == 1) {
        work(0, 1, seed);
        total = S;
    } else {
        int* fds = (int*)xmalloc(workers * sizeof *fds);
        pid_t* pids = (pid_t*)xmalloc(workers * sizeof *pids);
        for (w = 0; w < workers; w++) {
            int p[2];
            if (pipe(p) != 0) return 2;
            pids[w] = fork();
            if (pids[w] < 0) return 2;
            if (pids[w] == 0) {
                close(p[0]);
                work(w, workers, seed);
                if (write(p[1], &S, sizeof S) != (ssize_t)sizeof S) _exit(3);
                exit(0); /* not _exit: LeakSanitizer checks the worker at exit */
            }
            close(p[1]);
            fds[w] = p[0];
        }
        for (w = 0; w < workers; w++) {
            stats_t s;
            int status = 0;
            size_t got = 0;
            while (got < sizeof s) {
                ssize_t const n = read(fds[w], (char*)&s + got, sizeof s - got);
                if (n <= 0) {
                    if (n < 0 && errno == EINTR) continue;
                    break;
                }
                got += (size_t)n;
            }
            waitpid(pids[w], &status, 0);
            if (got != sizeof s || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                printf("FAIL worker %u died (status %d)\n", w, status);
                total.failures++;
            } else {
                merge(&total, &s);
            }
            close(fds[w]);
        }
        free(fds);
        free(pids);
    }

    printf("checkpoints verified: %lu (clones %lu, restores %lu, chains %lu, refusals %lu, dangling-window %lu)\n",
           total.checkpoints, total.clones, total.restores, total.chains, total.negatives, total.dangling);
    printf("output bounds checked: %lu (no bound: %lu)\n", total.bounds, total.boundsUnknown);
    printf("hostile blobs tried: %lu (accepted and decoded safely: %lu)\n", total.hostile, total.hostileAccepted);
    printf("blob size by stage (count, max bytes):");
    for (i = 0; i < NSTAGES; i++)
        if (total.stageCount[i]) printf(" %d:(%lu,%zu)", i, total.stageCount[i], total.stageMax[i]);
    printf("\n");
    ok = total.failures == 0;
    {
        int const a = total.independentBoundary > 0 && total.maxIndependentBoundary <= 128;
        int const b = total.linkedEmbedBoundary > 0 && total.maxLinkedEmbedBoundary <= 65536 + 128;
        int const c = total.linkedOmitBoundary > 0 && total.maxLinkedOmitBoundary <= 128;
        printf("size independent at block boundary: max %zu bytes over %lu blobs (target <= 128): %s\n",
               total.maxIndependentBoundary, total.independentBoundary, a ? "target met" : "TARGET MISSED");
        printf("size linked embedded history at block boundary: max %zu bytes = 65536 + %ld over %lu blobs "
               "(target <= 65536 + 128): %s\n",
               total.maxLinkedEmbedBoundary, (long)total.maxLinkedEmbedBoundary - 65536, total.linkedEmbedBoundary,
               b ? "target met" : "TARGET MISSED");
        printf("size linked omitted history at block boundary: max %zu bytes over %lu blobs (target <= 128): %s\n",
               total.maxLinkedOmitBoundary, total.linkedOmitBoundary, c ? "target met" : "TARGET MISSED");
        ok = ok && a && b && c;
    }
    printf("runtime: %ld s\n", (long)(time(NULL) - t0));
    printf("%s (%lu failure(s))\n", ok ? "RESULT: PASS" : "RESULT: FAIL", total.failures);
    return ok ? 0 : 1;
}
