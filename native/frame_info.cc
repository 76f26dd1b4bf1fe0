#include "frame_info.h"

#include "errors.h"

namespace lz4framed {

size_t BlockSizeBytes(LZ4F_blockSizeID_t id) {
  switch (id) {
    case LZ4F_max256KB:
      return 256 * 1024;
    case LZ4F_max1MB:
      return 1024 * 1024;
    case LZ4F_max4MB:
      return 4 * 1024 * 1024;
    default:
      return 64 * 1024;
  }
}

Napi::Object FrameInfoToJs(Napi::Env env, const LZ4F_frameInfo_t& info, size_t headerSize, uint64_t skippableSize) {
  Napi::Object o = Napi::Object::New(env);
  bool skippable = info.frameType == LZ4F_skippableFrame;
  o.Set("skippable", Napi::Boolean::New(env, skippable));
  o.Set("blockSize", Napi::Number::New(env, skippable ? 0 : static_cast<double>(BlockSizeBytes(info.blockSizeID))));
  o.Set("blockLinked", Napi::Boolean::New(env, !skippable && info.blockMode == LZ4F_blockLinked));
  o.Set("contentChecksum", Napi::Boolean::New(env, info.contentChecksumFlag == LZ4F_contentChecksumEnabled));
  o.Set("blockChecksum", Napi::Boolean::New(env, info.blockChecksumFlag == LZ4F_blockChecksumEnabled));
  uint64_t content = skippable ? skippableSize : info.contentSize;
  o.Set("contentSize", content || skippable ? Napi::Number::New(env, static_cast<double>(content)) : env.Undefined());
  o.Set("dictId", info.dictID ? Napi::Number::New(env, info.dictID) : env.Undefined());
  o.Set("headerSize", Napi::Number::New(env, static_cast<double>(headerSize)));
  return o;
}

Napi::Value GetFrameInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView input = ReadBytes(info[0], "input");
  LZ4F_dctx* dctx = nullptr;
  size_t r = LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION);
  Failure failure;
  if (LZ4F_isError(r)) {
    SetLz4fFailure(&failure, r, "creating a decompression context");
    ThrowFailure(env, failure);
  }
  LZ4F_frameInfo_t frame{};
  size_t consumed = input.size;
  size_t headerSize = LZ4F_headerSize(input.data, input.size);
  r = LZ4F_isError(headerSize) ? headerSize : LZ4F_getFrameInfo(dctx, &frame, input.data, &consumed);
  LZ4F_freeDecompressionContext(dctx);
  if (LZ4F_isError(r)) {
    SetLz4fFailure(&failure, r, "reading the frame header");
    if (input.size < LZ4F_HEADER_SIZE_MIN || LZ4F_getErrorCode(r) == LZ4F_ERROR_frameHeader_incomplete) {
      failure.kind = Failure::Kind::NoData;
      failure.code = kNoData;
      failure.message = "input ended inside the frame header";
    }
    ThrowFailure(env, failure);
  }
  uint64_t skippableSize = 0;
  if (frame.frameType == LZ4F_skippableFrame) {
    if (input.size < 8) {
      failure.Set(Failure::Kind::NoData, kNoData, "input ended inside the skippable frame header");
      ThrowFailure(env, failure);
    }
    skippableSize = ReadLE32(input.data + 4);
  }
  return FrameInfoToJs(env, frame, headerSize, skippableSize);
}

}  // namespace lz4framed
