// Interop with python-lz4 (Debian python3-lz4, run with /usr/bin/python3), both ways: its
// compress/LZ4FrameCompressor options, its frame-info reader on our headers, concatenated and
// skippable frames, and dictionaries through its block API (its frame API has none).
import * as fs from 'fs';
import {
  Compressor,
  CompressOptions,
  compressSync,
  constants,
  Decompressor,
  decompress,
  decompressSync,
  getFrameInfo,
} from '../lib';
import { compressibleBytes, mixedBytes, randomBytes, slices } from './helpers/data';
import { skippableFrame } from './helpers/frames';
import { useTmpDir } from './helpers/tmp';
import { python, pythonJson } from './helpers/tools';

const tmp = useTmpDir('python');
const KiB = 1024;
const text = compressibleBytes(300 * KiB, 91);
const noise = randomBytes(70 * KiB, 92);

// Decodes every frame of each file named on the command line (skippable frames give b''), the
// way python-lz4 does it, and writes the result next to it as <file>.out.
const DECODE_ALL = `
import sys, lz4.frame
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    out = []
    while data:
        chunk, used = lz4.frame.decompress(data, return_bytes_read=True)
        out.append(chunk)
        data = data[used:]
    open(path + '.out', 'wb').write(b''.join(out))
`;

// Encodes files as a JSON list of [input, output, kwargs] says, with lz4.frame.compress, or with
// LZ4FrameCompressor in 10000-byte chunks when kwargs has "stream" (its value: begin(source_size)).
const ENCODE = `
import sys, json, lz4.frame
for src, dst, kwargs in json.load(open(sys.argv[1])):
    data = open(src, 'rb').read()
    stream = kwargs.pop('stream', None)
    if stream is None:
        out = lz4.frame.compress(data, **kwargs)
    else:
        c = lz4.frame.LZ4FrameCompressor(**kwargs)
        parts = [c.begin(source_size=stream)]
        parts += [c.compress(data[i:i + 10000]) for i in range(0, len(data), 10000)]
        parts.append(c.flush())
        out = b''.join(parts)
    open(dst, 'wb').write(out)
`;

type PythonKwargs = Record<string, number | boolean>;

/** python-lz4's decoding of each frame; all in one python process. */
function pythonDecode(frames: readonly Uint8Array[]): Buffer[] {
  const files = frames.map((frame, i) => tmp().write(`ours-${i}.lz4`, frame));
  python(DECODE_ALL, files);
  return files.map((file) => fs.readFileSync(`${file}.out`));
}

/** python-lz4's encodings of `inputs[i]` with `kwargs[i]`; all in one python process. */
function pythonEncode(jobs: ReadonlyArray<[Buffer, PythonKwargs]>): Buffer[] {
  const spec = jobs.map(([input, kwargs], i) => [tmp().write(`in-${i}`, input), tmp().path(`theirs-${i}.lz4`), kwargs]);
  python(ENCODE, [tmp().write('spec.json', Buffer.from(JSON.stringify(spec)))]);
  return jobs.map((_job, i) => tmp().read(`theirs-${i}.lz4`));
}

test('python-lz4 is importable with the system interpreter', () => {
  const version = python('import lz4; print(lz4.__version__, lz4.library_version_string())').toString().trim();
  expect(version).toMatch(/^\d+\.\d+\.\d+\S* \d+\.\d+\.\d+$/);
});

