// The ESM entry point re-exports the CommonJS build; every export must be reachable from both.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as lz4 from '../lib';

const root = path.join(__dirname, '..');

test('import and require expose the same names and work', () => {
  const script = `
    import * as m from ${JSON.stringify(path.join(root, 'dist/esm/index.mjs'))};
    const packed = m.compressSync('esm works');
    console.log(JSON.stringify({ names: Object.keys(m).filter((k) => k !== 'default').sort(),
      text: m.decompressSync(packed).toString() }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  expect(out.text).toBe('esm works');
  expect(out.names).toEqual(Object.keys(lz4).sort());
});

test('require of the compiled package works', () => {
  const script = `const m = require(${JSON.stringify(root)}); console.log(m.decompressSync(m.compressSync('cjs works')).toString(), m.LZ4_VERSION);`;
  expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()).toBe('cjs works 1.10.0');
});
