/* The C side of the benchmark: liblz4's frame API on the pinned sources, in memory, with the
 * frame preferences lz4framed uses by default, timed with clock_gettime(CLOCK_MONOTONIC).
 * bench/c-reference.js compiles it with the flags of the addon's build.
 *
 *   c_reference FILE [--levels 0,1,9] [--runs N] [--stream CHUNK] [--small BYTES]
 *                    [--small-offset OFFSET] [--small-ms MS] [--extras] [--cpu]
 *       Times each operation (one warm-up, then --runs runs) and prints JSON: seconds of every
 *       run, best and median MB/s of uncompressed data; for --small, operations per second.
 *   c_reference FILE --serve [--stream CHUNK] [--small BYTES] [--small-offset OFFSET] [--cpu]
 *       Reads "OPERATION LEVEL [ITERATIONS]" lines on stdin and answers each with the seconds
 *       one run took (ITERATIONS runs for the small-* operations), so that the harness can take
 *       turns between C and JavaScript under the same machine load.
 *
 * --cpu: CPU time of the process instead of wall time.
 *
 * Operations: compress, compressIndependent (independent blocks), decompress, decompressUnknownSize (a frame without content size),
 * compressStream, decompressStream (CHUNK bytes per call), small-compress, small-decompress.
 * Contexts and buffers are reused from run to run, as a C program that cares about speed does.
 * Extras: compressFrame (LZ4F_compressFrame, a new context per call) and compressFreshDst /
 * decompressFreshDst (a freshly malloc'd destination per call, what a binding that hands each
 * result to its caller pays in page faults), decompressStreamFreshDst (decompressStream into a
 * new ~1 MiB buffer per output, freed after the run). */
#define LZ4F_STATIC_LINKING_ONLY
#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RUNS 64
#define MAX_LEVELS 16

static void die(const char* what, size_t code)
{
    fprintf(stderr, "c_reference: %s: %s\n", what, LZ4F_isError(code) ? LZ4F_getErrorName(code) : "failed");
    exit(1);
}

/* Wall time, or with --cpu the CPU time of the process (user + system, page faults included),
 * which other processes on a busy machine disturb far less. */
