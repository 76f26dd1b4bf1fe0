// decompressTo against a real HTTP server that drops connections, refuses Range, changes its
// ETag; against files and source functions; and resumes that must refuse what no longer fits.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { compressSync, decompressTo, Decompressor, readCheckpointFile, readCheckpointInfo } from '../lib';
import { compressibleBytes, mixedBytes, prng } from './helpers/data';
import { rejected } from './helpers/outcome';
import { startRangeServer } from './helpers/range-server';
import { useTmpDir } from './helpers/tmp';

const tmp = useTmpDir('resumable');
const plain = mixedBytes(3_000_000, 61);
const compressed = compressSync(plain, { blockLinked: true, blockSize: 65536 });
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A function source over `data` that yields `chunk`-byte pieces and records the offsets it was opened at. */
function functionSource(data: Buffer, chunk = 32 * 1024, opened: number[] = []) {
  return (offset: number) => {
    opened.push(offset);
    return (async function* () {
      for (let at = offset; at < data.length; at += chunk) {
        await new Promise((resolve) => setImmediate(resolve));
        yield data.subarray(at, at + chunk);
      }
    })();
  };
}

/** Leaves a partial download of `compressed` in `output` with its checkpoint, by aborting at about `fraction`. */
async function partialDownload(
  output: string,
  fraction = 0.5,
  input: Buffer = compressed,
  options: { dictionary?: Buffer } = {},
): Promise<void> {
  const controller = new AbortController();
  const error = await rejected(
    decompressTo(functionSource(input), output, {
      ...options,
      checkpointInterval: 100_000,
      signal: controller.signal,
      onProgress: ({ inputBytes }) => {
        if (inputBytes >= input.length * fraction) controller.abort();
      },
    }),
  );
  expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
}

