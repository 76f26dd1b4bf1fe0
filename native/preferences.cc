#include "preferences.h"

#include <cmath>
#include <string>

#include "bytes.h"

namespace lz4framed {
namespace {

// An integer in [lo, hi], or `fallback` when undefined.
double Integer(const Napi::Value& v, const char* name, double fallback, double lo, double hi) {
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string("options.") + name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || std::floor(d) != d) {
    throw Napi::RangeError::New(v.Env(), std::string("options.") + name + " is out of range");
  }
  return d;
}

// The field readers give the fallback for an empty `o`: no options at all, every default.
double NumberField(const Napi::Object& o, const char* name, double fallback, double lo, double hi) {
  if (o.IsEmpty()) return fallback;
  return Integer(o.Get(name), name, fallback, lo, hi);
}

bool BoolField(const Napi::Object& o, const char* name, bool fallback) {
  if (o.IsEmpty()) return fallback;
  Napi::Value v = o.Get(name);
  if (v.IsUndefined()) return fallback;
  return v.ToBoolean().Value();
}

void ReadDictionary(const Napi::Object& o, std::vector<uint8_t>* out, bool* has) {
  if (o.IsEmpty()) return;
  Napi::Value v = o.Get("dictionary");
  if (v.IsUndefined() || v.IsNull()) return;
  ByteView view = ReadBytes(v, "options.dictionary");
  if (view.size == 0) return;  // no dictionary: liblz4 must not get an empty vector's null pointer
  size_t keep = view.size < kMaxDictionary ? view.size : kMaxDictionary;
  out->assign(view.data + (view.size - keep), view.data + view.size);
  *has = true;
}

// Undefined options: an empty Napi::Object, which the field readers answer with every default
// without a property lookup (ten absent fields cost a quarter of a 1 KiB compressSync, callgrind).
Napi::Object AsOptions(const Napi::Value& options) {
  if (options.IsUndefined()) return Napi::Object();
  if (!options.IsObject()) throw Napi::TypeError::New(options.Env(), "options must be an object");
  return options.As<Napi::Object>();
}

}  // namespace

CompressSettings ReadCompressSettings(const Napi::Value& value) {
  // A number in place of the options: every default, with that content size (what the one-shot
  // functions pass when they were given no options).
  bool defaults = value.IsNumber();
  Napi::Object o = defaults ? Napi::Object() : AsOptions(value);
  CompressSettings s;
  LZ4F_preferences_t& p = s.prefs;
  p.compressionLevel = static_cast<int>(NumberField(o, "level", 0, -65537, LZ4F_compressionLevel_max()));
  p.frameInfo.blockSizeID = static_cast<LZ4F_blockSizeID_t>(NumberField(o, "blockSizeId", LZ4F_max64KB, 4, 7));
  p.frameInfo.blockMode = BoolField(o, "blockLinked", true) ? LZ4F_blockLinked : LZ4F_blockIndependent;
  p.frameInfo.contentChecksumFlag =
      BoolField(o, "contentChecksum", true) ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  p.frameInfo.blockChecksumFlag =
      BoolField(o, "blockChecksum", false) ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
  p.frameInfo.contentSize =
      static_cast<unsigned long long>(defaults ? Integer(value, "contentSize", 0, 0, 9007199254740991.0)
                                               : NumberField(o, "contentSize", 0, 0, 9007199254740991.0));
  p.frameInfo.dictID = static_cast<unsigned>(NumberField(o, "dictId", 0, 0, 4294967295.0));
  p.favorDecSpeed = BoolField(o, "favorDecSpeed", false) ? 1 : 0;
  p.autoFlush = BoolField(o, "autoFlush", false) ? 1 : 0;
  ReadDictionary(o, &s.dictionary, &s.hasDictionary);
  return s;
}

DecompressSettings ReadDecompressSettings(const Napi::Value& value) {
  Napi::Object o = AsOptions(value);
  DecompressSettings s;
  s.skipChecksums = BoolField(o, "skipChecksums", false);
  s.maxOutputLength = static_cast<size_t>(NumberField(o, "maxOutputLength", 9007199254740991.0, 0, 9007199254740991.0));
  ReadDictionary(o, &s.dictionary, &s.hasDictionary);
  return s;
}

}  // namespace lz4framed
