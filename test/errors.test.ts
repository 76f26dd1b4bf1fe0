// Damaged, truncated and foreign input: each gives its coded error (ERR_LZ4F_* from liblz4,
// ERR_LZ4_* from the library), the same on the sync and async paths, never a crash or wrong data.
import {
  compressSync,
  Compressor,
  Decompressor,
  decompress,
  decompressSync,
  DecompressOptions,
  Lz4FramedNoDataError,
} from '../lib';
import { compressibleBytes, randomBytes } from './helpers/data';
import { flipped, frameLayout, skippableFrame } from './helpers/frames';
import {
  asyncOutcomeOf,
  expectCodedError,
  expectSameOutcome,
  Outcome,
  outcomeOf,
  rejected,
  thrown,
} from './helpers/outcome';

/** decompressSync, decompress and a Decompressor fed everything: all three must agree. */
async function decodeAll(input: Uint8Array, options?: DecompressOptions): Promise<Outcome> {
  const sync = outcomeOf(() => decompressSync(input, options));
  const async = await asyncOutcomeOf(() => decompress(input, options));
  expectSameOutcome(async, sync);
  const streamed = outcomeOf(() => {
    const d = new Decompressor(options);
    const out = d.update(input);
    d.end();
    return out;
  });
  expect(streamed.ok).toBe(sync.ok);
  if (!streamed.ok && !sync.ok) expect(streamed.code).toBe(sync.code);
  return sync;
}

async function expectError(
  input: Uint8Array,
  code: string,
  options?: DecompressOptions,
): Promise<Extract<Outcome, { ok: false }>> {
  const outcome = await decodeAll(input, options);
  expectCodedError(outcome);
  expect(outcome.code).toBe(code);
  return outcome;
}

const plain = compressibleBytes(150 * 1024, 51);

