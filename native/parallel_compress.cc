#include "parallel_compress.h"

#include <xxhash.h>

#include <algorithm>

#include "addon_data.h"
#include "async_job.h"
#include "frame_encoder.h"
#include "output_buffer.h"
#include "preferences.h"

namespace lz4framed {
namespace {

// Linked blocks reference at most this far back: all of a part's history.
constexpr size_t kWindow = 64 * 1024;

// Compresses into a region of a Buffer that lib/ laid out (every part at the offset its bound
// allows), so no part needs memory of its own, fresh and page-faulted, on every call.
struct CompressPartWork {
  CompressSettings settings;
  ByteView part;
  ByteView history;
  uint8_t* dst = nullptr;
  size_t capacity = 0;
  size_t written = 0;
  Failure failure;

  void Run() { CompressPart(settings, part, history, dst, capacity, &written, &failure); }

  Napi::Value Finish(Napi::Env env) {
    if (failure) ThrowFailure(env, failure);
    return Napi::Number::New(env, static_cast<double>(written));
  }
};

struct ContentChecksumWork {
  ByteView input;
  uint32_t checksum = 0;

  void Run() { checksum = XXH32(input.data, input.size, 0); }
  Napi::Value Finish(Napi::Env env) { return Napi::Number::New(env, checksum); }
};

// An offset into `input`: an integer from 0 to its length.
size_t ReadOffset(const Napi::Value& value, const char* what, size_t size) {
  Napi::Env env = value.Env();
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string(what) + " must be a number");
  double v = value.As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= static_cast<double>(size)) || v != static_cast<double>(static_cast<size_t>(v))) {
    throw Napi::RangeError::New(env, std::string(what) + " must be an integer from 0 to the input's length");
  }
  return static_cast<size_t>(v);
}

}  // namespace

Napi::Value FrameHeaderSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CompressSettings settings = ReadCompressSettings(info[0]);
  uint8_t header[LZ4F_HEADER_SIZE_MAX];
  size_t written = 0;
  Failure failure;
  ContextCache& cache = AddonData::From(env).contexts;
  LZ4F_cctx* cctx = cache.TakeCompression();
  bool ok = FrameHeader(settings, cctx, header, &written, &failure);
  if (cctx) cache.GiveBack(cctx);
  if (!ok) ThrowFailure(env, failure);
  return Napi::Buffer<uint8_t>::Copy(env, header, written);
}

Napi::Value PartBoundSync(const Napi::CallbackInfo& info) {
  CompressSettings settings = ReadCompressSettings(info[0]);
  size_t size = ReadOffset(info[1], "size", SIZE_MAX / 2);
  return Napi::Number::New(info.Env(), static_cast<double>(PartBound(settings, size)));
}

Napi::Value OutputBufferSync(const Napi::CallbackInfo& info) {
  size_t size = ReadOffset(info[0], "size", SIZE_MAX / 2);
  return NewOutputBuffer(info.Env(), size);
}

Napi::Value CompressPartAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView input = ReadBytes(info[0], "input");
  size_t start = ReadOffset(info[1], "start", input.size);
  size_t end = ReadOffset(info[2], "end", input.size);
  if (end < start) throw Napi::RangeError::New(env, "end must not be before start");
  CompressPartWork work;
  work.settings = ReadCompressSettings(info[3]);
  if (!info[4].IsBuffer()) throw Napi::TypeError::New(env, "into must be a Buffer");
  Napi::Buffer<uint8_t> into = info[4].As<Napi::Buffer<uint8_t>>();
  size_t at = ReadOffset(info[5], "at", into.Length());
  work.part = {input.data + start, end - start};
  size_t back = std::min(start, kWindow);
  work.history = {input.data + start - back, back};
  work.capacity = PartBound(work.settings, work.part.size);
  if (into.Length() - at < work.capacity) throw Napi::RangeError::New(env, "into has no room for the part's bound");
  work.dst = into.Data() + at;
  return AsyncJob<CompressPartWork>::Start(env, std::move(work), {info[0], info[4]});
}

Napi::Value ContentChecksumAsync(const Napi::CallbackInfo& info) {
  ContentChecksumWork work;
  work.input = ReadBytes(info[0], "input");
  return AsyncJob<ContentChecksumWork>::Start(info.Env(), std::move(work), {info[0]});
}

}  // namespace lz4framed
