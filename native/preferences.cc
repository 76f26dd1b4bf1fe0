#include "preferences.h"

#include <cmath>
#include <string>

#include "bytes.h"

namespace lz4framed {
namespace {

// No value at all (no options were given) or undefined.
bool Absent(const Napi::Value& v) { return v.IsEmpty() || v.IsUndefined(); }

// An integer in [lo, hi], or `fallback` when absent.
double Integer(const Napi::Value& v, const char* name, double fallback, double lo, double hi) {
  if (Absent(v)) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string("options.") + name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || std::floor(d) != d) {
    throw Napi::RangeError::New(v.Env(), std::string("options.") + name + " is out of range");
  }
  return d;
}

// The options as given: an object read by field name, an array read by position (what lib/
// passes on hot paths: an element costs far less than a named lookup, which makes a V8 string
// from the name each time), or nothing, every field then absent.
class Fields {
 public:
  explicit Fields(const Napi::Value& options) {
    if (Absent(options)) return;
    if (!options.IsObject()) throw Napi::TypeError::New(options.Env(), "options must be an object");
    byPosition_ = options.IsArray();
    object_ = options.As<Napi::Object>();
  }

  // The field, or an empty value when there are no options.
  Napi::Value Get(uint32_t position, const char* name) const {
    if (object_.IsEmpty()) return Napi::Value();
    return byPosition_ ? object_.Get(position) : object_.Get(name);
  }

  double Number(uint32_t position, const char* name, double fallback, double lo, double hi) const {
    return Integer(Get(position, name), name, fallback, lo, hi);
  }

  bool Bool(uint32_t position, const char* name, bool fallback) const {
    Napi::Value v = Get(position, name);
    return Absent(v) ? fallback : v.ToBoolean().Value();
  }

  void Dictionary(uint32_t position, std::vector<uint8_t>* out, bool* has) const {
    Napi::Value v = Get(position, "dictionary");
    if (Absent(v) || v.IsNull()) return;
    ByteView view = ReadBytes(v, "options.dictionary");
    if (view.size == 0) return;  // no dictionary: liblz4 must not get an empty vector's null pointer
    size_t keep = view.size < kMaxDictionary ? view.size : kMaxDictionary;
    out->assign(view.data + (view.size - keep), view.data + view.size);
    *has = true;
  }

 private:
  Napi::Object object_;
  bool byPosition_ = false;
};

}  // namespace

CompressSettings ReadCompressSettings(const Napi::Value& value) {
  // A number in place of the options: every default, with that content size (what the one-shot
  // functions pass when they were given no options).
  bool defaults = value.IsNumber();
  Fields o(defaults ? Napi::Value() : value);
  CompressSettings s;
  LZ4F_preferences_t& p = s.prefs;
  // Positions: the order of lib/options.ts compressFields().
  p.compressionLevel = static_cast<int>(o.Number(0, "level", 0, -65537, LZ4F_compressionLevel_max()));
  p.frameInfo.blockSizeID = static_cast<LZ4F_blockSizeID_t>(o.Number(1, "blockSizeId", LZ4F_max64KB, 4, 7));
  p.frameInfo.blockMode = o.Bool(2, "blockLinked", true) ? LZ4F_blockLinked : LZ4F_blockIndependent;
  p.frameInfo.contentChecksumFlag =
      o.Bool(3, "contentChecksum", true) ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  p.frameInfo.blockChecksumFlag = o.Bool(4, "blockChecksum", false) ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
  p.frameInfo.contentSize =
      static_cast<unsigned long long>(defaults ? Integer(value, "contentSize", 0, 0, 9007199254740991.0)
                                               : o.Number(5, "contentSize", 0, 0, 9007199254740991.0));
  p.favorDecSpeed = o.Bool(6, "favorDecSpeed", false) ? 1 : 0;
  p.autoFlush = o.Bool(7, "autoFlush", false) ? 1 : 0;
  o.Dictionary(8, &s.dictionary, &s.hasDictionary);
  p.frameInfo.dictID = static_cast<unsigned>(o.Number(9, "dictId", 0, 0, 4294967295.0));
  return s;
}

DecompressSettings ReadDecompressSettings(const Napi::Value& value) {
  Fields o(value);
  DecompressSettings s;
  s.skipChecksums = o.Bool(0, "skipChecksums", false);
  s.maxOutputLength = static_cast<size_t>(o.Number(1, "maxOutputLength", 9007199254740991.0, 0, 9007199254740991.0));
  o.Dictionary(2, &s.dictionary, &s.hasDictionary);
  return s;
}

}  // namespace lz4framed