static clockid_t g_clock = CLOCK_MONOTONIC;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(g_clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void* xmalloc(size_t n)
{
    void* p = malloc(n ? n : 1);
    if (p == NULL) die("out of memory", 0);
    return p;
}

static LZ4F_preferences_t preferences(int level, int storeSize, size_t size)
{
    /* lz4framed's defaults: 64 KiB linked blocks, content checksum, no block checksum. */
    LZ4F_preferences_t p;
    memset(&p, 0, sizeof p);
    p.compressionLevel = level;
    p.frameInfo.blockSizeID = LZ4F_max64KB;
    p.frameInfo.blockMode = LZ4F_blockLinked;
    p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    p.frameInfo.contentSize = storeSize ? (unsigned long long)size : 0;
    return p;
}

/* ---- what the operations work on ---- */

typedef struct {
    const uint8_t* plain; /* the input */
    size_t plainSize;
    uint8_t* packed;      /* its frame, content size stored */
    size_t packedSize;
    uint8_t* unsized;     /* its frame without content size */
    size_t unsizedSize;
    LZ4F_preferences_t prefs;
    uint8_t* compressDst; /* frame bound bytes */
    size_t compressCapacity;
    uint8_t* decompressDst; /* plainSize bytes */
} data_t;

static LZ4F_cctx* g_cctx;
static LZ4F_dctx* g_dctx;
static size_t g_chunk = 64 * 1024;

static size_t compress_into(const data_t* d, uint8_t* dst)
{
    size_t r = LZ4F_compressFrame_usingCDict(g_cctx, dst, d->compressCapacity, d->plain, d->plainSize, NULL, &d->prefs);
    if (LZ4F_isError(r)) die("LZ4F_compressFrame_usingCDict", r);
    return r;
}

#define STREAM_OUTPUT_BYTES (1024 * 1024)
#define MAX_STREAM_OUTPUTS 4096

/* Feeds `chunk` bytes of the frame per call (all of it when chunk is 0) into dst, or with `fresh`
 * into a new malloc'd buffer per STREAM_OUTPUT_BYTES of output, as a binding that hands each
 * output to its caller decodes (lz4framed's stream outputs are about that size); those are all
 * freed only after the run, as a garbage collector frees them later. */
static size_t decompress_into(const data_t* d, const uint8_t* src, size_t srcSize, uint8_t* dst, size_t chunk, int fresh)
{
    static uint8_t* outputs[MAX_STREAM_OUTPUTS];
    size_t count = 0, in = 0, out = 0, hint = 1;
    size_t used = 0, capacity = fresh ? STREAM_OUTPUT_BYTES + 64 * 1024 : d->plainSize;
    if (fresh) dst = NULL;
    LZ4F_resetDecompressionContext(g_dctx);
    while (in < srcSize && hint != 0) {
        if (fresh && (dst == NULL || used >= STREAM_OUTPUT_BYTES)) {
            if (count == MAX_STREAM_OUTPUTS) die("decompress_into: too many outputs", 0);
            dst = outputs[count++] = xmalloc(capacity);
            used = 0;
        }
        size_t n = srcSize - in;
        if (chunk && n > chunk) n = chunk;
        size_t room = capacity - used;
        hint = LZ4F_decompress(g_dctx, dst + used, &room, src + in, &n, NULL);
        if (LZ4F_isError(hint)) die("LZ4F_decompress", hint);
        in += n;
        used += room;
        out += room;
    }
    if (hint != 0) die("LZ4F_decompress: truncated frame", 0);
    for (size_t i = 0; i < count; i++) free(outputs[i]);
    return out;
}

static size_t op_compress(const data_t* d) { return compress_into(d, d->compressDst); }

/* The same frame with independent blocks: what parallel compression is compared with. */
static size_t op_compress_independent(const data_t* d)
{
    LZ4F_preferences_t prefs = d->prefs;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    size_t r = LZ4F_compressFrame_usingCDict(g_cctx, d->compressDst, d->compressCapacity, d->plain, d->plainSize, NULL, &prefs);
    if (LZ4F_isError(r)) die("LZ4F_compressFrame_usingCDict", r);
    return r;
}

static size_t op_compress_frame(const data_t* d)
{
    size_t r = LZ4F_compressFrame(d->compressDst, d->compressCapacity, d->plain, d->plainSize, &d->prefs);
    if (LZ4F_isError(r)) die("LZ4F_compressFrame", r);
    return r;
}

static size_t op_compress_fresh(const data_t* d)
{
    uint8_t* dst = xmalloc(d->compressCapacity);
    size_t r = compress_into(d, dst);
    free(dst);
    return r;
}

/* A frame of the whole input through LZ4F_compressBegin / Update (`step` bytes at a time) / End. */
static size_t compress_in_updates(const data_t* d, const LZ4F_preferences_t* prefs, size_t step,
                                  const LZ4F_compressOptions_t* options)
{
    uint8_t* dst = d->compressDst;
    size_t capacity = d->compressCapacity;
    size_t pos = LZ4F_compressBegin(g_cctx, dst, capacity, prefs);
    if (LZ4F_isError(pos)) die("LZ4F_compressBegin", pos);
    for (size_t off = 0; off < d->plainSize; off += step) {
        size_t n = d->plainSize - off < step ? d->plainSize - off : step;
        size_t r = LZ4F_compressUpdate(g_cctx, dst + pos, capacity - pos, d->plain + off, n, options);
        if (LZ4F_isError(r)) die("LZ4F_compressUpdate", r);
        pos += r;
    }
    size_t r = LZ4F_compressEnd(g_cctx, dst + pos, capacity - pos, options);
    if (LZ4F_isError(r)) die("LZ4F_compressEnd", r);
    return pos + r;
}

static size_t op_compress_stream(const data_t* d)
{
    /* The prefs of the reference frame minus the content size, which a stream does not know. */
    LZ4F_preferences_t prefs = d->prefs;
    prefs.frameInfo.contentSize = 0;
    return compress_in_updates(d, &prefs, g_chunk, NULL);
}

/* The reference frame written as lz4framed writes one-shot frames: LZ4F_compressFrame's own
 * steps with updates of 256 KiB (whole blocks, stable source), so that liblz4 hashes each update's
 * input for the content checksum while it is still in cache. The same bytes as the reference. */
static size_t op_compress_steps(const data_t* d)
{
    LZ4F_preferences_t prefs = d->prefs;
    prefs.autoFlush = 1; /* as LZ4F_compressFrame */
    LZ4F_compressOptions_t options;
    memset(&options, 0, sizeof options);
    options.stableSrc = 1;
    return compress_in_updates(d, &prefs, 256 * 1024, &options);
}

static size_t op_decompress(const data_t* d)
{
    return decompress_into(d, d->packed, d->packedSize, d->decompressDst, 0, 0);
}

static size_t op_decompress_unsized(const data_t* d)
{
    return decompress_into(d, d->unsized, d->unsizedSize, d->decompressDst, 0, 0);
}

static size_t op_decompress_stream(const data_t* d)
{
    return decompress_into(d, d->unsized, d->unsizedSize, d->decompressDst, g_chunk, 0);
}

static size_t op_decompress_stream_fresh(const data_t* d)
{
    return decompress_into(d, d->unsized, d->unsizedSize, NULL, g_chunk, 1);
}

static size_t op_decompress_fresh(const data_t* d)
{
    uint8_t* dst = xmalloc(d->plainSize);
    size_t r = decompress_into(d, d->packed, d->packedSize, dst, 0, 0);
    free(dst);
    return r;
}

typedef size_t (*op_t)(const data_t* d);

static const struct {
    const char* name;
    op_t op;
    int extra;
} OPS[] = {
    {"compress", op_compress, 0},
    {"compressFrame", op_compress_frame, 1},
    {"compressIndependent", op_compress_independent, 0},
    {"compressFreshDst", op_compress_fresh, 1},
    {"compressSteps", op_compress_steps, 1},
    {"compressStream", op_compress_stream, 0},
    {"decompress", op_decompress, 0},
    {"decompressFreshDst", op_decompress_fresh, 1},
    {"decompressUnknownSize", op_decompress_unsized, 0},
    {"decompressStream", op_decompress_stream, 0},
    {"decompressStreamFreshDst", op_decompress_stream_fresh, 1},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])

