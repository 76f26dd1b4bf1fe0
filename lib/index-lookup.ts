// Which index a random-access call uses, in order: the `index` option, the file's own seek table,
// an `<file>.lz4idx` beside it, else one built on the spot. Whichever it is must match the data.
import { ByteReader, filePathOf, openByteReader, RandomAccessInput } from './byte-reader';
import { Decompressor } from './decompressor';
import { BuildIndexOptions, fingerprintOfReader, IndexBuildSettings, indexBuildSettings, indexOf } from './index-build';
import { indexMismatch, indexPathFor, loadIndex, Lz4Index } from './index-file';
import { locateSeekTable, writeSeekTable } from './seek-table';

export interface IndexedInput {
  index: Lz4Index;
  /** End of the LZ4 data: the file's size, or where its seek table begins. */
  dataEnd: number;
}

export function checkIndexOption(index: unknown): Lz4Index | undefined {
  if (index === undefined || index instanceof Lz4Index) return index;
  throw new TypeError('options.index must be an Lz4Index (see buildIndex and Lz4Index.from)');
}

export async function checkIndexMatches(index: Lz4Index, reader: ByteReader, dataEnd: number): Promise<void> {
  if (index.inputSize !== dataEnd)
    throw indexMismatch(`it indexes ${index.inputSize} bytes of LZ4 data, the input has ${dataEnd}`);
  if (!index.fingerprint.equals(await fingerprintOfReader(reader, dataEnd))) {
    throw indexMismatch(
      'its fingerprint (size, first and last 4 KiB) differs: the index belongs to another file, or the file changed',
    );
  }
}

async function sidecarIndex(reader: ByteReader): Promise<Lz4Index | undefined> {
  if (reader.path === undefined) return undefined;
  try {
    return await loadIndex(indexPathFor(reader.path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function indexedInput(
  reader: ByteReader,
  index: Lz4Index | undefined,
  settings: IndexBuildSettings,
): Promise<IndexedInput> {
  const seekTable = await locateSeekTable(reader);
  const dataEnd = seekTable?.dataEnd ?? reader.size;
  const chosen =
    index ?? seekTable?.index ?? (await sidecarIndex(reader)) ?? (await indexOf(reader, dataEnd, settings));
  await checkIndexMatches(chosen, reader, dataEnd);
  return { index: chosen, dataEnd };
}

/** Options of `appendSeekTable`: an index to store, or the `buildIndex` options to build one. */
export interface AppendSeekTableOptions extends Omit<BuildIndexOptions, 'seekTable'> {
  /** The index to store (default: built now with the other options). */
  index?: Lz4Index;
}

/**
 * Stores an index at the end of the .lz4 file `file`, as a skippable frame every LZ4 decoder
 * skips, replacing a seek table already there. Returns the index stored.
 */
export async function appendSeekTable(file: string | URL, options?: AppendSeekTableOptions): Promise<Lz4Index> {
  const { index: given, ...buildOptions } = options ?? {};
  const index = checkIndexOption(given);
  const settings = indexBuildSettings(buildOptions);
  new Decompressor({ dictionary: settings.dictionary }).close();
  const target = filePathOf(file, 'file');
  const reader = await openByteReader(target, 'file');
  let stored: Lz4Index;
  let dataEnd: number;
  try {
    dataEnd = (await locateSeekTable(reader))?.dataEnd ?? reader.size;
    stored = index ?? (await indexOf(reader, dataEnd, settings));
    await checkIndexMatches(stored, reader, dataEnd);
  } finally {
    await reader.close();
  }
  await writeSeekTable(target, stored, dataEnd);
  return stored;
}

/** The index in `input`'s seek table, or undefined when it has none. */
export async function readSeekTable(input: RandomAccessInput): Promise<Lz4Index | undefined> {
  const reader = await openByteReader(input);
  try {
    return (await locateSeekTable(reader))?.index;
  } finally {
    await reader.close();
  }
}
