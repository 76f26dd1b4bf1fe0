// A private temporary directory per test file, removed when the file's tests are over.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TmpDir {
  readonly dir: string;
  path(name: string): string;
  write(name: string, data: Uint8Array): string;
  read(name: string): Buffer;
  remove(): void;
}

export function makeTmpDir(prefix: string): TmpDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lz4framed-${prefix}-`));
  return {
    dir,
    path: (name) => path.join(dir, name),
    write(name, data) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      return file;
    },
    read: (name) => fs.readFileSync(path.join(dir, name)),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Registers a temp dir for the current test file: created before its tests, removed after. */
export function useTmpDir(prefix: string): () => TmpDir {
  let tmp: TmpDir | undefined;
  beforeAll(() => {
    tmp = makeTmpDir(prefix);
  });
  afterAll(() => {
    tmp?.remove();
    if (tmp) expect(fs.existsSync(tmp.dir)).toBe(false);
  });
  return () => {
    if (!tmp) throw new Error('the temp dir exists only while the tests run');
    return tmp;
  };
}
