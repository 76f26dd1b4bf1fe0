// Checkpoints are input like any other: a changed, cut or extended blob, or one restored with
// other options, is refused with ERR_LZ4_BAD_CHECKPOINT, or (never expected with the blob's
// checksum, but allowed) decodes the right bytes. Never a crash, a hang or wrong output.
import { compressSync, Decompressor, readCheckpointInfo } from '../lib';
import { finish, forkInput, mixedBytes, smallCases } from './helpers/checkpoint-fixtures';

const BAD = { code: 'ERR_LZ4_BAD_CHECKPOINT' };

function expectRefusedOrRight(blob: Buffer, compressed: Buffer, plain: Buffer, produced: Buffer, options = {}) {
  let d: Decompressor;
  try {
    d = Decompressor.restore(blob, { ...options, history: produced });
  } catch (err) {
    expect(err).toMatchObject(BAD);
    expect(() => readCheckpointInfo(blob)).toThrow();
    return 'refused';
  }
  const tail = finish(d, compressed, d.inputOffset);
  expect(Buffer.concat([produced.subarray(0, d.outputOffset), tail]).equals(plain)).toBe(true);
  return 'restored';
}

// Checkpoints from many stages of every mode, with their context.
function samples() {
  const out: Array<{ blob: Buffer; compressed: Buffer; plain: Buffer; produced: Buffer; options: object }> = [];
  for (const c of smallCases()) {
    const d = new Decompressor(c.decoderOptions);
    let produced = Buffer.alloc(0);
    const seen = new Set<string>();
    for (let pos = 1; pos <= c.compressed.length; pos++) {
      produced = Buffer.concat([produced, d.update(c.compressed.subarray(pos - 1, pos))]);
      for (const history of ['embed', 'omit'] as const) {
        const blob = d.checkpoint({ history });
        const key = `${readCheckpointInfo(blob).stage}/${history}`;
        if (seen.has(key) || blob.length > 4096) continue;
        seen.add(key);
        out.push({ blob, compressed: c.compressed, plain: c.plain, produced, options: c.decoderOptions });
      }
    }
  }
  return out;
}

const all = samples();

test('samples cover many stages', () => {
  const stages = new Set(all.map((s) => readCheckpointInfo(s.blob).stage));
  expect(stages.size).toBeGreaterThanOrEqual(6);
});

test('every single-byte change of a checkpoint is refused or harmless', () => {
  let refused = 0;
  for (const s of all) {
    for (let i = 0; i < s.blob.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(s.blob);
        bad[i] ^= flip;
        if (expectRefusedOrRight(bad, s.compressed, s.plain, s.produced, s.options) === 'refused') refused++;
      }
    }
  }
  expect(refused).toBeGreaterThan(0);
});

test('every truncation and some extensions are refused', () => {
  for (const s of all) {
    for (let n = 0; n < s.blob.length; n++) {
      expect(() => Decompressor.restore(s.blob.subarray(0, n), { ...s.options, history: s.produced })).toThrow(
        expect.objectContaining(BAD),
      );
    }
    for (const extra of [Buffer.alloc(1), Buffer.from([0xff, 0xff, 0xff, 0xff]), mixedBytes(100)]) {
      expect(() => Decompressor.restore(Buffer.concat([s.blob, extra]), { ...s.options, history: s.produced })).toThrow(
        expect.objectContaining(BAD),
      );
    }
  }
});

test('random garbage is refused', () => {
  for (let n = 0; n < 300; n += 7) {
    const junk = mixedBytes(n, n + 1);
    expect(() => Decompressor.restore(junk)).toThrow(expect.objectContaining(BAD));
    expect(() => readCheckpointInfo(junk)).toThrow(expect.objectContaining(BAD));
  }
});

test('restoring with other options than the checkpointed decoder is refused', () => {
  const dictionary = mixedBytes(5000, 3);
  const plain = mixedBytes(20000, 4);
  const withDict = compressSync(plain, { dictionary });
  const d = new Decompressor({ dictionary });
  d.update(withDict.subarray(0, 100));
  const cp = d.checkpoint();
  expect(() => Decompressor.restore(cp)).toThrow(expect.objectContaining(BAD));
  expect(() => Decompressor.restore(cp, { dictionary: mixedBytes(5000, 5) })).toThrow(expect.objectContaining(BAD));
  expect(() => Decompressor.restore(cp, { dictionary, skipChecksums: true })).toThrow(expect.objectContaining(BAD));
  const ok = Decompressor.restore(cp, { dictionary });
  expect(Buffer.concat([d.update(Buffer.alloc(0)), finish(ok, withDict, 100)]).length).toBeGreaterThan(0);
});