describe('our frames decode with python-lz4', () => {
  const cases: Array<[string, Buffer, CompressOptions]> = [
    ...constants.BLOCK_SIZES.map((blockSize): [string, Buffer, CompressOptions] => [
      `blockSize ${blockSize}`,
      text,
      { blockSize },
    ]),
    ...[-20, -1, 0, 3, 9, 12].map((level): [string, Buffer, CompressOptions] => [`level ${level}`, text, { level }]),
    [
      'independent blocks, block checksums, no content checksum, no size',
      text,
      { blockLinked: false, blockChecksum: true, contentChecksum: false, contentSize: false },
    ],
    ['dictId without a dictionary', text, { dictId: 77 }],
    ['random data', noise, { blockChecksum: true }],
    ['empty', Buffer.alloc(0), {}],
    ['one byte', Buffer.from('p'), {}],
  ];

  test('every case, one-shot and streamed', () => {
    const frames: Buffer[] = [];
    for (const [, input, options] of cases) {
      frames.push(compressSync(input, options));
      const { contentSize, ...streaming } = options;
      const c = new Compressor({
        ...streaming,
        contentSize: contentSize === false || input.length === 0 ? undefined : input.length,
      });
      frames.push(Buffer.concat([...slices(input, 50000).map((part) => c.update(part)), c.flush(), c.end()]));
    }
    const decoded = pythonDecode(frames);
    decoded.forEach((out, i) =>
      expect([cases[i >> 1][0], out.equals(cases[i >> 1][1])]).toEqual([cases[i >> 1][0], true]),
    );
  });

  test('python-lz4 reads the header options we wrote', () => {
    const options: CompressOptions[] = [
      { blockSize: 65536, blockLinked: true, contentChecksum: true, blockChecksum: true },
      { blockSize: 262144, blockLinked: false, contentChecksum: false, blockChecksum: false, contentSize: false },
      { blockSize: 1048576, blockChecksum: true, contentChecksum: false },
    ];
    // Inputs larger than the block so liblz4 keeps what was asked.
    const big = compressibleBytes(1048576 + 1, 93);
    const files = options.map((o, i) => tmp().write(`info-${i}.lz4`, compressSync(big, { ...o, level: -1 })));
    const infos = pythonJson<Array<Record<string, unknown>>>(
      'import sys, json, lz4.frame\nprint(json.dumps([lz4.frame.get_frame_info(open(p, "rb").read()) for p in sys.argv[1:]]))',
      files,
    );
    infos.forEach((info, i) => {
      const ours = getFrameInfo(tmp().read(`info-${i}.lz4`));
      expect(info).toMatchObject({
        block_size: ours.blockSize,
        block_linked: ours.blockLinked,
        content_checksum: ours.contentChecksum,
        block_checksum: ours.blockChecksum,
        content_size: ours.contentSize ?? 0,
        skippable: false,
      });
      expect(ours.blockSize).toBe(options[i].blockSize);
    });
  });

  test('concatenated frames and skippable frames', () => {
    const a = compressSync(text, { blockChecksum: true });
    const b = compressSync(noise, { blockLinked: false });
    const stream = Buffer.concat([
      skippableFrame(Buffer.from('head'), 0),
      a,
      skippableFrame(Buffer.alloc(0), 15),
      b,
      a,
      skippableFrame(Buffer.from('tail'), 7),
    ]);
    const [out] = pythonDecode([stream]);
    expect(out.equals(Buffer.concat([text, noise, text]))).toBe(true);
  });
});

describe('python-lz4 frames decode here', () => {
  type Case = [string, Buffer, PythonKwargs, Partial<ReturnType<typeof getFrameInfo>>];
  const cases: Case[] = [
    ['defaults', text, {}, { blockSize: 65536, blockLinked: true, contentChecksum: false, contentSize: text.length }],
    [
      'block_size 64 KiB, independent',
      text,
      { block_size: 4, block_linked: false },
      { blockSize: 65536, blockLinked: false },
    ],
    [
      'block_size 256 KiB with both checksums',
      text,
      { block_size: 5, content_checksum: true, block_checksum: true },
      { blockSize: 262144, contentChecksum: true, blockChecksum: true },
    ],
    ['block_size 1 MiB (shrunk for a smaller input)', text, { block_size: 6 }, { blockSize: 1048576 }],
    ['block_size 4 MiB', text, { block_size: 7 }, {}],
    ['store_size false', text, { store_size: false }, { contentSize: undefined }],
    ['compression_level -5', text, { compression_level: -5 }, {}],
    ['compression_level 3', text, { compression_level: 3 }, {}],
    ['compression_level 9', text, { compression_level: 9, block_linked: true }, {}],
    ['compression_level 16 (clamped to 12 by liblz4)', text, { compression_level: 16 }, {}],
    [
      'random data with block checksums',
      noise,
      { block_checksum: true, content_checksum: true },
      { blockChecksum: true },
    ],
    ['empty', Buffer.alloc(0), {}, {}],
    [
      'streamed, auto_flush, size in the header',
      mixedBytes(100000, 94),
      { stream: 100000, auto_flush: true, block_checksum: true, content_checksum: true },
      { contentSize: 100000, blockChecksum: true },
    ],
    [
      'streamed, buffered, no size',
      text,
      { stream: 0, block_size: 4, block_linked: true },
      { contentSize: undefined, blockLinked: true },
    ],
  ];

  test('every case: one-shot, async and streamed decoders; the header options they wrote', async () => {
    const frames = pythonEncode(cases.map(([, input, kwargs]) => [input, kwargs]));
    for (let i = 0; i < cases.length; i++) {
      const [name, input, , header] = cases[i];
      const frame = frames[i];
      expect([name, getFrameInfo(frame)]).toEqual([name, expect.objectContaining({ skippable: false, ...header })]);
      expect([name, decompressSync(frame).equals(input)]).toEqual([name, true]);
      expect((await decompress(frame)).equals(input)).toBe(true);
      const d = new Decompressor();
      const out = Buffer.concat(slices(frame, 999).map((part) => d.update(part)));
      d.end();
      expect(out.equals(input)).toBe(true);
    }
    // All of them in one stream, with skippable frames between.
    const stream = Buffer.concat(frames.flatMap((frame, i) => [frame, skippableFrame(Buffer.from([i]), i % 16)]));
    expect(decompressSync(stream).equals(Buffer.concat(cases.map(([, input]) => input)))).toBe(true);
  });
});

