// A checkpoint taken after ANY input byte, of any mode, restores to a decoder that finishes the
// stream exactly as the original would; so does a clone, and so do chains of restores.
import { Decompressor, readCheckpointInfo } from '../lib';
import { finish, smallCases } from './helpers/checkpoint-fixtures';

const cases = smallCases();

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  test('checkpoint after every input byte, embedded and omitted history, restore, finish', () => {
    const d = new Decompressor(c.decoderOptions);
    const outputs: Buffer[] = [];
    let produced = Buffer.alloc(0);
    const stages = new Set<string>();
    for (let pos = 0; pos <= c.compressed.length; pos++) {
      if (pos > 0) {
        const out = d.update(c.compressed.subarray(pos - 1, pos));
        if (out.length) {
          outputs.push(out);
          produced = Buffer.concat(outputs);
          outputs.length = 0;
          outputs.push(produced);
        }
      }
      // Every byte for the small streams; the 150 KB ones every 13th byte
      // would still be long, so stride on those while keeping the first and last 300 bytes whole.
      const dense = c.compressed.length < 6000 || pos < 300 || pos > c.compressed.length - 300;
      if (!dense && pos % 13 !== 0) continue;
      const omit = pos % 2 === 0;
      const cp = d.checkpoint({ history: omit ? 'omit' : 'embed' });
      const info = readCheckpointInfo(cp);
      stages.add(info.stage);
      expect(info.inputOffset).toBe(pos);
      expect(info.outputOffset).toBe(produced.length);
      const restored = Decompressor.restore(cp, { ...c.decoderOptions, ...(omit ? { history: produced } : {}) });
      const tail = finish(restored, c.compressed, pos);
      if (!Buffer.concat([produced, tail]).equals(c.plain)) {
        throw new Error(`mismatch after restoring at input byte ${pos} (stage ${info.stage})`);
      }
    }
    d.end();
    expect(produced.equals(c.plain)).toBe(true);
    expect(stages.size).toBeGreaterThan(3);
  });

  test('clones at many points finish identically', () => {
    const d = new Decompressor(c.decoderOptions);
    let produced = Buffer.alloc(0);
    const step = Math.max(1, Math.floor(c.compressed.length / 400));
    for (let pos = 0; pos < c.compressed.length; pos += step) {
      const copy = d.clone();
      const tail = finish(copy, c.compressed, pos);
      expect(Buffer.concat([produced, tail]).equals(c.plain)).toBe(true);
      produced = Buffer.concat([produced, d.update(c.compressed.subarray(pos, pos + step))]);
    }
    d.end();
    expect(produced.equals(c.plain)).toBe(true);
  });

  test('chained: restore → continue → checkpoint → restore, many times', () => {
    let x = c.compressed.length;
    const random = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
    let d = new Decompressor(c.decoderOptions);
    let produced = Buffer.alloc(0);
    let pos = 0;
    let hops = 0;
    while (pos < c.compressed.length) {
      const n = 1 + random(Math.max(2, Math.floor(c.compressed.length / 12)));
      produced = Buffer.concat([produced, d.update(c.compressed.subarray(pos, pos + n))]);
      pos = Math.min(pos + n, c.compressed.length);
      const omit = random(2) === 0;
      const cp = d.checkpoint({ history: omit ? 'omit' : 'embed' });
      d.close();
      d = Decompressor.restore(cp, { ...c.decoderOptions, ...(omit ? { history: produced } : {}) });
      expect(d.inputOffset).toBe(pos);
      hops++;
    }
    d.end();
    expect(hops).toBeGreaterThan(5);
    expect(produced.equals(c.plain)).toBe(true);
  });
});