static op_t find_op(const char* name)
{
    for (size_t i = 0; i < N_OPS; i++)
        if (!strcmp(OPS[i].name, name)) return OPS[i].op;
    return NULL;
}

/* Compresses `plain` at `level` (both frames), checks they decode back, and allocates every
 * destination the operations need. */
static void prepare(data_t* d, const uint8_t* plain, size_t size, int level)
{
    memset(d, 0, sizeof *d);
    d->plain = plain;
    d->plainSize = size;
    d->prefs = preferences(level, 0, size);
    d->compressCapacity = LZ4F_compressFrameBound(size, &d->prefs);
    d->compressDst = xmalloc(d->compressCapacity);
    d->decompressDst = xmalloc(size ? size : 1);
    d->unsizedSize = compress_into(d, d->compressDst);
    d->unsized = xmalloc(d->unsizedSize);
    memcpy(d->unsized, d->compressDst, d->unsizedSize);
    d->prefs = preferences(level, 1, size);
    d->packedSize = compress_into(d, d->compressDst);
    d->packed = xmalloc(d->packedSize);
    memcpy(d->packed, d->compressDst, d->packedSize);
    if (op_decompress(d) != size || memcmp(d->decompressDst, plain, size) != 0) die("round trip", 0);
    if (op_decompress_unsized(d) != size || memcmp(d->decompressDst, plain, size) != 0) die("round trip (unsized)", 0);
}

