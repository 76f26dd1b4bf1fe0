// .lz4 inputs for the index, random-access and parallel tests, made by the real tools (the lz4
// command line) and by the library, and an independent map of where blocks start (python-lz4).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compressSync, Compressor, CompressOptions } from '../../lib';
import { skippableFrame } from './frames';
import { compressibleBytes, mixedBytes } from './data';
import { lz4Cli, pythonJson } from './tools';

export interface Lz4Fixture {
  name: string;
  plain: Buffer;
  compressed: Buffer;
  dictionary?: Buffer;
}

/**
 * The `lz4` command line's output for `plain` with `args` (its defaults: independent blocks, no
 * content size). Read from a file, as `--content-size` needs.
 */
export function lz4CliFile(plain: Buffer, args: readonly string[] = []): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-cli-'));
  try {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, plain);
    return lz4Cli(['-c', ...args, file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One frame whose independent blocks (of `blockSize`, 64 KiB by default) are cut short by flush()
 * after every `flushEvery` bytes.
 */
export function shortBlockFrame(
  plain: Buffer,
  flushEvery: number,
  options: { contentSize: boolean; blockSize?: number },
): Buffer {
  const compressor = new Compressor({
    blockLinked: false,
    blockSize: options.blockSize,
    contentSize: options.contentSize ? plain.length : 0,
  });
  const parts: Buffer[] = [];
  for (let at = 0; at < plain.length; at += flushEvery) {
    parts.push(compressor.update(plain.subarray(at, at + flushEvery)), compressor.flush());
  }
  parts.push(compressor.end());
  return Buffer.concat(parts);
}

export function fixtures(): Lz4Fixture[] {
  const text = compressibleBytes(1_500_000, 11);
  const mixed = mixedBytes(1_200_000, 12);
  const dictionary = compressibleBytes(70_000, 13);
  const small = compressibleBytes(300_000, 14);
  const linked = (options: CompressOptions = {}) => compressSync(mixed, { blockLinked: true, ...options });
  const parts = [
    compressSync(text.subarray(0, 400_000), { blockLinked: false, blockChecksum: true }),
    skippableFrame(Buffer.from('in between')),
    compressSync(Buffer.alloc(0)),
    compressSync(text.subarray(400_000, 900_000), { blockLinked: true, contentSize: false }),
    lz4CliFile(text.subarray(900_000, 1_400_000), ['-B5']),
    compressSync(text.subarray(1_400_000, 1_400_100)),
    compressSync(text.subarray(1_400_100), { blockLinked: true, blockSize: 262144, level: 9 }),
  ];
  return [
    {
      name: 'independent 64 KiB blocks (lz4 CLI, no content size)',
      plain: text,
      compressed: lz4CliFile(text, ['-B4']),
    },
    {
      name: 'independent 256 KiB blocks with content size (lz4 CLI)',
      plain: text,
      compressed: lz4CliFile(text, ['-B5', '--content-size']),
    },
    {
      name: 'independent, block checksums, stored blocks',
      plain: mixed,
      compressed: compressSync(mixed, { blockLinked: false, blockChecksum: true }),
    },
    { name: 'linked 64 KiB blocks', plain: mixed, compressed: linked() },
    { name: 'linked 4 MiB blocks (lz4 CLI -BD)', plain: text, compressed: lz4CliFile(text, ['-BD', '-B7']) },
    {
      name: 'multi-frame: independent, skippable, empty, linked, CLI, tiny, HC',
      plain: text,
      compressed: Buffer.concat(parts),
    },
    {
      name: 'dictionary, linked and independent frames',
      plain: Buffer.concat([small, small]),
      compressed: Buffer.concat([
        compressSync(small, { dictionary, dictId: 5, blockLinked: true }),
        compressSync(small, { dictionary, dictId: 5, blockLinked: false }),
      ]),
      dictionary,
    },
  ];
}

const BLOCK_MAP_PROGRAM = `
import json, struct, sys, lz4.block
data = open(sys.argv[1], 'rb').read()
dictionary = open(sys.argv[2], 'rb').read() if len(sys.argv) > 2 else b''
pos, out, points = 0, 0, []
while pos < len(data):
    magic = struct.unpack_from('<I', data, pos)[0]
    if magic & 0xFFFFFFF0 == 0x184D2A50:
        pos += 8 + struct.unpack_from('<I', data, pos + 4)[0]
        continue
    points.append([pos, out])
    flg, bd = data[pos + 4], data[pos + 5]
    linked = not (flg & 0x20)
    block_max = 1 << (8 + 2 * ((bd >> 4) & 7))
    pos += 7 + (8 if flg & 0x08 else 0) + (4 if flg & 0x01 else 0)
    history = dictionary[-65536:]
    while True:
        word = struct.unpack_from('<I', data, pos)[0]
        if word == 0:
            pos += 4 + (4 if flg & 0x04 else 0)
            break
        points.append([pos, out])
        size = word & 0x7FFFFFFF
        raw = data[pos + 4:pos + 4 + size]
        if word & 0x80000000:
            block = raw
        else:
            block = lz4.block.decompress(raw, uncompressed_size=block_max, dict=history)
        out += len(block)
        history = (history + block)[-65536:] if linked else dictionary[-65536:]
        pos += 4 + size + (4 if flg & 0x10 else 0)
print(json.dumps({'points': points, 'output': out}))
`;

/**
 * Every frame and block start of `file` with its decoded offset, computed by python-lz4 block by
 * block: an independent truth for index entries.
 */
export function blockMap(file: string, dictionaryFile?: string): { points: Map<number, number>; output: number } {
  const args = dictionaryFile ? [file, dictionaryFile] : [file];
  const { points, output } = pythonJson<{ points: [number, number][]; output: number }>(BLOCK_MAP_PROGRAM, args);
  return { points: new Map(points), output };
}