describe('checksums', () => {
  test('a damaged content checksum is ERR_LZ4F_CONTENTCHECKSUM_INVALID, unless checksums are skipped', async () => {
    const frame = compressSync(plain);
    const { contentChecksumOffset } = frameLayout(frame);
    expect(contentChecksumOffset).toBe(frame.length - 4);
    for (let i = 0; i < 4; i++) {
      const bad = flipped(frame, frame.length - 4 + i, 0x01);
      const outcome = await expectError(bad, 'ERR_LZ4F_CONTENTCHECKSUM_INVALID');
      expect(outcome.name).toBe('Lz4FramedError');
      const skipped = await decodeAll(bad, { skipChecksums: true });
      expect(skipped.ok && skipped.output.equals(plain)).toBe(true);
    }
  });

  test('a damaged block checksum is ERR_LZ4F_BLOCKCHECKSUM_INVALID, in every block', async () => {
    const frame = compressSync(plain, { blockChecksum: true, contentChecksum: false });
    const { blocks } = frameLayout(frame);
    expect(blocks.length).toBe(3);
    for (const block of blocks) {
      const bad = flipped(frame, block.checksumOffset! + 2, 0x80);
      await expectError(bad, 'ERR_LZ4F_BLOCKCHECKSUM_INVALID');
      // liblz4 1.10 checks a compressed block's checksum (it covers the compressed bytes) before
      // decoding it, whatever skipChecksums says.
      await expectError(bad, 'ERR_LZ4F_BLOCKCHECKSUM_INVALID', { skipChecksums: true });
    }
  });

  test('skipChecksums skips the checksums of stored (uncompressed) blocks', async () => {
    const noise = randomBytes(100000, 50);
    const frame = compressSync(noise, { blockChecksum: true });
    const { blocks } = frameLayout(frame);
    expect(blocks.every((block) => !block.compressed)).toBe(true);
    const bad = flipped(frame, blocks[1].checksumOffset!, 0x01);
    await expectError(bad, 'ERR_LZ4F_BLOCKCHECKSUM_INVALID');
    const skipped = await decodeAll(bad, { skipChecksums: true });
    expect(skipped.ok && skipped.output.equals(noise)).toBe(true);
  });

  test('damaged block data is caught by the block checksum, else by the content checksum', async () => {
    const withBlock = compressSync(plain, { blockChecksum: true });
    const block = frameLayout(withBlock).blocks[1];
    await expectError(flipped(withBlock, block.offset + 4 + 100, 0x10), 'ERR_LZ4F_BLOCKCHECKSUM_INVALID');
    // A literal byte changed: the block still decodes, to different bytes.
    const raw = compressSync(randomBytes(100000, 52), { level: 0 });
    const rawBlock = frameLayout(raw).blocks[0];
    expect(rawBlock.compressed).toBe(false);
    await expectError(flipped(raw, rawBlock.offset + 4 + 5000, 0x01), 'ERR_LZ4F_CONTENTCHECKSUM_INVALID');
  });

  test('a block that refers before the start of the output is ERR_LZ4F_DECOMPRESSIONFAILED', async () => {
    // Header of an independent-blocks frame without checksums, then a hand-made block: one
    // literal "x" and a match at offset 16, where only 1 byte has been produced.
    const header = compressSync('', { blockLinked: false, contentChecksum: false }).subarray(0, 7);
    const block = Buffer.from([4, 0, 0, 0, 0x10, 0x78, 0x10, 0x00]);
    await expectError(Buffer.concat([header, block, Buffer.alloc(4)]), 'ERR_LZ4F_DECOMPRESSIONFAILED');
  });

  test('every single-byte corruption of a small frame is a coded error or, where the byte is not checked, the original', async () => {
    const small = compressibleBytes(3000, 53);
    const frame = compressSync(small, { blockChecksum: true, dictId: 9 });
    const codes = new Set<string>();
    for (let offset = 0; offset < frame.length; offset++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const outcome = await decodeAll(flipped(frame, offset, mask));
        if (outcome.ok) {
          expect(outcome.output.equals(small)).toBe(true);
        } else {
          expectCodedError(outcome);
          codes.add(outcome.code!);
        }
      }
    }
    // The header, sizes and checksums are all checked somewhere along the way.
    expect([...codes]).toEqual(
      expect.arrayContaining([
        'ERR_LZ4F_FRAMETYPE_UNKNOWN',
        'ERR_LZ4F_HEADERCHECKSUM_INVALID',
        'ERR_LZ4F_BLOCKCHECKSUM_INVALID',
        'ERR_LZ4F_CONTENTCHECKSUM_INVALID',
      ]),
    );
  });

  test('a declared content size that does not match is ERR_LZ4F_FRAMESIZE_WRONG', async () => {
    // Rewrite the stored size and fix the header checksum by taking it from a real frame of that size.
    const frame = compressSync(plain.subarray(0, 1000));
    const other = compressSync(plain.subarray(0, 1001));
    const lying = Buffer.concat([other.subarray(0, 15), frame.subarray(15)]);
    await expectError(lying, 'ERR_LZ4F_FRAMESIZE_WRONG');
  });
});

