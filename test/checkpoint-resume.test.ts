// The scenario lz4framed exists for: a stream cut anywhere continues from the decoder's state,
// by a new source, by a clone, or by a checkpoint restored in another process.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compressSync, Decompressor, readCheckpointInfo } from '../lib';
import { collect, droppingSource, forkInput, source } from './helpers/checkpoint-fixtures';

const plain = forkInput();
const plainHash = createHash('sha256').update(plain).digest('hex');
const fromEnd = [1, 11, 15, 16, 31, 32, 33, 63, 64, 65, 1023, 1025];

function cutsFor(length: number, seed: number): number[] {
  let x = seed;
  const random = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cuts = fromEnd.map((n) => length - n).filter((n) => n > 0);
  for (let i = 0; i < 6; i++) cuts.push(1 + Math.floor(random() * (length - 2)));
  return cuts;
}

const modes = [];
for (const blockLinked of [true, false]) {
  for (const contentChecksum of [true, false]) {
    for (const level of [0, 9]) modes.push({ blockLinked, contentChecksum, level });
  }
}

describe.each(modes)('fork scenario, 64 KiB blocks, %o', (mode) => {
  const compressed = compressSync(plain, { ...mode, blockSize: 65536 });
  const cuts = cutsFor(compressed.length, compressed.length);

  test('read(newSource) after a dropped source continues at inputOffset', async () => {
    for (const cut of cuts) {
      const d = new Decompressor();
      const parts: Buffer[] = [];
      await expect(
        (async () => {
          for await (const part of d.read(droppingSource(compressed, 0, cut, 7919))) parts.push(part);
        })(),
      ).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(d.inputOffset).toBe(cut);
      expect(d.outputOffset).toBe(Buffer.concat(parts).length);
      parts.push(await collect(d.read(source(compressed, d.inputOffset, 65536))));
      d.end();
      expect(Buffer.concat(parts).equals(plain)).toBe(true);
    }
  });

  test('clone() continues independently of the original', () => {
    for (const cut of cuts) {
      const d = new Decompressor();
      const head = d.update(compressed.subarray(0, cut));
      const copy = d.clone();
      expect(copy.inputOffset).toBe(cut);
      expect(copy.outputOffset).toBe(head.length);
      // The original goes on with garbage and fails; the clone is untouched by that.
      const garbage = Buffer.from(compressed.subarray(cut));
      garbage.fill(0x5a, 0, Math.min(garbage.length, 40));
      try {
        d.update(garbage);
        d.end();
      } catch {
        // expected for most cuts: the point is the clone below
      }
      const tail = copy.update(compressed.subarray(cut));
      copy.end();
      expect(Buffer.concat([head, tail]).equals(plain)).toBe(true);
    }
  });

  test('checkpoint → restore in a child process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-ckpt-'));
    try {
      const jobs = cuts.map((cut, i) => {
        const d = new Decompressor();
        const head = d.update(compressed.subarray(0, cut));
        const omit = i % 2 === 1;
        const cp = d.checkpoint({ history: omit ? 'omit' : 'embed' });
        const info = readCheckpointInfo(cp);
        expect(info).toMatchObject({ inputOffset: cut, outputOffset: head.length, byteLength: cp.length });
        fs.writeFileSync(path.join(dir, `${i}.ckpt`), cp);
        fs.writeFileSync(path.join(dir, `${i}.head`), head);
        return { i, cut, omit };
      });
      fs.writeFileSync(path.join(dir, 'input.lz4'), compressed);
      // A fresh process loads its own addon instance and restores every checkpoint.
      const script = `
        const fs = require('fs'), path = require('path'), crypto = require('crypto');
        const { Decompressor } = require(${JSON.stringify(path.join(__dirname, '..'))});
        const dir = ${JSON.stringify(dir)};
        const compressed = fs.readFileSync(path.join(dir, 'input.lz4'));
        const results = ${JSON.stringify(jobs)}.map(({ i, cut, omit }) => {
          const head = fs.readFileSync(path.join(dir, i + '.head'));
          const d = Decompressor.restore(fs.readFileSync(path.join(dir, i + '.ckpt')), omit ? { history: head } : {});
          const tail = d.update(compressed.subarray(d.inputOffset));
          d.end();
          return crypto.createHash('sha256').update(head).update(tail).digest('hex');
        });
        console.log(JSON.stringify(results));
      `;
      const hashes = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
      expect(hashes).toEqual(jobs.map(() => plainHash));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a source that simply ends mid-frame ends read() quietly; end() reports the truncation', async () => {
  const compressed = compressSync(plain);
  const d = new Decompressor();
  const head = await collect(d.read(source(compressed.subarray(0, 5000), 0, 1000)));
  expect(plain.subarray(0, head.length).equals(head)).toBe(true);
  expect(() => d.end()).toThrow(expect.objectContaining({ code: 'ERR_LZ4_NO_DATA' }));
});

test('read() takes Node Readables and web ReadableStreams', async () => {
  const { Readable } = await import('stream');
  const compressed = compressSync(plain.subarray(0, 200000));
  const fromNode = await collect(
    new Decompressor().read(Readable.from([compressed.subarray(0, 100), compressed.subarray(100)])),
  );
  expect(fromNode.equals(plain.subarray(0, 200000))).toBe(true);
  const web = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(compressed.subarray(0, 33));
      controller.enqueue(compressed.subarray(33));
      controller.close();
    },
  });
  const fromWeb = await collect(new Decompressor().read(web as unknown as AsyncIterable<Uint8Array>));
  expect(fromWeb.equals(plain.subarray(0, 200000))).toBe(true);
  await expect(collect(new Decompressor().read(42 as never))).rejects.toThrow(TypeError);
});

test('a checkpoint restores in a worker thread', async () => {
  const { Worker } = await import('worker_threads');
  const compressed = compressSync(plain, { blockLinked: true });
  const d = new Decompressor();
  const head = d.update(compressed.subarray(0, 40000));
  const cp = d.checkpoint();
  const worker = new Worker(
    `const { parentPort, workerData } = require('worker_threads');
     const { Decompressor } = require(workerData.root);
     const d = Decompressor.restore(workerData.cp);
     const tail = d.update(workerData.compressed.subarray(d.inputOffset));
     d.end();
     parentPort.postMessage(tail);`,
    { eval: true, workerData: { root: path.join(__dirname, '..'), cp, compressed } },
  );
  const tail: Uint8Array = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  expect(Buffer.concat([head, Buffer.from(tail)]).equals(plain)).toBe(true);
});