describe('over HTTP', () => {
  test('100 dropped connections: identical output, each reconnect asks for exactly the next undecoded byte', async () => {
    const random = prng(62);
    const server = await startRangeServer(compressed, {
      etag: '"v1"',
      dropAfter: (_request, index) => (index < 100 ? 1 + Math.floor(random() * (compressed.length / 150)) : undefined),
    });
    try {
      const output = tmp().path('http-drops.out');
      const decodedUpTo: number[] = [0];
      const result = await decompressTo(server.url, output, {
        checkpointInterval: 200_000,
        retryDelay: 1,
        onProgress: ({ inputBytes }) => decodedUpTo.push(inputBytes),
      });
      expect(result).toEqual({
        inputBytes: compressed.length,
        outputBytes: plain.length,
        resumed: false,
        reconnects: 100,
      });
      expect(sha(fs.readFileSync(output))).toBe(sha(plain));
      const { requests } = server;
      expect(requests).toHaveLength(101);
      expect(requests.slice(0, 100).every((r) => r.dropped && r.status === 206)).toBe(true);
      for (let i = 1; i < requests.length; i++) {
        // Never before what the previous connection started at, never past what it delivered...
        expect(requests[i].start).toBeGreaterThanOrEqual(requests[i - 1].start);
        expect(requests[i].start).toBeLessThanOrEqual(requests[i - 1].start + requests[i - 1].sent);
        // ...and exactly where decoding had stopped: no byte is fed to the decoder twice.
        expect(decodedUpTo).toContain(requests[i].start);
      }
      // The progress reports only grow: the decoder's input offset never went back.
      expect(decodedUpTo.every((v, i) => i === 0 || v >= decodedUpTo[i - 1])).toBe(true);
      // What the server sent beyond the file's size is what sat in socket buffers when a
      // connection dropped (Node discards a response's unread data on a reset): bounded per drop.
      const served = requests.reduce((sum, r) => sum + r.sent, 0);
      expect(served - compressed.length).toBeLessThanOrEqual(100 * 128 * 1024);
      expect(fs.existsSync(`${output}.lz4ckpt`)).toBe(false);
    } finally {
      await server.close();
    }
  });

  test('a server that ignores Range is refused (ERR_LZ4_RANGE_UNSUPPORTED) after the drop, leaving a checkpoint to resume from', async () => {
    const server = await startRangeServer(compressed, {
      ignoreRange: true,
      dropAfter: (_r, index) => (index === 0 ? 900_000 : undefined),
    });
    try {
      const output = tmp().path('no-range.out');
      const error = await rejected(decompressTo(server.url, output, { checkpointInterval: 100_000, retryDelay: 1 }));
      expect(error.code).toBe('ERR_LZ4_RANGE_UNSUPPORTED');
      expect(error.message).toMatch(/ignores Range/);
      expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
      const record = await readCheckpointFile(`${output}.lz4ckpt`);
      expect(record).toBeDefined();
      expect(record!.inputOffset).toBeGreaterThan(500_000);
      expect(
        fs.readFileSync(output).subarray(0, record!.outputOffset).equals(plain.subarray(0, record!.outputOffset)),
      ).toBe(true);
      // The server learns Range; the next run resumes where the checkpoint is.
      server.behaviour = {};
      const result = await decompressTo(server.url, output, { retryDelay: 1 });
      expect(result).toMatchObject({ resumed: true, reconnects: 0 });
      expect(server.requests[server.requests.length - 1].start).toBe(record!.inputOffset);
      expect(sha(fs.readFileSync(output))).toBe(sha(plain));
    } finally {
      await server.close();
    }
  });

  test('retries are consecutive failures: 503 forever gives up after `retries` (ERR_LZ4_SOURCE_FAILED) with a checkpoint', async () => {
    const server = await startRangeServer(compressed, {
      dropAfter: (_r, index) => (index === 0 ? 500_000 : undefined),
      statusFor: (index) => (index > 0 ? 503 : undefined),
    });
    try {
      const output = tmp().path('unavailable.out');
      const error = await rejected(decompressTo(server.url, output, { retries: 3, retryDelay: 1 }));
      expect(error.code).toBe('ERR_LZ4_SOURCE_FAILED');
      expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ERR_LZ4_HTTP_STATUS');
      // The drop, then three retries.
      expect(server.requests).toHaveLength(4);
      const record = await readCheckpointFile(`${output}.lz4ckpt`);
      expect(record!.inputOffset).toBeGreaterThan(400_000);
    } finally {
      await server.close();
    }
  });

  test('404 is not retried (ERR_LZ4_HTTP_STATUS); a changed ETag refuses the resume (ERR_LZ4_RESUME_INPUT_CHANGED)', async () => {
    const server = await startRangeServer(compressed, { statusFor: () => 404 });
    try {
      const output = tmp().path('etag.out');
      expect((await rejected(decompressTo(server.url, output, { retryDelay: 1 }))).code).toBe('ERR_LZ4_HTTP_STATUS');
      expect(server.requests).toHaveLength(1);
      server.behaviour = { etag: '"v1"', dropAfter: (_r, index) => (index === 1 ? 1_000_000 : undefined) };
      const first = await rejected(decompressTo(server.url, output, { retries: 0, retryDelay: 1 }));
      expect(first.code).toBe('ERR_LZ4_SOURCE_FAILED');
      const checkpoint = fs.readFileSync(`${output}.lz4ckpt`);
      const partial = fs.readFileSync(output);
      server.behaviour = { etag: '"v2"' };
      const error = await rejected(decompressTo(server.url, output));
      expect(error.code).toBe('ERR_LZ4_RESUME_INPUT_CHANGED');
      expect(error.message).toMatch(/ETag/);
      expect(fs.readFileSync(`${output}.lz4ckpt`).equals(checkpoint)).toBe(true);
      expect(fs.readFileSync(output).equals(partial)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('files and source functions', () => {
  test('a file path and a file: URL decode with the content checksum verified', async () => {
    const input = tmp().write('plain-run.lz4', compressed);
    const output = tmp().path('plain-run.out');
    expect(await decompressTo(input, output)).toEqual({
      inputBytes: compressed.length,
      outputBytes: plain.length,
      resumed: false,
      reconnects: 0,
    });
    expect(fs.readFileSync(output).equals(plain)).toBe(true);
    await decompressTo(new URL(`file://${input}`), output);
    expect(fs.readFileSync(output).equals(plain)).toBe(true);
    const damaged = Buffer.from(compressed);
    damaged[damaged.length - 1] ^= 1;
    const error = await rejected(
      decompressTo(tmp().write('bad-checksum.lz4', damaged), tmp().path('bad-checksum.out')),
    );
    expect(error.code).toBe('ERR_LZ4F_CONTENTCHECKSUM_INVALID');
  });

  test('a source function that fails is called again at the exact offset reached', async () => {
    const opened: number[] = [];
    let calls = 0;
    const flaky = (offset: number) => {
      opened.push(offset);
      const fail = ++calls <= 6;
      return (async function* () {
        let at = offset;
        for (; at < compressed.length; at += 50_000) {
          if (fail && at >= offset + 150_000) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
          yield compressed.subarray(at, at + 50_000);
        }
      })();
    };
    const output = tmp().path('flaky.out');
    const result = await decompressTo(flaky, output, { retryDelay: 1, checkpointInterval: 120_000 });
    expect(result.reconnects).toBe(6);
    expect(opened).toEqual([0, 150_000, 300_000, 450_000, 600_000, 750_000, 900_000]);
    expect(fs.readFileSync(output).equals(plain)).toBe(true);
  });

  test('abort leaves a valid checkpoint; the resume (from a file this time) completes identically', async () => {
    const output = tmp().path('abort.out');
    await partialDownload(output, 0.4);
    const record = await readCheckpointFile(`${output}.lz4ckpt`);
    expect(record!.inputOffset).toBeGreaterThanOrEqual(compressed.length * 0.4);
    expect(fs.statSync(output).size).toBeGreaterThanOrEqual(record!.outputOffset);
    // Linked blocks: the checkpoint omits its 64 KiB window, which comes back from the output.
    expect(readCheckpointInfo(record!.decoder)).toMatchObject({ historyEmbedded: false, historyLength: 65536 });
    expect(record!.outputTail.length).toBe(65536);
    const input = tmp().write('abort.lz4', compressed);
    const result = await decompressTo(input, output);
    expect(result).toMatchObject({ resumed: true, inputBytes: compressed.length, outputBytes: plain.length });
    expect(sha(fs.readFileSync(output))).toBe(sha(plain));
    expect(fs.existsSync(`${output}.lz4ckpt`)).toBe(false);
  });

  test('an input that ends inside a frame is ERR_LZ4_NO_DATA, resumable once the rest exists', async () => {
    const output = tmp().path('growing.out');
    const head = compressed.subarray(0, 1_234_567);
    expect((await rejected(decompressTo(functionSource(head), output))).code).toBe('ERR_LZ4_NO_DATA');
    const record = await readCheckpointFile(`${output}.lz4ckpt`);
    expect(record!.inputOffset).toBeGreaterThan(1_000_000);
    const result = await decompressTo(functionSource(compressed), output);
    expect(result.resumed).toBe(true);
    expect(sha(fs.readFileSync(output))).toBe(sha(plain));
  });

  test('resume: false starts over', async () => {
    const output = tmp().path('restart.out');
    await partialDownload(output, 0.3);
    const opened: number[] = [];
    const result = await decompressTo(functionSource(compressed, 65536, opened), output, { resume: false });
    expect(result.resumed).toBe(false);
    expect(opened).toEqual([0]);
    expect(fs.readFileSync(output).equals(plain)).toBe(true);
  });

  test('a tiny input, independent blocks, a dictionary', async () => {
    const dictionary = compressibleBytes(50_000, 63);
    const small = compressibleBytes(500_000, 64);
    for (const [data, input, options] of [
      [Buffer.from('hi'), compressSync('hi'), {}],
      [small, compressSync(small, { blockLinked: false, blockChecksum: true }), {}],
      [small, compressSync(small, { dictionary }), { dictionary }],
    ] as const) {
      const output = tmp().path('small.out');
      await partialDownload(output, 0.5, input, options);
      await decompressTo(functionSource(input), output, { ...options, checkpointInterval: 50_000 });
      expect(fs.readFileSync(output).equals(data as Buffer)).toBe(true);
    }
  });
});

describe('a resume refuses what does not fit, and touches nothing', () => {
  const output = () => tmp().path('refuse.out');
  const checkpoint = () => `${output()}.lz4ckpt`;
  let saved: { output: Buffer; checkpoint: Buffer };

  beforeEach(async () => {
    fs.rmSync(checkpoint(), { force: true });
    await partialDownload(output(), 0.5);
    saved = { output: fs.readFileSync(output()), checkpoint: fs.readFileSync(checkpoint()) };
  });

  async function refused(input: Parameters<typeof decompressTo>[0], code: string, message: RegExp): Promise<void> {
    const present = fs.existsSync(output());
    const before = {
      output: present ? fs.readFileSync(output()) : undefined,
      checkpoint: fs.readFileSync(checkpoint()),
    };
    const error = await rejected(decompressTo(input, output()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    if (before.output) expect(fs.readFileSync(output()).equals(before.output)).toBe(true);
    else expect(fs.existsSync(output())).toBe(false);
    expect(fs.readFileSync(checkpoint()).equals(before.checkpoint)).toBe(true);
  }

  test('a truncated output: ERR_LZ4_RESUME_OUTPUT_SHORT', async () => {
    const record = await readCheckpointFile(checkpoint());
    fs.truncateSync(output(), record!.outputOffset - 1);
    await refused(functionSource(compressed), 'ERR_LZ4_RESUME_OUTPUT_SHORT', /truncated or replaced/);
    fs.rmSync(output());
    await refused(functionSource(compressed), 'ERR_LZ4_RESUME_OUTPUT_SHORT', /has 0 bytes/);
  });

  test('a changed output: ERR_LZ4_RESUME_OUTPUT_MISMATCH', async () => {
    const record = await readCheckpointFile(checkpoint());
    const changed = Buffer.from(saved.output);
    changed[record!.outputOffset - 100] ^= 1;
    fs.writeFileSync(output(), changed);
    await refused(functionSource(compressed), 'ERR_LZ4_RESUME_OUTPUT_MISMATCH', /not the output/);
  });

  test("a foreign checkpoint: garbage, a bare decoder checkpoint, another download's", async () => {
    fs.writeFileSync(checkpoint(), Buffer.from('not a checkpoint at all, just some text. '.repeat(3)));
    await refused(functionSource(compressed), 'ERR_LZ4_BAD_CHECKPOINT', /wrong magic/);
    const decoder = new Decompressor();
    decoder.update(compressed.subarray(0, 100_000));
    fs.writeFileSync(checkpoint(), decoder.checkpoint());
    decoder.close();
    await refused(functionSource(compressed), 'ERR_LZ4_BAD_CHECKPOINT', /wrong magic/);
    const damaged = Buffer.from(saved.checkpoint);
    damaged[damaged.length - 40] ^= 1;
    fs.writeFileSync(checkpoint(), damaged);
    await refused(functionSource(compressed), 'ERR_LZ4_BAD_CHECKPOINT', /checksum mismatch/);
    const other = tmp().path('other.out');
    await partialDownload(other, 0.5, compressSync(compressibleBytes(3_000_000, 65)));
    fs.copyFileSync(`${other}.lz4ckpt`, checkpoint());
    await refused(functionSource(compressed), 'ERR_LZ4_RESUME_OUTPUT_MISMATCH', /not the output/);
  });

  test('a changed input: other first bytes, another size', async () => {
    const otherHead = Buffer.from(compressed);
    otherHead[20] ^= 1;
    await refused(functionSource(otherHead), 'ERR_LZ4_RESUME_INPUT_CHANGED', /first 64 bytes differ/);
    // The checkpoint came from a function source (no size); a file tells its size, checked on the next one.
    const file = tmp().write('sized.lz4', compressed);
    const record = await readCheckpointFile(checkpoint());
    expect(record!.input.size).toBeUndefined();
    fs.copyFileSync(file, tmp().path('grown.lz4'));
    fs.appendFileSync(tmp().path('grown.lz4'), compressSync('more'));
    const controller = new AbortController();
    await rejected(
      decompressTo(file, tmp().path('sized.out'), {
        signal: controller.signal,
        checkpointInterval: 100_000,
        onProgress: ({ inputBytes }) => inputBytes > 500_000 && controller.abort(),
      }),
    );
    const sizedCheckpoint = fs.readFileSync(tmp().path('sized.out.lz4ckpt'));
    const error = await rejected(decompressTo(tmp().path('grown.lz4'), tmp().path('sized.out')));
    expect(error.code).toBe('ERR_LZ4_RESUME_INPUT_CHANGED');
    expect(error.message).toMatch(/size/);
    expect(fs.readFileSync(tmp().path('sized.out.lz4ckpt')).equals(sizedCheckpoint)).toBe(true);
  });
});

test('bad arguments are TypeError / RangeError before any file is touched', async () => {
  const output = tmp().path('args.out');
  await expect(decompressTo(42 as never, output)).rejects.toThrow(TypeError);
  await expect(decompressTo('ftp://example.com/x.lz4', output)).rejects.toThrow(TypeError);
  await expect(decompressTo(functionSource(compressed), '')).rejects.toThrow(TypeError);
  await expect(decompressTo(functionSource(compressed), output, { retries: -1 })).rejects.toThrow(RangeError);
  await expect(decompressTo(functionSource(compressed), output, { checkpointInterval: 0 })).rejects.toThrow(RangeError);
  await expect(decompressTo(functionSource(compressed), output, { bogus: 1 } as never)).rejects.toThrow(TypeError);
  await expect(decompressTo(functionSource(compressed), output, { signal: 'x' } as never)).rejects.toThrow(TypeError);
  expect(fs.existsSync(output)).toBe(false);
  await expect(decompressTo(() => 42 as never, output)).rejects.toThrow(TypeError);
});
