#include "parallel_compress.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "addon_data.h"
#include "async_job.h"
#include "content_checksum.h"
#include "frame_encoder.h"
#include "output_buffer.h"
#include "prefault.h"
#include "preferences.h"

namespace lz4framed {
namespace {

// Linked blocks reference at most this far back: all of a part's history.
constexpr size_t kWindow = 64 * 1024;

// The tasks of one compressParts call, shared by its lanes: the content checksum (when the frame
// has one) and every part. Each lane takes the next task until none is left or one lane failed,
// so no lane waits for the main thread between parts and the lanes finish close together.
struct PartTasks {
  CompressSettings settings;
  ByteView input;
  size_t partSize = 0;
  size_t partCount = 0;
  // Part i is written at first + i * stride: every part has the room its bound asks for.
  uint8_t* first = nullptr;
  size_t stride = 0;
  bool checksum = false;  // task 0 is the checksum: the longest task, taken first
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};

  size_t count() const { return partCount + (checksum ? 1 : 0); }
};

struct CompressLaneWork {
  std::shared_ptr<PartTasks> tasks;
  std::vector<double> done;  // part index, bytes written, for each part this lane compressed
  bool hasChecksum = false;
  uint32_t checksum = 0;
  Failure failure;

  void Run() {
    PartTasks& t = *tasks;
    for (size_t task; !t.failed.load(std::memory_order_relaxed) && (task = t.next++) < t.count();) {
      if (t.checksum && task == 0) {
        checksum = ContentChecksum(t.input);
        hasChecksum = true;
        continue;
      }
      size_t i = task - (t.checksum ? 1 : 0);
      size_t start = i * t.partSize;
      ByteView part{t.input.data + start, std::min(t.partSize, t.input.size - start)};
      size_t back = std::min(start, kWindow);
      ByteView history{part.data - back, back};
      size_t written = 0;
      if (!CompressPart(t.settings, part, history, t.first + i * t.stride, t.stride, &written, &failure)) {
        t.failed = true;
        return;
      }
      done.push_back(static_cast<double>(i));
      done.push_back(static_cast<double>(written));
    }
  }

  // { parts: [index, written, ...], checksum? }
  Napi::Value Finish(Napi::Env env) {
    if (failure) ThrowFailure(env, failure);
    Napi::Object result = Napi::Object::New(env);
    Napi::Array parts = Napi::Array::New(env, done.size());
    for (size_t k = 0; k < done.size(); k++) parts.Set(static_cast<uint32_t>(k), done[k]);
    result.Set("parts", parts);
    if (hasChecksum) result.Set("checksum", Napi::Number::New(env, checksum));
    return result;
  }
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

Napi::Value CompressPartsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto tasks = std::make_shared<PartTasks>();
  tasks->input = ReadBytes(info[0], "input");
  tasks->partSize = ReadOffset(info[1], "partSize", tasks->input.size);
  if (tasks->partSize == 0) throw Napi::RangeError::New(env, "partSize must be positive");
  tasks->settings = ReadCompressSettings(info[2]);
  if (!info[3].IsBuffer()) throw Napi::TypeError::New(env, "into must be a Buffer");
  Napi::Buffer<uint8_t> into = info[3].As<Napi::Buffer<uint8_t>>();
  size_t at = ReadOffset(info[4], "at", into.Length());
  if (!info[5].IsNumber()) throw Napi::TypeError::New(env, "lanes must be a number");
  double lanes = info[5].As<Napi::Number>().DoubleValue();
  if (!(lanes >= 1 && lanes <= 1024) || lanes != static_cast<double>(static_cast<int>(lanes))) {
    throw Napi::RangeError::New(env, "lanes must be an integer from 1 to 1024");
  }
  tasks->partCount = (tasks->input.size + tasks->partSize - 1) / tasks->partSize;
  tasks->stride = PartBound(tasks->settings, tasks->partSize);
  // Room for a full stride per part (the last one included), checked before any pointer into
  // `into` is taken.
  if (tasks->partCount > 0 && (into.Length() - at) / tasks->stride < tasks->partCount) {
    throw Napi::RangeError::New(env, "into has no room for the parts' bounds");
  }
  tasks->first = into.Data() + at;
  tasks->checksum = tasks->settings.prefs.frameInfo.contentChecksumFlag == LZ4F_contentChecksumEnabled;
  size_t jobs = std::min(static_cast<size_t>(lanes), tasks->count());
  Napi::Array promises = Napi::Array::New(env, jobs);
  for (size_t k = 0; k < jobs; k++) {
    CompressLaneWork work;
    work.tasks = tasks;
    work.done.reserve(2 * tasks->partCount);
    promises.Set(static_cast<uint32_t>(k), AsyncJob<CompressLaneWork>::Start(env, std::move(work), {info[0], info[3]}));
  }
  return promises;
}

Napi::Value CopyPiecesSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer() || !info[1].IsBuffer()) throw Napi::TypeError::New(env, "dst and src must be Buffers");
  if (!info[2].IsArray()) throw Napi::TypeError::New(env, "pieces must be an array");
  Napi::Buffer<uint8_t> dst = info[0].As<Napi::Buffer<uint8_t>>();
  Napi::Buffer<uint8_t> src = info[1].As<Napi::Buffer<uint8_t>>();
  Napi::Array list = info[2].As<Napi::Array>();
  if (list.Length() % 3 != 0) throw Napi::RangeError::New(env, "pieces must be [dstOffset, srcOffset, length] triples");
  // Every range is checked, and the destinations ascending without overlap, before any copy.
  std::vector<CopyPiece> pieces;
  pieces.reserve(list.Length() / 3);
  size_t dstEnd = 0;
  for (uint32_t k = 0; k < list.Length(); k += 3) {
    size_t to = ReadOffset(list.Get(k), "dstOffset", dst.Length());
    size_t from = ReadOffset(list.Get(k + 1), "srcOffset", src.Length());
    size_t length = ReadOffset(list.Get(k + 2), "length", SIZE_MAX / 2);
    if (to < dstEnd || length > dst.Length() - to || length > src.Length() - from) {
      throw Napi::RangeError::New(env, "pieces must lie inside both buffers, in ascending order in dst");
    }
    dstEnd = to + length;
    pieces.push_back(CopyPiece{dst.Data() + to, src.Data() + from, length});
  }
  CopyToFreshMemory(pieces.data(), pieces.size());
  return env.Undefined();
}

}  // namespace lz4framed