// One-shot outputs of a few MiB and more whose frames have a content checksum and no block
// checksums are hashed on a helper thread beside the decoder, and the stored checksum compared by
// lz4framed rather than liblz4 (native/checksum_aside.h); the Decompressor in decodeAll still
// decodes with liblz4's own checks, so each outcome is compared with liblz4's.
describe('content checksums of large one-shot outputs', () => {
  const text = compressibleBytes(5 * 1024 * 1024, 58); // about 2.6:1, 5 MiB: the helper's range
  const noise = randomBytes(64 * 1024, 59);
  // A stored block in the middle of compressed ones, so one literal byte can be changed.
  const withStored = Buffer.concat([text.subarray(0, 2 * 1024 * 1024), noise, text.subarray(2 * 1024 * 1024)]);

  test('several frames, skippable ones between, decode as one', async () => {
    const first = compressSync(withStored);
    const second = compressSync(text, { blockSize: 4194304, blockLinked: false, contentSize: false });
    const input = Buffer.concat([first, skippableFrame(Buffer.from('between')), second, first]);
    const outcome = await decodeAll(input);
    expect(outcome.ok && outcome.output.equals(Buffer.concat([withStored, text, withStored]))).toBe(true);
  });

  test('a damaged stored checksum, in any frame, is ERR_LZ4F_CONTENTCHECKSUM_INVALID', async () => {
    const frame = compressSync(text);
    for (const at of [0, 1]) {
      const frames = [frame, frame];
      frames[at] = flipped(frame, frame.length - 1 - at, 0x40);
      const bad = Buffer.concat(frames);
      await expectError(bad, 'ERR_LZ4F_CONTENTCHECKSUM_INVALID');
      const skipped = await decodeAll(bad, { skipChecksums: true });
      expect(skipped.ok && skipped.output.equals(Buffer.concat([text, text]))).toBe(true);
    }
  });

  test('changed content is ERR_LZ4F_CONTENTCHECKSUM_INVALID, with or without a dictionary', async () => {
    const dictionary = text.subarray(0, 60000);
    for (const options of [{}, { dictionary, dictId: 9 }]) {
      const frame = compressSync(withStored, options);
      const stored = frameLayout(frame).blocks.find((block) => !block.compressed)!;
      const bad = flipped(frame, stored.offset + 4 + 1000, 0x01);
      const decodeOptions = 'dictionary' in options ? { dictionary } : {};
      await expectError(bad, 'ERR_LZ4F_CONTENTCHECKSUM_INVALID', decodeOptions);
      const good = await decodeAll(frame, decodeOptions);
      expect(good.ok && good.output.equals(withStored)).toBe(true);
    }
  });

  test('frames with block checksums keep liblz4 checking both kinds', async () => {
    const frame = compressSync(withStored, { blockChecksum: true });
    const { blocks, contentChecksumOffset } = frameLayout(frame);
    const stored = blocks.find((block) => !block.compressed)!;
    await expectError(flipped(frame, stored.checksumOffset!, 0x01), 'ERR_LZ4F_BLOCKCHECKSUM_INVALID');
    await expectError(flipped(frame, contentChecksumOffset!, 0x01), 'ERR_LZ4F_CONTENTCHECKSUM_INVALID');
  });
});

describe('truncated input', () => {
  // Small but with everything: several blocks (flushes), block and content checksums, a content size.
  const content = compressibleBytes(900, 54);
  const c = new Compressor({ blockChecksum: true, contentSize: content.length });
  const frame = Buffer.concat([
    c.update(content.subarray(0, 300)),
    c.flush(),
    c.update(content.subarray(300, 600)),
    c.flush(),
    c.end(content.subarray(600)),
  ]);
  const layout = frameLayout(frame);

  test('the frame has three blocks', () => {
    expect(layout.blocks.length).toBe(3);
    expect(decompressSync(frame).equals(content)).toBe(true);
  });

  test('a cut at every offset is NoData whose partial is a prefix of the content (sync, async, streamed)', async () => {
    let lastPartial = 0;
    for (let cut = 0; cut < frame.length; cut++) {
      const outcome = await expectError(frame.subarray(0, cut), 'ERR_LZ4_NO_DATA');
      expect(outcome.name).toBe('Lz4FramedNoDataError');
      const partial = outcome.partial!;
      expect(Buffer.isBuffer(partial)).toBe(true);
      expect(partial.equals(content.subarray(0, partial.length))).toBe(true);
      // Output never shrinks as more input arrives, and each whole block is there once it is in.
      expect(partial.length).toBeGreaterThanOrEqual(lastPartial);
      lastPartial = partial.length;
      const wholeBlocks = layout.blocks.filter((b) => (b.checksumOffset ?? 0) + 4 <= cut).length;
      expect(partial.length).toBeGreaterThanOrEqual(wholeBlocks * 300);
    }
    expect(lastPartial).toBe(content.length);
  });

  test('a Decompressor fed a cut frame yields the same prefix and its end() throws NoData', () => {
    for (const cut of [1, 7, layout.blocks[1].offset + 10, layout.endMarkOffset + 2, frame.length - 1]) {
      const d = new Decompressor();
      const out = d.update(frame.subarray(0, cut));
      expect(out.equals(content.subarray(0, out.length))).toBe(true);
      expect(d.nextInputHint).toBeGreaterThan(0);
      const error = thrown(() => d.end());
      expect(error).toBeInstanceOf(Lz4FramedNoDataError);
      expect(error.code).toBe('ERR_LZ4_NO_DATA');
      // The rest of the frame completes it.
      expect(Buffer.concat([out, d.update(frame.subarray(cut))]).equals(content)).toBe(true);
      d.end();
    }
  });

  test('a cut inside a second frame keeps all of the first', async () => {
    const two = Buffer.concat([frame, skippableFrame(Buffer.from('between')), frame]);
    for (const cut of [
      frame.length + 3,
      frame.length + 14,
      frame.length + 15 + 6,
      frame.length + 15 + 20,
      two.length - 1,
    ]) {
      const outcome = await expectError(two.subarray(0, cut), 'ERR_LZ4_NO_DATA');
      expect(outcome.partial!.subarray(0, content.length).equals(content)).toBe(true);
    }
  });
});

