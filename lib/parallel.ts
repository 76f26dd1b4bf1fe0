// decompressParallel: the segments between index entries are independent, so they are decoded
// concurrently (each on the libuv threadpool) and written at their own output offsets.
import { availableParallelism } from 'os';
import * as fs from 'fs';
import { checkSignal, throwIfAborted } from './abort';
import { filePathOf, openByteReader } from './byte-reader';
import { Decompressor } from './decompressor';
import { DEFAULT_INTERVAL, indexBuildSettings } from './index-build';
import { indexMismatch, Lz4Index } from './index-file';
import { checkIndexOption, indexedInput } from './index-lookup';
import { BinaryInput } from './input';
import { runInLanes } from './lanes';
import { check, integer } from './options';
import { decodeSegment } from './segment-decode';

/** Options of `decompressParallel`. */
export interface DecompressParallelOptions {
  /** The index to split at; default: the file's seek table, else `<file>.lz4idx`, else one built now. */
  index?: Lz4Index;
  /** Segments decoded at once (default os.availableParallelism()). */
  concurrency?: number;
  /** Entry spacing of an index built here (default: input size / (8 × concurrency), between 1 and 64 MiB). */
  interval?: number;
  /** The dictionary the data was compressed with. */
  dictionary?: BinaryInput;
  /** Stops the work with an AbortError (code 'ABORT_ERR'); a partly written output file is removed. */
  signal?: AbortSignal;
}

/** What `decompressParallel` resolves to once the output is written. */
export interface DecompressParallelResult {
  /** Bytes of LZ4 data decoded (a seek table after them is not counted). */
  inputBytes: number;
  /** Size of the output file. */
  outputBytes: number;
  /** Segments decoded: the index's entry count. */
  segments: number;
}

const CHUNK = 1024 * 1024;
const MIB = 1024 * 1024;

/** Decodes the .lz4 file `input` into `output` (replaced), segment by segment in parallel; byte-identical to a serial decode. */
export async function decompressParallel(
  input: string | URL,
  output: string | URL,
  options?: DecompressParallelOptions,
): Promise<DecompressParallelResult> {
  const source = filePathOf(input, 'input');
  const target = filePathOf(output, 'output');
  const o = check(options, ['index', 'concurrency', 'interval', 'dictionary', 'signal']);
  const given = checkIndexOption(o.index);
  const concurrency = integer(o, 'concurrency', availableParallelism(), 1, 1024);
  const signal = checkSignal(o.signal);
  const dictionary = o.dictionary as BinaryInput | undefined;
  new Decompressor({ dictionary }).close();
  const reader = await openByteReader(source, 'input');
  try {
    const fallback = Math.min(DEFAULT_INTERVAL, Math.max(MIB, Math.floor(reader.size / (8 * concurrency))));
    const settings = indexBuildSettings({ interval: o.interval ?? fallback, dictionary, signal });
    const { index, dataEnd } = await indexedInput(reader, given, settings);
    const { entries } = index;
    const handle = await fs.promises.open(target, 'w');
    let failed = true;
    try {
      await handle.truncate(index.outputSize);
      await runInLanes(entries.length, concurrency, async (i) => {
        throwIfAborted(signal);
        const start = entries[i];
        const end = i + 1 < entries.length ? entries[i + 1] : { inputOffset: dataEnd, outputOffset: index.outputSize };
        const reached = await decodeSegment({
          reader,
          dataEnd,
          start,
          end: end.inputOffset,
          dictionary,
          chunkSize: CHUNK,
          signal,
          async onOutput(bytes, at) {
            if (at + bytes.length > end.outputOffset)
              throw indexMismatch(`segment ${i} decodes past offset ${end.outputOffset}`);
            let written = 0;
            while (written < bytes.length) {
              written += (await handle.write(bytes, written, bytes.length - written, at + written)).bytesWritten;
            }
          },
        });
        if (reached !== end.outputOffset) {
          throw indexMismatch(`segment ${i} decodes to offset ${reached}, the index says ${end.outputOffset}`);
        }
      });
      failed = false;
      return { inputBytes: dataEnd, outputBytes: index.outputSize, segments: entries.length };
    } finally {
      await handle.close();
      if (failed) await fs.promises.rm(target, { force: true });
    }
  } finally {
    await reader.close();
  }
}
