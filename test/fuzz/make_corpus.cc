// Writes the seed corpora of the fuzz targets into <dir>/decode, <dir>/restore and
// <dir>/roundtrip: frames of every mode (block sizes, linked or not, checksums, content size,
// dictionary, levels from fast to HC, concatenated and skippable frames, truncated and damaged
// ones) and checkpoints taken at many offsets inside them, history embedded or omitted.
//   make_corpus <dir>
#include <sys/stat.h>

#include <string>

#include "frame_encoder.h"
#include "fuzz_support.h"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes Content(size_t size, uint32_t seed) {
  Bytes out(size);
  uint32_t x = seed | 1;
  const char* words[] = {"lz4 ", "frame ", "block ", "checkpoint ", "window ", "\n"};
  for (size_t i = 0; i < size;) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    if (x % 5 == 0) {  // an incompressible stretch
      for (size_t n = 0; n < 200 && i < size; n++, i++) out[i] = static_cast<uint8_t>(x >> (n % 24));
    } else {
      for (const char* w = words[x % 6]; *w && i < size; w++, i++) out[i] = static_cast<uint8_t>(*w);
    }
  }
  return out;
}

struct Options {
  int level;
  int blockSizeId;  // 4..7
  bool linked, contentChecksum, blockChecksum, contentSize;
  bool dictionary;
};

lz4framed::CompressSettings Settings(const Options& o, const Bytes& dictionary, size_t contentSize) {
  lz4framed::CompressSettings s;
  s.prefs.compressionLevel = o.level;
  s.prefs.frameInfo.blockSizeID = static_cast<LZ4F_blockSizeID_t>(o.blockSizeId);
  s.prefs.frameInfo.blockMode = o.linked ? LZ4F_blockLinked : LZ4F_blockIndependent;
  s.prefs.frameInfo.contentChecksumFlag = o.contentChecksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  s.prefs.frameInfo.blockChecksumFlag = o.blockChecksum ? LZ4F_blockChecksumEnabled : LZ4F_noBlockChecksum;
  s.prefs.frameInfo.contentSize = o.contentSize ? contentSize : 0;
  if (o.dictionary) {
    s.dictionary = dictionary;
    s.hasDictionary = true;
    s.prefs.frameInfo.dictID = 7;
  }
  return s;
}

// A streamed frame (several updates and a flush), as a Compressor makes them.
Bytes Frame(const Options& o, const Bytes& dictionary, const Bytes& plain) {
  lz4framed::FrameEncoder encoder(Settings(o, dictionary, plain.size()));
  lz4framed::Failure failure;
  if (!encoder.Init(&failure)) fuzz::Fail("encoder init", failure.message);
  lz4framed::ScratchBuffer scratch;
  Bytes frame;
  size_t third = plain.size() / 3;
  const size_t cuts[] = {third, third, plain.size() - 2 * third};
  const lz4framed::FrameEncoder::Mode modes[] = {lz4framed::FrameEncoder::Mode::Update,
                                                 lz4framed::FrameEncoder::Mode::Flush,
                                                 lz4framed::FrameEncoder::Mode::End};
  size_t pos = 0;
  for (int i = 0; i < 3; i++) {
    size_t written = 0;
    if (!encoder.Run(fuzz::View(plain, pos, cuts[i]), modes[i], &scratch, &written, &failure)) {
      fuzz::Fail("compress", failure.message);
    }
    frame.insert(frame.end(), scratch.data(), scratch.data() + written);
    pos += cuts[i];
  }
  return frame;
}

Bytes Skippable(const Bytes& payload, uint8_t nibble) {
  fuzz::Writer w;
  w.U32(0x184D2A50u + nibble);
  w.Field(payload);
  return w.out;
}

class CorpusDir {
 public:
  explicit CorpusDir(std::string path) : path_(std::move(path)) { mkdir(path_.c_str(), 0755); }
  void Add(const Bytes& bytes) {
    std::string name = path_ + "/seed-" + std::to_string(count_++);
    FILE* f = std::fopen(name.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
      fuzz::Fail("cannot write", name);
    }
  }
  int count() const { return count_; }

 private:
  std::string path_;
  int count_ = 0;
};

struct Stream {
  Bytes bytes;
  bool dictionary;
};

