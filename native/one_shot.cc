#include "one_shot.h"

#include <lz4hc.h>

#include "addon_data.h"
#include "async_job.h"
#include "frame_walk.h"
#include "jobs.h"
#include "preferences.h"

namespace lz4framed {
namespace {

// No LZ4 block decodes to more than 255 bytes per input byte (a run-length byte encodes at
// most 255); a header declaring more is lying, and its size is not worth preallocating.
constexpr uint64_t kMaxExpansion = 255;

// A sync call whose output has only a bound, at most this, is written into the environment's
// scratch and copied out at its exact size: one Buffer per call instead of a bound-sized one and,
// when the output is smaller, its exact-size copy. 1 KiB compressSync: 195-200k -> 308-328k ops/s.
constexpr size_t kScratchFrameBytes = 64 * 1024;

// Everything is read and allocated on the main thread; Run() then only touches plain memory.
// `scratch` (sync calls only: nothing else runs on it meanwhile) may receive a small frame.
CompressFrame PrepareCompress(const Napi::CallbackInfo& info, ScratchBuffer* scratch = nullptr) {
  Napi::Env env = info.Env();
  ByteView input = ReadBytes(info[0], "input");
  CompressFrame job;
  job.settings = ReadCompressSettings(info[1]);
  job.input = input;
  job.capacity = OneShotBound(job.settings, input.size);
  if (scratch != nullptr && job.capacity <= kScratchFrameBytes && scratch->Reserve(job.capacity)) {
    job.dst = scratch->data();
    return job;
  }
  Napi::Buffer<uint8_t> out = NewOutputBuffer(env, job.capacity);
  job.dst = out.Data();
  job.output = Napi::Persistent(out);
  return job;
}

// `scratch` as for PrepareCompress: a small output known only by a bound is decoded into it.
DecodeStep PrepareDecompress(const Napi::CallbackInfo& info, LZ4F_dctx* reuse = nullptr,
                             ScratchBuffer* scratch = nullptr) {
  Napi::Env env = info.Env();
  ByteView input = ReadBytes(info[0], "input");
  DecompressSettings settings = ReadDecompressSettings(info[1]);
  DecodeStep job;
  job.sink = std::make_unique<OutputSink>(settings.maxOutputLength);
  job.ownedDecoder = std::make_unique<FrameDecoder>(std::move(settings));
  job.decoder = job.ownedDecoder.get();
  job.input = input;
  job.finish = true;
  Failure failure;
  if (!job.decoder->Init(&failure, reuse)) ThrowFailure(env, failure);
  // One allocation for the whole output when the headers bound it (exactly, when every frame
  // declares its size): no chunks, no copy. Untouched tail pages of a loose bound cost nothing.
  uint64_t bound = 0;
  bool exact = false;
  bool bounded = DecodedSizeBound(input, &bound, &exact) && bound > 0 && bound <= job.sink->limit() &&
                 bound <= kMaxExpansion * input.size;
  if (bounded && !exact && scratch != nullptr && bound <= kScratchFrameBytes &&
      scratch->Reserve(static_cast<size_t>(bound))) {
    job.sink->Preallocate(scratch->data(), static_cast<size_t>(bound));  // copied out at the exact size
  } else if (bounded) {
    Napi::Buffer<uint8_t> out = NewOutputBuffer(env, static_cast<size_t>(bound));
    job.sink->Preallocate(out.Data(), out.Length());
    job.preallocated = Napi::Persistent(out);
    job.prefaultData = out.Data();
    job.prefaultSize = out.Length();
    job.prefaultExact = exact;
  } else {
    job.sink->SizeHint(input.size * 4);
  }
  return job;
}

}  // namespace

Napi::Value CompressSync(const Napi::CallbackInfo& info) {
  CompressFrame job = PrepareCompress(info, &AddonData::From(info.Env()).smallFrames);
  // Only an HC context is kept between calls (clearing its 256 KiB state cost more than
  // compressing 1 KiB). A fast-level frame begun on a used context can differ from one begun on a
  // fresh context (liblz4 resets the fast state without clearing its hash table), and compressSync
  // must give the bytes the promise compress and every other call give.
  ContextCache& cache = AddonData::From(info.Env()).contexts;
  if (job.settings.prefs.compressionLevel >= LZ4HC_CLEVEL_MIN) job.context = cache.TakeCompression();
  job.Run();
  if (job.context) cache.GiveBack(job.context);
  return job.Finish(info.Env());
}

Napi::Value CompressAsync(const Napi::CallbackInfo& info) {
  CompressFrame job = PrepareCompress(info);
  return AsyncJob<CompressFrame>::Start(info.Env(), std::move(job), {info[0]});
}

Napi::Value DecompressSync(const Napi::CallbackInfo& info) {
  ContextCache& cache = AddonData::From(info.Env()).contexts;
  DecodeStep job = PrepareDecompress(info, cache.TakeDecompression(), &AddonData::From(info.Env()).smallFrames);
  job.Run();
  cache.GiveBack(job.ownedDecoder->ReleaseContext());
  return job.Finish(info.Env());
}

Napi::Value DecompressAsync(const Napi::CallbackInfo& info) {
  DecodeStep job = PrepareDecompress(info);
  return AsyncJob<DecodeStep>::Start(info.Env(), std::move(job), {info[0]});
}

}  // namespace lz4framed
