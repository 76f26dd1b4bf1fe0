{
  # The one build description of the addon (node-gyp, prebuildify, node-gyp-build).
  # liblz4 comes from deps/lz4/lib, fetched and verified by deps/lz4/fetch.js; lz4frame.c is
  # compiled through native/dctx_state.c, the one file that knows the decoder's internals.
  "targets": [
    {
      "target_name": "lz4",
      "type": "static_library",
      "sources": [
        "deps/lz4/lib/lz4.c",
        "deps/lz4/lib/lz4hc.c",
        "deps/lz4/lib/xxhash.c",
        "native/dctx_state.c"
      ],
      "include_dirs": ["deps/lz4/lib"],
      # -fno-tree-slp-vectorize: gcc -O3 vectorizes xxhash's XXH32 loop with SSE2 emulations of
      # 32-bit multiplies that are slower than scalar code; the content checksum was ~35% of
      # decompression time (bench/). Prebuilds cannot assume SSE4.1, so -march is not the fix.
      "cflags": ["-O3", "-fvisibility=hidden", "-fPIC", "-fno-tree-slp-vectorize"],
      "cflags!": ["-O2"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "OTHER_CFLAGS": ["-fno-slp-vectorize"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } },
      "direct_dependent_settings": { "include_dirs": ["deps/lz4/lib"] }
    },
    {
      "target_name": "lz4framed",
      "dependencies": ["lz4"],
      "sources": [
        "native/addon.cc",
        "native/addon_data.cc",
        "native/bytes.cc",
        "native/checkpoint_info.cc",
        "native/context_cache.cc",
        "native/errors.cc",
        "native/frame_encoder.cc",
        "native/frame_info.cc",
        "native/frame_walk.cc",
        "native/jobs.cc",
        "native/frame_decoder.cc",
        "native/output_buffer.cc",
        "native/output_sink.cc",
        "native/prefault.cc",
        "native/preferences.cc",
        "native/compressor.cc",
        "native/checksum_aside.cc",
        "native/content_checksum.cc",
        "native/decompressor.cc",
        "native/one_shot.cc",
        "native/parallel_compress.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "LZ4F_STATIC_LINKING_ONLY",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"
      ],
      "cflags": ["-O3", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-O3", "-fvisibility=hidden", "-std=c++17"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "Optimization": 2 } }
    }
  ]
}