// Decodes stream[0:cut] and writes a restore seed for each kind of checkpoint taken there.
void AddCheckpoints(CorpusDir* restore, const Stream& s, const Bytes& dictionary, size_t cut, uint32_t seed) {
  const Bytes& dict = s.dictionary ? dictionary : Bytes();
  lz4framed::DecompressSettings settings = fuzz::DecoderSettings(dict, false, 16 << 20);
  lz4framed::FrameDecoder decoder(settings);
  lz4framed::Failure failure;
  if (!decoder.Init(&failure)) fuzz::Fail("decoder init", failure.message);
  Bytes out(settings.maxOutputLength + 1);
  lz4framed::OutputSink sink(settings.maxOutputLength);
  sink.Preallocate(out.data(), out.size());
  if (!decoder.Feed(fuzz::View(s.bytes, 0, cut), &sink, &failure)) return;
  for (bool omit : {false, true}) {
    Bytes blob;
    if (!decoder.Checkpoint(omit, &blob, &failure)) fuzz::Fail("checkpoint", failure.message);
    fuzz::Writer w;
    w.Field(blob);
    if (omit) {  // the window is at most the last 64 KiB of output
      size_t from = sink.size() > 65536 ? sink.size() - 65536 : 0;
      w.Field(Bytes(out.begin() + static_cast<std::ptrdiff_t>(from), out.begin() + static_cast<std::ptrdiff_t>(sink.size())));
    } else {
      w.U32(0xFFFFFFFFu);
    }
    w.Byte(0);
    w.Field(dict);
    w.U32(seed);
    w.Rest(Bytes(s.bytes.begin() + static_cast<std::ptrdiff_t>(cut), s.bytes.end()));
    restore->Add(w.out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus <dir>\n");
    return 2;
  }
  std::string root = argv[1];
  mkdir(root.c_str(), 0755);
  CorpusDir decode(root + "/decode");
  CorpusDir restore(root + "/restore");
  CorpusDir roundtrip(root + "/roundtrip");
  const Bytes dictionary = Content(70000, 99);
  const Bytes small = Content(3000, 5);

  std::vector<Stream> streams;
  const int levels[] = {-5, 0, 3, 9};
  const size_t sizes[] = {0, 1, 150, 5000, 70000, 140000};
  int variant = 0;
  for (int blockSizeId : {4, 5}) {
    for (bool linked : {true, false}) {
      for (bool checksums : {true, false}) {
        for (bool dict : {false, true}) {
          Options o{levels[variant % 4], blockSizeId, linked, checksums, !checksums, variant % 3 == 0, dict};
          size_t size = sizes[variant % 6];
          Bytes plain = Content(size, 10 + variant);
          streams.push_back({Frame(o, dictionary, plain), dict});
          // The same options as a roundtrip seed: level, block size, flags, seed, dictionary, content.
          fuzz::Writer w;
          w.Byte(static_cast<uint8_t>(o.level + 16));
          w.Byte(static_cast<uint8_t>(blockSizeId - 4));
          w.Byte(static_cast<uint8_t>((linked ? 1 : 0) | (checksums ? 2 : 4) | (o.contentSize ? 8 : 0) | (dict ? 64 : 0)));
          w.U32(0x1234567u * (variant + 1));
          w.Field(dict ? dictionary : Bytes());
          w.Rest(plain);
          roundtrip.Add(w.out);
          variant++;
        }
      }
    }
  }
  // Concatenated frames with skippable frames around them.
  {
    Bytes joined = Skippable(Content(40, 1), 0);
    for (int i = 0; i < 3; i++) joined.insert(joined.end(), streams[i].bytes.begin(), streams[i].bytes.end());
    Bytes tail = Skippable(Bytes(), 15);
    joined.insert(joined.end(), tail.begin(), tail.end());
    streams.push_back({joined, false});
  }

  uint32_t seed = 1;
  for (const Stream& s : streams) {
    const Bytes& dict = s.dictionary ? dictionary : Bytes();
    for (int kind = 0; kind < 3; kind++) {
      Bytes bytes = s.bytes;
      if (kind == 1 && !bytes.empty()) bytes.resize(bytes.size() * 2 / 3);  // truncated
      if (kind == 2 && bytes.size() > 20) bytes[bytes.size() / 2] ^= 0x5a;  // damaged
      fuzz::Writer w;
      w.Byte(kind == 2 ? 1 : 0);
      w.U32(seed++ * 2654435761u);
      w.U32(seed % 5);
      w.Field(dict);
      w.Rest(bytes);
      decode.Add(w.out);
    }
    // Checkpoints inside the header, inside block headers and blocks, at the end mark, after it.
    const size_t cuts[] = {2, 5, 9, 12, 19, 25, 300, s.bytes.size() / 2, s.bytes.size() - 6, s.bytes.size() - 2,
                           s.bytes.size()};
    for (size_t cut : cuts) {
      if (cut <= s.bytes.size()) AddCheckpoints(&restore, s, dictionary, cut, seed++);
    }
  }
  decode.Add(small);  // plain text, not a frame at all
  std::printf("decode %d, restore %d, roundtrip %d seeds\n", decode.count(), restore.count(), roundtrip.count());
  return 0;
}
