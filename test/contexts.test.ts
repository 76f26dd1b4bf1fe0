// The streaming contexts: Compressor update/flush/end sequences, Decompressor offsets, frameInfo
// and end() rules over concatenated and skippable frames in any chunking, and the busy / closed
// rules of both.
import fc from 'fast-check';
import {
  Compressor,
  compressSync,
  Decompressor,
  decompressSync,
  getFrameInfo,
  Lz4FramedError,
  Lz4FramedNoDataError,
} from '../lib';
import { chunk, compressibleBytes, mixedBytes, randomBytes, slices } from './helpers/data';
import { frameLayout, skippableFrame } from './helpers/frames';
import { rejected, thrown } from './helpers/outcome';

/** Feeds `parts` to a new Decompressor and checks that the output so far is the start of `expected`. */
function decodeParts(parts: readonly Uint8Array[], expected: Buffer): Decompressor {
  const d = new Decompressor();
  let produced = 0;
  for (const part of parts) {
    const out = d.update(part);
    expect(out.equals(expected.subarray(produced, produced + out.length))).toBe(true);
    produced += out.length;
  }
  expect(produced).toBe(expected.length);
  return d;
}

describe('Compressor', () => {
  const text = compressibleBytes(200 * 1024, 61);

  test('the header comes with the first update; small updates are buffered until a block fills or the end', () => {
    const c = new Compressor({ contentSize: 3000 });
    const first = c.update(text.subarray(0, 1000));
    expect(first.readUInt32LE(0)).toBe(0x184d2204);
    expect(first.length).toBe(7 + 8);
    expect(c.update(text.subarray(1000, 2000)).length).toBe(0);
    const last = c.end(text.subarray(2000, 3000));
    const frame = Buffer.concat([first, last]);
    expect(decompressSync(frame).equals(text.subarray(0, 3000))).toBe(true);
    expect(getFrameInfo(frame).contentSize).toBe(3000);
  });

  test('a block is emitted as soon as it is full', () => {
    const c = new Compressor({ blockSize: 65536 });
    const out = c.update(text.subarray(0, 65536 + 10));
    const layout = frameLayout(Buffer.concat([out, c.end()]));
    expect(layout.blocks.length).toBe(2);
    expect(out.length).toBe(layout.blocks[1].offset);
  });

  test('flush makes everything given so far decodable, as a block boundary', () => {
    const c = new Compressor();
    const parts: Buffer[] = [];
    let fed = 0;
    for (const size of [10, 5000, 1, 70000, 300]) {
      parts.push(c.update(text.subarray(fed, fed + size)));
      fed += size;
      parts.push(c.flush());
      decodeParts(parts, text.subarray(0, fed));
    }
    // A flush with nothing buffered adds nothing.
    expect(c.flush().length).toBe(0);
    parts.push(c.end());
    const frame = Buffer.concat(parts);
    expect(frameLayout(frame).blocks.length).toBe(6); // the 70000 bytes made two blocks
    decodeParts([frame], text.subarray(0, fed)).end();
  });

  test('end() closes a frame, and the next call begins another', () => {
    const c = new Compressor({ dictId: 3 });
    const a = text.subarray(0, 50000);
    const b = text.subarray(50000, 51000);
    const frame1 = Buffer.concat([c.update(a), c.end()]);
    const frame2 = Buffer.concat([c.update(b), c.end()]);
    const frame3 = c.end(); // a frame with no content
    for (const frame of [frame1, frame2, frame3]) expect(getFrameInfo(frame).dictId).toBe(3);
    expect(frameLayout(frame1).end).toBe(frame1.length);
    expect(frameLayout(frame3).blocks).toEqual([]);
    expect(decompressSync(frame3).length).toBe(0);
    const d = decodeParts([frame1, frame2, frame3], Buffer.concat([a, b]));
    d.end();
  });

  test('end(chunk) is update(chunk) then end(); strings are UTF-8', () => {
    const one = new Compressor();
    const two = new Compressor();
    const direct = one.end('größer ✓');
    const split = Buffer.concat([two.update('größer ✓'), two.end()]);
    expect(direct.equals(split)).toBe(true);
    expect(decompressSync(direct).toString()).toBe('größer ✓');
  });

  // Found by the property test: the end of a frame also writes the partial block an earlier
  // update left buffered, which liblz4's compressBound() for the update does not count.
  test('end(chunk) and flush() after a buffered partial block have room for it (incompressible data)', async () => {
    for (const [head, tail] of [
      [22464, 65536],
      [1, 65536],
      [65535, 131072],
    ]) {
      const a = randomBytes(head, head);
      const b = randomBytes(tail, tail);
      const sync = new Compressor();
      const frame = Buffer.concat([sync.update(a), sync.end(b)]);
      expect(decompressSync(frame).equals(Buffer.concat([a, b]))).toBe(true);
      const async = new Compressor();
      const parts = [
        await async.updateAsync(a),
        await async.updateAsync(b),
        await async.flushAsync(),
        await async.endAsync(),
      ];
      expect(decompressSync(Buffer.concat(parts)).equals(Buffer.concat([a, b]))).toBe(true);
    }
  });

  test('autoFlush emits every update as complete blocks', () => {
    const c = new Compressor({ autoFlush: true });
    const parts: Buffer[] = [];
    let fed = 0;
    for (const size of [1, 100, 2000]) {
      const out = c.update(text.subarray(fed, fed + size));
      fed += size;
      parts.push(out);
      decodeParts(parts, text.subarray(0, fed));
    }
    parts.push(c.end());
    expect(frameLayout(Buffer.concat(parts)).blocks.length).toBe(3);
  });

  test('a pledged contentSize goes in every frame header; a wrong one is ERR_LZ4F_FRAMESIZE_WRONG', async () => {
    const c = new Compressor({ contentSize: 1000 });
    const frames = [0, 1].map(() => Buffer.concat([c.update(text.subarray(0, 400)), c.end(text.subarray(400, 1000))]));
    for (const frame of frames) {
      expect(getFrameInfo(frame).contentSize).toBe(1000);
      expect(decompressSync(frame).equals(text.subarray(0, 1000))).toBe(true);
    }
    // Too few bytes, too many bytes, sync and async.
    c.update(text.subarray(0, 999));
    const tooFew = thrown(() => c.end());
    expect(tooFew).toBeInstanceOf(Lz4FramedError);
    expect(tooFew.code).toBe('ERR_LZ4F_FRAMESIZE_WRONG');
    await c.updateAsync(text.subarray(0, 1001));
    expect((await rejected(c.endAsync())).code).toBe('ERR_LZ4F_FRAMESIZE_WRONG');
    // After the error the compressor starts a fresh frame.
    const again = Buffer.concat([c.update(text.subarray(0, 1000)), c.end()]);
    expect(decompressSync(again).equals(text.subarray(0, 1000))).toBe(true);
  });

  test('the async methods give the same bytes as the sync ones', async () => {
    const options = { level: 9, blockChecksum: true, blockSize: 262144 };
    const sync = new Compressor(options);
    const async = new Compressor(options);
    const steps: Array<['update' | 'flush' | 'end', number]> = [
      ['update', 1000],
      ['update', 150000],
      ['flush', 0],
      ['end', 5],
      ['update', 77],
      ['end', 0],
      ['end', 100],
    ];
    let fed = 0;
    const syncOut: Buffer[] = [];
    const asyncOut: Buffer[] = [];
    for (const [step, size] of steps) {
      const piece = text.subarray(fed, fed + size);
      fed += size;
      if (step === 'update') {
        syncOut.push(sync.update(piece));
        asyncOut.push(await async.updateAsync(piece));
      } else if (step === 'flush') {
        syncOut.push(sync.flush());
        asyncOut.push(await async.flushAsync());
      } else {
        syncOut.push(size ? sync.end(piece) : sync.end());
        asyncOut.push(size ? await async.endAsync(piece) : await async.endAsync());
      }
      expect(asyncOut[asyncOut.length - 1].equals(syncOut[syncOut.length - 1])).toBe(true);
    }
    expect(decompressSync(Buffer.concat(asyncOut)).equals(text.subarray(0, fed))).toBe(true);
  });

  test('a dictionary is used for every frame', () => {
    const dictionary = text.subarray(100000, 140000);
    const c = new Compressor({ dictionary, dictId: 5, blockLinked: false });
    const frames = [0, 1].map(() => c.end(text.subarray(100500, 130000)));
    for (const frame of frames) {
      expect(frame.length).toBeLessThan(2000);
      expect(decompressSync(frame, { dictionary }).equals(text.subarray(100500, 130000))).toBe(true);
    }
  });
});