describe('input that is not LZ4', () => {
  test('an empty input is NoData with an empty partial', async () => {
    const outcome = await expectError(Buffer.alloc(0), 'ERR_LZ4_NO_DATA');
    expect(outcome.partial!.length).toBe(0);
    expect(thrown(() => new Decompressor().end())).toBeInstanceOf(Lz4FramedNoDataError);
  });

  test('garbage is ERR_LZ4F_FRAMETYPE_UNKNOWN', async () => {
    for (const garbage of [
      Buffer.from('hello, this is not lz4'),
      randomBytes(1000, 55),
      Buffer.from([0x04, 0x22, 0x4d, 0x19, 0x60]),
    ]) {
      await expectError(garbage, 'ERR_LZ4F_FRAMETYPE_UNKNOWN');
    }
  });

  test('garbage after the last frame is ERR_LZ4F_FRAMETYPE_UNKNOWN, whatever its length', async () => {
    const frame = compressSync(plain.subarray(0, 5000));
    for (const tail of [
      Buffer.from([0]),
      Buffer.from('xy'),
      Buffer.from('abc'),
      Buffer.from('garbage!'),
      randomBytes(100, 56),
    ]) {
      await expectError(Buffer.concat([frame, tail]), 'ERR_LZ4F_FRAMETYPE_UNKNOWN');
      await expectError(Buffer.concat([frame, skippableFrame(Buffer.from('s')), tail]), 'ERR_LZ4F_FRAMETYPE_UNKNOWN');
    }
  });

  test('the start of a magic number after the last frame is a truncated frame: NoData with everything before', async () => {
    const frame = compressSync(plain.subarray(0, 5000));
    for (const tail of [[0x04], [0x04, 0x22], [0x04, 0x22, 0x4d], [0x04, 0x22, 0x4d, 0x18], [0x5e, 0x2a, 0x4d]]) {
      const outcome = await expectError(Buffer.concat([frame, Buffer.from(tail)]), 'ERR_LZ4_NO_DATA');
      expect(outcome.partial!.equals(plain.subarray(0, 5000))).toBe(true);
    }
  });
});