test('omitted history: missing, short or wrong history is refused', () => {
  const plain = forkInput().subarray(0, 500000);
  const compressed = compressSync(plain, { blockLinked: true });
  const d = new Decompressor();
  const produced = d.update(compressed.subarray(0, compressed.length >> 1));
  const cp = d.checkpoint({ history: 'omit' });
  const { historyLength, historyEmbedded } = readCheckpointInfo(cp);
  expect(historyEmbedded).toBe(false);
  expect(historyLength).toBe(65536);
  expect(() => Decompressor.restore(cp)).toThrow(expect.objectContaining(BAD));
  expect(() => Decompressor.restore(cp, { history: produced.subarray(-100) })).toThrow(expect.objectContaining(BAD));
  const wrong = Buffer.from(produced);
  wrong[wrong.length - 1] ^= 1;
  expect(() => Decompressor.restore(cp, { history: wrong })).toThrow(expect.objectContaining(BAD));
  const restored = Decompressor.restore(cp, { history: produced });
  expect(Buffer.concat([produced, finish(restored, compressed, restored.inputOffset)]).equals(plain)).toBe(true);
});

test('size targets: ≤ 128 B at a block boundary (independent, or linked with history omitted)', () => {
  const plain = forkInput().subarray(0, 1 << 20);
  const sizes: Record<string, number> = {};
  for (const blockLinked of [false, true]) {
    const compressed = compressSync(plain, { blockLinked, blockSize: 65536 });
    const d = new Decompressor();
    // Feed exactly up to the end of a block: find an offset where liblz4 asks for a block header.
    let pos = 0;
    while (pos < compressed.length) {
      d.update(compressed.subarray(pos, pos + 1));
      pos++;
      if (d.outputOffset >= 3 * 65536 && readCheckpointInfo(d.checkpoint()).stage === 'getBlockHeader') break;
    }
    const embed = d.checkpoint();
    const omit = d.checkpoint({ history: 'omit' });
    sizes[blockLinked ? 'linked embed' : 'independent'] = embed.length;
    if (blockLinked) sizes['linked omit'] = omit.length;
  }
  expect(sizes.independent).toBeLessThanOrEqual(128);
  expect(sizes['linked omit']).toBeLessThanOrEqual(128);
  expect(sizes['linked embed']).toBeLessThanOrEqual(65536 + 128);
});

test('the fork’s dangling-pointer case: linked + content checksum, checkpoint while waiting for the end mark', () => {
  const plain = forkInput();
  for (const blockSize of [65536, 262144, 4194304]) {
    const compressed = compressSync(plain, { blockLinked: true, contentChecksum: true, blockSize });
    for (let back = 1; back <= 8; back++) {
      const d = new Decompressor();
      let produced = d.update(compressed.subarray(0, compressed.length - back));
      const length = produced.length;
      // Drop our reference to the output buffers liblz4 wrote into before checkpointing.
      produced = Buffer.from(produced);
      for (const history of ['embed', 'omit'] as const) {
        const cp = d.checkpoint({ history });
        const r = Decompressor.restore(cp, { history: produced });
        expect(r.outputOffset).toBe(length);
        expect(finish(r, compressed, r.inputOffset).length).toBe(plain.length - length);
      }
    }
  }
});

test('checkpoint and clone refuse while an async update is in flight', async () => {
  const plain = forkInput();
  const compressed = compressSync(plain);
  const d = new Decompressor();
  const pending = d.updateAsync(compressed);
  expect(() => d.checkpoint()).toThrow(expect.objectContaining({ code: 'ERR_LZ4_BUSY' }));
  expect(() => d.clone()).toThrow(expect.objectContaining({ code: 'ERR_LZ4_BUSY' }));
  expect((await pending).equals(plain)).toBe(true);
  d.close();
  expect(() => d.checkpoint()).toThrow(expect.objectContaining({ code: 'ERR_LZ4_CLOSED' }));
});

test('a decoder that met corrupt data cannot be checkpointed', () => {
  const compressed = Buffer.from(compressSync(forkInput().subarray(0, 100000), { blockChecksum: true }));
  compressed[40] ^= 0xff;
  const d = new Decompressor();
  expect(() => d.update(compressed)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_LZ4F_/) }));
  expect(() => d.checkpoint()).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_LZ4F_/) }));
});