describe('dictionaries', () => {
  const dictionary = compressibleBytes(80 * KiB, 95);
  const content = Buffer.concat([
    dictionary.subarray(40000, 70000),
    compressibleBytes(150000, 96),
    dictionary.subarray(70000, 80000),
  ]);

  test('python-lz4 frame functions take no dictionary here', () => {
    // Checked rather than assumed: a future python-lz4 with one would make this fail and ask for a frame-level test.
    const answer = python(`
import lz4.frame
try:
    lz4.frame.compress(b'x', dict=b'y')
    print('accepted')
except TypeError as e:
    print('TypeError', e)
`).toString();
    expect(answer).toMatch(/^TypeError .*dict/);
  });

  // python-lz4's block API takes a dictionary: a small frame reader in python decodes our blocks
  // with it, the dictionary (then the previous output, for linked blocks) as history.
  test('our dictionary frames decode block by block with lz4.block and the dictionary', () => {
    const reader = `
import sys, struct, lz4.block
dictionary = open(sys.argv[1], 'rb').read()
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    assert struct.unpack_from('<I', data, 0)[0] == 0x184D2204
    flg, bd = data[4], data[5]
    linked = not (flg & 0x20)
    block_checksum, content_size, dict_id = flg & 0x10, flg & 0x08, flg & 0x01
    max_block = 1 << (8 + 2 * ((bd >> 4) & 7))
    pos = 7 + (8 if content_size else 0) + (4 if dict_id else 0)
    out = bytearray()
    while True:
        size = struct.unpack_from('<I', data, pos)[0]
        pos += 4
        if size == 0:
            break
        block = data[pos:pos + (size & 0x7FFFFFFF)]
        pos += len(block) + (4 if block_checksum else 0)
        history = (dictionary + bytes(out))[-65536:] if linked else dictionary[-65536:]
        out += block if size & 0x80000000 else lz4.block.decompress(block, uncompressed_size=max_block, dict=history)
    open(path + '.out', 'wb').write(bytes(out))
`;
    const dictFile = tmp().write('py-dict', dictionary);
    const optionSets: CompressOptions[] = [
      {},
      { blockLinked: false },
      { level: 9, dictId: 5, blockChecksum: true },
      { blockSize: 262144, level: -2 },
    ];
    const files = optionSets.map((options, i) =>
      tmp().write(`dict-${i}.lz4`, compressSync(content, { ...options, dictionary })),
    );
    python(reader, [dictFile, ...files]);
    optionSets.forEach((_o, i) => expect(tmp().read(`dict-${i}.lz4.out`).equals(content)).toBe(true));
  });
});

describe('large one-shot frames', () => {
  // Inputs above 256 KiB and one block are compressed in updates of whole blocks (hashed for the
  // content checksum while still in cache; above 4 MiB the output is also faulted in ahead of the
  // encoder); the frame must still be the one LZ4F_compressFrame writes in one call, which is what
  // python-lz4's compress calls.
  test('are byte for byte the frames python-lz4 writes', () => {
    const small = mixedBytes(13 * 1024 * KiB + 12345, 97);
    const large = Buffer.concat([small, small, mixedBytes(10 * 1024 * KiB, 98)]); // 36 MiB: output faulted in
    const mid = mixedBytes(1024 * KiB + 777, 99); // stepped, no prefault
    const cases: Array<[Buffer, CompressOptions, PythonKwargs]> = [
      [mid, { level: 0 }, { compression_level: 0, block_size: 4, content_checksum: true }],
      [
        mid.subarray(0, 300 * KiB + 5),
        { level: 0, blockSize: 262144 },
        { compression_level: 0, block_size: 5, content_checksum: true },
      ],
      [small, { level: 0 }, { compression_level: 0, block_size: 4, content_checksum: true }],
      [
        small,
        { level: 1, blockLinked: false, blockSize: 4194304 },
        { compression_level: 1, block_linked: false, block_size: 7, content_checksum: true },
      ],
      [
        small,
        { level: 9, contentSize: false, blockChecksum: true },
        { compression_level: 9, block_size: 4, store_size: false, block_checksum: true, content_checksum: true },
      ],
      [large, { level: 0, blockSize: 262144 }, { compression_level: 0, block_size: 5, content_checksum: true }],
    ];
    const theirs = pythonEncode(cases.map(([input, , kwargs]) => [input, kwargs]));
    cases.forEach(([input, options], i) => {
      const ours = compressSync(input, options);
      expect([i, ours.length, ours.equals(theirs[i])]).toEqual([i, theirs[i].length, true]);
    });
  });
});