describe('dictionaries', () => {
  const dictionary = compressibleBytes(20000, 57);
  const content = Buffer.concat([dictionary.subarray(100, 8000), dictionary.subarray(9000, 15000)]);

  test('a missing dictionary is a coded error', async () => {
    for (const options of [{}, { contentChecksum: false }, { blockLinked: false, blockChecksum: true }]) {
      const frame = compressSync(content, { ...options, dictionary, dictId: 77 });
      const outcome = await decodeAll(frame);
      expectCodedError(outcome);
      expect([
        'ERR_LZ4F_DECOMPRESSIONFAILED',
        'ERR_LZ4F_CONTENTCHECKSUM_INVALID',
        'ERR_LZ4F_BLOCKCHECKSUM_INVALID',
      ]).toContain(outcome.code);
    }
  });

  test('a wrong dictionary is a coded error (a checksum one when the frame has checksums)', async () => {
    const frame = compressSync(content, { dictionary, dictId: 77 });
    // Same length, different bytes: matches land on wrong data and the content checksum says so.
    const wrong = compressibleBytes(20000, 58);
    await expectError(frame, 'ERR_LZ4F_CONTENTCHECKSUM_INVALID', { dictionary: wrong });
    // Block checksums cover the compressed bytes, which are intact: the content checksum catches it.
    const blocks = compressSync(content, { dictionary, blockChecksum: true });
    await expectError(blocks, 'ERR_LZ4F_CONTENTCHECKSUM_INVALID', { dictionary: wrong });
    const unchecked = compressSync(content, { dictionary, contentChecksum: false });
    // Without a checksum nothing can tell: the frame decodes, to other bytes of the same length.
    const outcome = await decodeAll(unchecked, { dictionary: wrong });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.output.length).toBe(content.length);
      expect(outcome.output.equals(content)).toBe(false);
    }
  });
});

describe('maxOutputLength', () => {
  const content = compressibleBytes(100000, 59);
  const withSize = compressSync(content);
  const withoutSize = compressSync(content, { contentSize: false });

  test('output up to the limit is allowed; one byte more is RangeError ERR_BUFFER_TOO_LARGE', async () => {
    for (const frame of [withSize, withoutSize, Buffer.concat([withoutSize, withSize])]) {
      const total = frame === withSize || frame === withoutSize ? content.length : 2 * content.length;
      const exact = await decodeAll(frame, { maxOutputLength: total });
      expect(exact.ok).toBe(true);
      for (const maxOutputLength of [0, 1, 65536, total - 1]) {
        const error = thrown(() => decompressSync(frame, { maxOutputLength }));
        expect(error.name).toBe('RangeError');
        expect(error.code).toBe('ERR_BUFFER_TOO_LARGE');
        expect(error.message).toMatch(/maxOutputLength/);
        const asyncError = await rejected(decompress(frame, { maxOutputLength }));
        expect(asyncError.name).toBe('RangeError');
        expect(asyncError.code).toBe('ERR_BUFFER_TOO_LARGE');
      }
    }
  });

  test('a Decompressor applies the limit to each call, sync and async', async () => {
    const d = new Decompressor({ maxOutputLength: 70000 });
    // Split between the two blocks: each call completes one block (65536, then 34464 bytes).
    const split = frameLayout(withoutSize).blocks[1].offset;
    const first = d.update(withoutSize.subarray(0, split));
    expect(first.length).toBe(65536);
    const second = await d.updateAsync(withoutSize.subarray(split));
    d.end();
    expect(Buffer.concat([first, second]).equals(content)).toBe(true);

    for (const useAsync of [false, true]) {
      const small = new Decompressor({ maxOutputLength: 1000 });
      const error = useAsync ? await rejected(small.updateAsync(withSize)) : thrown(() => small.update(withSize));
      expect(error.name).toBe('RangeError');
      expect(error.code).toBe('ERR_BUFFER_TOO_LARGE');
    }
  });

  test('an empty frame fits a limit of 0', async () => {
    const outcome = await decodeAll(compressSync(Buffer.alloc(0)), { maxOutputLength: 0 });
    expect(outcome.ok && outcome.output.length === 0).toBe(true);
  });
});

describe('after an error', () => {
  test('a Decompressor that failed repeats the error instead of decoding more', async () => {
    const frame = compressSync(plain.subarray(0, 2000));
    const d = new Decompressor();
    expect(thrown(() => d.update(Buffer.from('not a frame at all'))).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
    expect(thrown(() => d.update(frame)).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
    expect((await rejected(d.updateAsync(frame))).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
    expect(thrown(() => d.end()).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
  });

  test('every error about data is an Lz4FramedError with a code, also when thrown by the async path', async () => {
    const error = await rejected(decompress(Buffer.from('nope')));
    expect(error.name).toBe('Lz4FramedError');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toMatch(/^ERR_LZ4F_/);
    expect(error.stack).toContain('Lz4FramedError');
  });
});
