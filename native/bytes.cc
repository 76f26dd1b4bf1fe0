#include "bytes.h"

namespace lz4framed {

ByteView ReadBytes(const Napi::Value& value, const char* what) {
  ByteView view;
  // The views' own data pointers: going through ArrayBuffer() fails for a SharedArrayBuffer.
  if (value.IsTypedArray()) {
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    void* data = nullptr;
    NAPI_THROW_IF_FAILED(value.Env(),
                         napi_get_typedarray_info(value.Env(), value, nullptr, nullptr, &data, nullptr, nullptr), view);
    view.data = static_cast<const uint8_t*>(data);
    view.size = array.ByteLength();
  } else if (value.IsDataView()) {
    void* data = nullptr;
    size_t size = 0;
    NAPI_THROW_IF_FAILED(value.Env(), napi_get_dataview_info(value.Env(), value, &size, &data, nullptr, nullptr), view);
    view.data = static_cast<const uint8_t*>(data);
    view.size = size;
  } else if (value.IsArrayBuffer()) {
    Napi::ArrayBuffer buffer = value.As<Napi::ArrayBuffer>();
    view.data = static_cast<const uint8_t*>(buffer.Data());
    view.size = buffer.ByteLength();
  } else {
    throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an ArrayBufferView or ArrayBuffer");
  }
  // A detached buffer reports no data; give liblz4 a valid empty range instead of null.
  static const uint8_t kEmpty = 0;
  if (view.data == nullptr) {
    view.data = &kEmpty;
    view.size = 0;
  }
  return view;
}

bool ScratchBuffer::Reserve(size_t capacity) {
  if (capacity <= capacity_) return true;
  size_t grown = capacity_ + capacity_ / 2;
  if (grown < capacity) grown = capacity;
  void* moved = std::realloc(data_, grown);
  if (moved == nullptr) return false;
  data_ = static_cast<uint8_t*>(moved);
  capacity_ = grown;
  return true;
}

void ScratchBuffer::Release() {
  std::free(data_);
  data_ = nullptr;
  capacity_ = 0;
}

}  // namespace lz4framed