describe('Decompressor', () => {
  const a = compressibleBytes(100000, 62);
  const b = mixedBytes(3000, 63);
  const frameA = compressSync(a, { blockChecksum: true });
  const frameB = compressSync(b, { contentSize: false, contentChecksum: false, dictId: 11, blockSize: 262144 });
  const skipA = skippableFrame(Buffer.from('skippable payload'), 0);
  const skipB = skippableFrame(Buffer.alloc(0), 15);
  const stream = Buffer.concat([skipA, frameA, skipB, frameB, frameA, skipA]);
  const content = Buffer.concat([a, b, a]);
  // Offsets where a frame (skippable or not) ends.
  const boundaries = new Set<number>();
  let end = 0;
  for (const piece of [skipA, frameA, skipB, frameB, frameA, skipA]) boundaries.add((end += piece.length));

  test('offsets and nextInputHint, fed one byte at a time across concatenated and skippable frames', () => {
    const d = new Decompressor();
    expect([d.inputOffset, d.outputOffset, d.nextInputHint, d.frameInfo]).toEqual([0, 0, 0, undefined]);
    const out: Buffer[] = [];
    let produced = 0;
    // Collected, then compared once: an expect per byte would dominate the run time.
    const wrongOffsets: number[] = [];
    const hintsAtZero: number[] = [];
    for (let i = 0; i < stream.length; i++) {
      const piece = d.update(stream.subarray(i, i + 1));
      out.push(piece);
      produced += piece.length;
      if (d.inputOffset !== i + 1 || d.outputOffset !== produced) wrongOffsets.push(i);
      if (d.nextInputHint === 0) hintsAtZero.push(i + 1);
    }
    d.end();
    expect(wrongOffsets).toEqual([]);
    // liblz4 asks for more until a frame is complete; 0 exactly at each frame end.
    expect(hintsAtZero).toEqual([...boundaries]);
    expect(Buffer.concat(out).equals(content)).toBe(true);
  });

  test('frameInfo follows the frames', () => {
    const d = new Decompressor();
    d.update(stream.subarray(0, skipA.length + frameLayout(frameA).headerSize));
    expect(d.frameInfo).toEqual(getFrameInfo(frameA));
    const startB = skipA.length + frameA.length + skipB.length;
    d.update(stream.subarray(d.inputOffset, startB + frameLayout(frameB).headerSize + 1));
    expect(d.frameInfo).toEqual(getFrameInfo(frameB));
    // One shot, liblz4 shrank the block size to fit the 3000 bytes.
    expect(d.frameInfo).toMatchObject({ dictId: 11, contentSize: undefined, blockSize: 65536, headerSize: 11 });
    // At the end of a frame, it still describes the frame just decoded.
    d.update(stream.subarray(d.inputOffset, startB + frameB.length));
    expect(d.nextInputHint).toBe(0);
    expect(d.frameInfo).toEqual(getFrameInfo(frameB));
  });

  // Decompressor bug (native/decompressor.cc GetFrameInfo): a skippable frame's contentSize is
  // reported as 0 instead of its payload length, unlike getFrameInfo and the README.
  test('frameInfo of a skippable frame gives its payload length, as getFrameInfo does', () => {
    const d = new Decompressor();
    d.update(skipA);
    expect(d.frameInfo).toEqual(getFrameInfo(skipA));
    expect(d.frameInfo?.contentSize).toBe(17);
  });

  // Decompressor bug (native/frame_decoder.cc FrameInfo / dctx_state): while a header is only
  // partly read, frameInfo shows liblz4's zeroed frameInfo_t (64 KiB, linked, no checksums)
  // instead of the last complete header (or undefined before any).
  test('frameInfo never describes a header that is only partly read', () => {
    // frameA's header is 15 bytes (it stores the content size): cut at 6 and at 10.
    expect(frameLayout(frameA).headerSize).toBe(15);
    for (const cut of [6, 10]) {
      const d = new Decompressor();
      d.update(frameA.subarray(0, cut));
      expect(d.frameInfo).toBeUndefined();
      d.update(frameA.subarray(cut));
      d.update(frameB);
      d.update(frameA.subarray(0, cut));
      expect(d.frameInfo).toEqual(getFrameInfo(frameB));
    }
  });

  test('random chunkings, sync and async, give the same output and offsets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40000 }), { maxLength: 30 }),
        fc.boolean(),
        async (lengths, useAsync) => {
          const d = new Decompressor();
          const out: Buffer[] = [];
          let fed = 0;
          for (const part of chunk(stream, lengths)) {
            out.push(useAsync ? await d.updateAsync(part) : d.update(part));
            fed += part.length;
            expect(d.inputOffset).toBe(fed);
          }
          d.end();
          expect(Buffer.concat(out).equals(content)).toBe(true);
          expect(d.outputOffset).toBe(content.length);
          expect(d.nextInputHint).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('an empty chunk changes nothing', () => {
    const d = new Decompressor();
    d.update(frameA.subarray(0, 100));
    const before = [d.inputOffset, d.outputOffset, d.nextInputHint];
    expect(d.update(Buffer.alloc(0)).length).toBe(0);
    expect([d.inputOffset, d.outputOffset, d.nextInputHint]).toEqual(before);
  });

  describe('end()', () => {
    test('at a frame boundary it succeeds, and may be repeated', () => {
      const d = new Decompressor();
      d.update(frameA);
      d.end();
      d.end();
      const s = new Decompressor();
      s.update(skipA);
      s.end();
    });

    test('with no input, or inside a frame or a skippable frame, it throws NoData', () => {
      expect(thrown(() => new Decompressor().end())).toBeInstanceOf(Lz4FramedNoDataError);
      for (const cut of [1, 4, 7, 20, frameA.length - 1]) {
        const d = new Decompressor();
        d.update(frameA.subarray(0, cut));
        expect(thrown(() => d.end())).toMatchObject({ code: 'ERR_LZ4_NO_DATA' });
      }
      const d = new Decompressor();
      d.update(skipA.subarray(0, skipA.length - 1));
      expect(thrown(() => d.end()).code).toBe('ERR_LZ4_NO_DATA');
    });

    test('after bytes that cannot begin a frame it throws ERR_LZ4F_FRAMETYPE_UNKNOWN', () => {
      // liblz4 buffers up to the 7 bytes of a minimal header before it looks at the magic number.
      for (const tail of ['x', 'xy', 'xyz', 'four', 'sixsix']) {
        const d = new Decompressor();
        d.update(frameA);
        expect(d.update(Buffer.from(tail)).length).toBe(0);
        expect(thrown(() => d.end()).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
      }
      const d = new Decompressor();
      d.update(frameA);
      expect(thrown(() => d.update(Buffer.from('seven!!'))).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
    });
  });
});

describe('busy and closed contexts', () => {
  const big = compressibleBytes(2 * 1024 * 1024, 64);

  test('a Compressor with a job in flight refuses every call with ERR_LZ4_BUSY, then works again', async () => {
    const c = new Compressor({ level: 12 });
    const pending = c.updateAsync(big);
    // The flag is set before updateAsync returns: these calls happen while the job cannot be done.
    for (const call of [() => c.update(big), () => c.flush(), () => c.end(), () => c.close()]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(Lz4FramedError);
      expect(error.code).toBe('ERR_LZ4_BUSY');
    }
    for (const call of [() => c.updateAsync(big), () => c.flushAsync(), () => c.endAsync()]) {
      expect((await rejected(call())).code).toBe('ERR_LZ4_BUSY');
    }
    const first = await pending;
    const frame = Buffer.concat([first, c.end()]);
    expect(decompressSync(frame).equals(big)).toBe(true);
    c.close();
  });

  test('a Decompressor with a job in flight refuses every call with ERR_LZ4_BUSY; its getters still answer', async () => {
    const frame = compressSync(big);
    const d = new Decompressor();
    d.update(frame.subarray(0, 100));
    const before = [d.inputOffset, d.outputOffset, d.nextInputHint];
    const pending = d.updateAsync(frame.subarray(100));
    for (const call of [() => d.update(frame), () => d.end(), () => d.close()]) {
      expect(thrown(call).code).toBe('ERR_LZ4_BUSY');
    }
    expect((await rejected(d.updateAsync(frame))).code).toBe('ERR_LZ4_BUSY');
    expect([d.inputOffset, d.outputOffset, d.nextInputHint]).toEqual(before);
    const rest = await pending;
    expect(rest.length).toBe(big.length - before[1]);
    expect(d.inputOffset).toBe(frame.length);
    d.end();
    d.close();
  });

  test('a job that fails leaves the context idle (closable), not busy', async () => {
    const d = new Decompressor();
    expect((await rejected(d.updateAsync(Buffer.from('not lz4 data')))).code).toBe('ERR_LZ4F_FRAMETYPE_UNKNOWN');
    d.close();
    const c = new Compressor({ contentSize: 10 });
    await c.updateAsync(Buffer.from('short'));
    expect((await rejected(c.endAsync())).code).toBe('ERR_LZ4F_FRAMESIZE_WRONG');
    c.close();
  });

  test('after close() every call is ERR_LZ4_CLOSED; close() twice is fine', async () => {
    const c = new Compressor();
    c.update(Buffer.from('abc'));
    c.close();
    c.close();
    for (const call of [() => c.update(Buffer.from('x')), () => c.flush(), () => c.end()]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(Lz4FramedError);
      expect(error.code).toBe('ERR_LZ4_CLOSED');
    }
    for (const call of [() => c.updateAsync(Buffer.from('x')), () => c.flushAsync(), () => c.endAsync()]) {
      expect((await rejected(call())).code).toBe('ERR_LZ4_CLOSED');
    }

    const frame = compressSync(Buffer.from('closing time'));
    const d = new Decompressor();
    const out = d.update(frame);
    d.close();
    d.close();
    expect(thrown(() => d.update(frame)).code).toBe('ERR_LZ4_CLOSED');
    expect(thrown(() => d.end()).code).toBe('ERR_LZ4_CLOSED');
    expect((await rejected(d.updateAsync(frame))).code).toBe('ERR_LZ4_CLOSED');
    // The offsets stay readable and keep their last values.
    expect([d.inputOffset, d.outputOffset]).toEqual([frame.length, out.length]);
  });

  test('many contexts can work in parallel on the threadpool', async () => {
    const inputs = [0, 1, 2, 3, 4, 5].map((seed) => randomBytes(300000, 70 + seed));
    const frames = await Promise.all(
      inputs.map(async (input) => {
        const c = new Compressor({ level: 3 });
        const parts = [];
        for (const part of slices(input, 100000)) parts.push(await c.updateAsync(part));
        parts.push(await c.endAsync());
        return Buffer.concat(parts);
      }),
    );
    const decoded = await Promise.all(frames.map((frame) => new Decompressor().updateAsync(frame)));
    decoded.forEach((out, i) => expect(out.equals(inputs[i])).toBe(true));
  });
});
