// Child processes cannot use ts-jest: this transpiles lib/*.ts as they are now (not a possibly
// stale dist/) into a package-shaped temporary directory whose build/, node_modules/, package.json
// and binding.gyp are links to the real ones, so the addon loads exactly as in the tests.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/** Returns the path of the compiled lib/index.js inside `dir`. */
export function compileLib(dir: string): string {
  const pkg = path.join(dir, 'pkg');
  fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  for (const name of ['build', 'node_modules', 'package.json', 'binding.gyp']) {
    if (fs.existsSync(path.join(ROOT, name))) fs.symlinkSync(path.join(ROOT, name), path.join(pkg, name));
  }
  for (const file of fs.readdirSync(path.join(ROOT, 'lib'))) {
    if (!file.endsWith('.ts')) continue;
    const source = fs.readFileSync(path.join(ROOT, 'lib', file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    fs.writeFileSync(path.join(pkg, 'lib', file.replace(/\.ts$/, '.js')), outputText);
  }
  return path.join(pkg, 'lib', 'index.js');
}