static void release(data_t* d)
{
    free(d->packed);
    free(d->unsized);
    free(d->compressDst);
    free(d->decompressDst);
}

/* ---- timing ---- */

static double time_runs(op_t op, const data_t* d, long iterations)
{
    double t0 = now_s();
    for (long i = 0; i < iterations; i++) op(d);
    return now_s() - t0;
}

static int cmp_double(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static double median_of(double* sorted, int n)
{
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* One JSON member: seconds of each run, best and median MB/s of the uncompressed size. */
static void print_timed(const char* name, op_t op, const data_t* d, int runs, int* first)
{
    double t[MAX_RUNS], sorted[MAX_RUNS];
    size_t produced = op(d); /* warm-up */
    for (int i = 0; i < runs; i++) t[i] = time_runs(op, d, 1);
    memcpy(sorted, t, sizeof(double) * (size_t)runs);
    qsort(sorted, (size_t)runs, sizeof(double), cmp_double);
    printf("%s\"%s\":{\"seconds\":[", *first ? "" : ",", name);
    for (int i = 0; i < runs; i++) printf("%s%.9f", i ? "," : "", t[i]);
    printf("],\"bestMBps\":%.3f,\"medianMBps\":%.3f,\"outputBytes\":%zu}", d->plainSize / sorted[0] / 1e6,
           d->plainSize / median_of(sorted, runs) / 1e6, produced);
    *first = 0;
}

/* Operations per second on a small input, each run lasting about `ms` milliseconds. */
static void print_rate(const char* name, op_t op, const data_t* d, int runs, double ms, int* first)
{
    long iterations = 1;
    while (time_runs(op, d, iterations) < ms / 1e4) iterations *= 2; /* warm-up and calibration */
    iterations *= 10;
    double rates[MAX_RUNS];
    for (int r = 0; r < runs; r++) rates[r] = iterations / time_runs(op, d, iterations);
    qsort(rates, (size_t)runs, sizeof(double), cmp_double);
    printf("%s\"%s\":{\"bestOpsPerSec\":%.1f,\"medianOpsPerSec\":%.1f}", *first ? "" : ",", name, rates[runs - 1],
           median_of(rates, runs));
    *first = 0;
}

/* ---- modes ---- */

static void batch(const uint8_t* data, size_t size, const char* levels, int runs, int stream, int extras,
                  const data_t* small, double smallMs)
{
    printf("{\"lz4Version\":\"%s\",\"bytes\":%zu,\"runs\":%d,\"levels\":{", LZ4_versionString(), size, runs);
    int firstLevel = 1;
    for (const char* p = levels; *p;) {
        char* end;
        int level = (int)strtol(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
        data_t d;
        prepare(&d, data, size, level);
        printf("%s\"%d\":{", firstLevel ? "" : ",", level);
        firstLevel = 0;
        int first = 1;
        for (size_t i = 0; i < N_OPS; i++) {
            int isStream = strstr(OPS[i].name, "Stream") != NULL;
            if ((OPS[i].extra && !extras) || (isStream && !stream)) continue;
            print_timed(OPS[i].name, OPS[i].op, &d, runs, &first);
        }
        printf(",\"compressedBytes\":%zu}", d.packedSize);
        release(&d);
    }
    printf("}");
    if (small) {
        int first = 1;
        printf(",\"small\":{\"bytes\":%zu,", small->plainSize);
        print_rate("compress", op_compress, small, runs, smallMs, &first);
        print_rate("compressFrame", op_compress_frame, small, runs, smallMs, &first);
        print_rate("decompress", op_decompress, small, runs, smallMs, &first);
        printf("}");
    }
    printf("}\n");
}

static void serve(const uint8_t* data, size_t size, const data_t* small)
{
    data_t levels[MAX_LEVELS];
    int known[MAX_LEVELS];
    int count = 0;
    char line[256], name[64];
    while (fgets(line, sizeof line, stdin)) {
        int level = 0;
        long iterations = 1;
        if (sscanf(line, "%63s %d %ld", name, &level, &iterations) < 2 || iterations < 1) {
            fprintf(stderr, "c_reference: bad request: %s", line);
            exit(2);
        }
        int isSmall = !strncmp(name, "small-", 6);
        op_t op = find_op(isSmall ? name + 6 : name);
        if (op == NULL || (isSmall && small == NULL)) {
            fprintf(stderr, "c_reference: unknown operation %s\n", name);
            exit(2);
        }
        const data_t* d = small;
        if (!isSmall) {
            int i = 0;
            while (i < count && known[i] != level) i++;
            if (i == count) {
                if (count == MAX_LEVELS) die("too many levels", 0);
                prepare(&levels[count], data, size, level);
                known[count++] = level;
            }
            d = &levels[i];
        }
        printf("%.9f\n", time_runs(op, d, iterations));
        fflush(stdout);
    }
    for (int i = 0; i < count; i++) release(&levels[i]);
}

static uint8_t* read_file(const char* path, size_t* size)
{
    FILE* f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "c_reference: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t* data = xmalloc((size_t)n);
    if (fread(data, 1, (size_t)n, f) != (size_t)n) die("short read", 0);
    fclose(f);
    *size = (size_t)n;
    return data;
}

int main(int argc, char** argv)
{
    const char* path = NULL;
    const char* levels = "0";
    int runs = 5, extras = 0, stream = 0, serving = 0;
    size_t smallSize = 0, smallOffset = 0;
    double smallMs = 100;
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--levels")) levels = v, i++;
        else if (!strcmp(a, "--runs")) runs = atoi(v), i++;
        else if (!strcmp(a, "--stream")) stream = 1, g_chunk = strtoull(v, NULL, 10), i++;
        else if (!strcmp(a, "--small")) smallSize = strtoull(v, NULL, 10), i++;
        else if (!strcmp(a, "--small-offset")) smallOffset = strtoull(v, NULL, 10), i++;
        else if (!strcmp(a, "--small-ms")) smallMs = atof(v), i++;
        else if (!strcmp(a, "--extras")) extras = 1;
        else if (!strcmp(a, "--serve")) serving = 1;
        else if (!strcmp(a, "--cpu")) g_clock = CLOCK_PROCESS_CPUTIME_ID;
        else path = a;
    }
    if (path == NULL || runs < 1 || runs > MAX_RUNS || g_chunk == 0) {
        fprintf(stderr, "usage: c_reference FILE [--levels 0,1,9] [--runs 1..%d] [--stream CHUNK] [--small BYTES] "
                        "[--small-offset N] [--small-ms MS] [--extras] [--serve] [--cpu]\n", MAX_RUNS);
        return 2;
    }
    size_t size;
    uint8_t* data = read_file(path, &size);
    size_t r = LZ4F_createCompressionContext(&g_cctx, LZ4F_VERSION);
    if (LZ4F_isError(r)) die("LZ4F_createCompressionContext", r);
    r = LZ4F_createDecompressionContext(&g_dctx, LZ4F_VERSION);
    if (LZ4F_isError(r)) die("LZ4F_createDecompressionContext", r);
    data_t small;
    if (smallSize) {
        if (smallOffset + smallSize > size) die("--small-offset + --small beyond the file", 0);
        prepare(&small, data + smallOffset, smallSize, 0);
    }
    if (serving) serve(data, size, smallSize ? &small : NULL);
    else batch(data, size, levels, runs, stream, extras, smallSize ? &small : NULL, smallMs);
    if (smallSize) release(&small);
    LZ4F_freeCompressionContext(g_cctx);
    LZ4F_freeDecompressionContext(g_dctx);
    free(data);
    return 0;
}
