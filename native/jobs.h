// The work items of every operation, sync or async. A sync call runs `Run()` then `Finish()`
// on the main thread; an async call hands the same item to AsyncJob, so both paths share one
// implementation and give the same results.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "bytes.h"
#include "errors.h"
#include "frame_decoder.h"
#include "frame_encoder.h"
#include "output_buffer.h"
#include "output_sink.h"

namespace lz4framed {

// Streaming compression step on a context's encoder and scratch buffer.
struct EncodeStep {
  FrameEncoder* encoder = nullptr;
  ScratchBuffer* scratch = nullptr;
  ByteView input;
  FrameEncoder::Mode mode = FrameEncoder::Mode::Update;
  size_t written = 0;
  Failure failure;

  void Run() { encoder->Run(input, mode, scratch, &written, &failure); }
  Napi::Value Finish(Napi::Env env);
};

// One-shot compression into a Buffer of the frame bound allocated on the main thread, or for a
// small sync call into scratch memory (`output` empty) copied out at the exact size.
struct CompressFrame {
  CompressSettings settings;
  ByteView input;
  Napi::Reference<Napi::Buffer<uint8_t>> output;
  uint8_t* dst = nullptr;
  size_t capacity = 0;
  size_t written = 0;
  LZ4F_cctx* context = nullptr;  // borrowed from ContextCache by sync calls
  Failure failure;

  void Run();
  Napi::Value Finish(Napi::Env env);
};

// Decoding of one chunk (a context's update) or of a whole input (one-shot, `finish` set:
// the decoder is owned and the end of input is checked). A NoData error carries the output
// decoded before the input ran out.
struct DecodeStep {
  FrameDecoder* decoder = nullptr;
  std::unique_ptr<FrameDecoder> ownedDecoder;
  ByteView input;
  bool finish = false;
  std::unique_ptr<OutputSink> sink;
  Napi::Reference<Napi::Buffer<uint8_t>> preallocated;
  // The preallocated region, faulted in on a second thread while Run() decodes into it: all of it
  // when the output will fill it exactly, else only a little ahead of the decoder (a bound from
  // block headers can be far above the output, and its untouched tail must stay unpopulated).
  uint8_t* prefaultData = nullptr;
  size_t prefaultSize = 0;
  bool prefaultExact = false;
  // With a budget, the input is decoded in pieces of kDecodePiece bytes until the output
  // reaches the budget; the caller reads how far it got from the decoder's inputOffset. Each
  // piece is limited by maxOutputLength as a call of its own.
  size_t outputBudget = SIZE_MAX;
  // Where a failure in a later piece waits for the next call, so the output of the pieces before
  // it is returned first (as separate calls would have); budgeted steps only.
  Failure* deferred = nullptr;
  // Set on the main thread when the output had to be copied out of `preallocated` (its bound
  // overstated the output): how many of the owner's next calls should not preallocate.
  unsigned* scratchCalls = nullptr;
  size_t piecesDone = 0;
  // Set for a step after the first of a DecodeSteps job: the steps before it return their output
  // first, so its failure waits in `deferred` as one after earlier pieces does.
  bool afterEarlierSteps = false;
  Failure failure;

  static constexpr size_t kDecodePiece = 64 * 1024;
  // Without an exact output size, a whole input is decoded in steps of about this much output
  // (as the bound spreads over the input), so the helper faulting in the output can follow.
  static constexpr size_t kFollowedStep = 4 * 1024 * 1024;
  // The helper stays at least this far ahead of such a decoder. With only two steps and a huge
  // page (about 10 MiB), on two cores where the checksum helper runs too, decompress() of 100 MiB
  // mixed without a stored size took 53-62 ms against 46-50 ms with the size (medians of 10,
  // alternating in one process), and 46-54 ms with this floor. A bound far above the output
  // (frames of short, flushed blocks) has at most this much of its tail faulted in for nothing.
  static constexpr size_t kFollowedLeadFloor = 32 * 1024 * 1024;
  static constexpr unsigned kScratchCalls = 15;
  // One-shot outputs from this size have their content checksums hashed on a helper thread
  // (ChecksumAside), which hears of the output every kChecksumAsideStep of input; only when the
  // output is between these multiples of the input. Typical data decodes slower than the helper
  // hashes: decompressSync of 100 MiB mixed (3:1) went from ×0.95-1.03 to ×1.09-1.18 of C at
  // level 0 (node bench/ab.js BASE --ops decompress). Stored blocks (about 1:1) are a memcpy, and
  // very compressible data decodes faster than a helper hashes output from memory, where liblz4
  // hashes each block in cache right after decoding it: with the helper, 32 MiB incompressible
  // took 10-13 ms against 10-11 and 64 MiB at 145:1 20-25 ms against 16-17.
  static constexpr size_t kChecksumAsideBytes = 4 * 1024 * 1024;
  static constexpr size_t kChecksumAsideStep = 256 * 1024;
  static constexpr size_t kChecksumAsideMinRatio = 2;
  static constexpr size_t kChecksumAsideMaxRatio = 16;

  void Run();
  Napi::Value Finish(Napi::Env env);

 private:
  void Decode();
};

// Consecutive budgeted outputs of one chunk decoded by one job: each a DecodeStep over its own
// range of the chunk into its own preallocated Buffer (a lone step may go through the context's
// scratch buffer, as update() does); the job settles with all of them, in order.
// Stops at the first failure, which belongs to that step: when outputs came before it, it waits in
// `deferred` for the owner's next call (DecodeStep::afterEarlierSteps), so that they are returned
// first. All outputs go over when the job ends: handed over while the next one
// decoded, each woke the main thread, which `perf sched` showed running on the decoder's core and
// preempting it while the other core idled, at more cost than handing them all over at the end
// (decompression Transform of 100 MiB in 64 KiB writes, the two alternating in one process, 20
// runs each: medians 59.7-64.4 ms at the end against 60.7-65.7 while decoding in six processes;
// faster in each of nine such processes).
struct DecodeSteps {
  std::vector<DecodeStep> steps;
  size_t last = 0;

  void Run();
  // An array of the outputs.
  Napi::Value Finish(Napi::Env env);
};

}  // namespace lz4framed
