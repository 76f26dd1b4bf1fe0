#!/usr/bin/env node
'use strict';
// Prints binding.gyp's targets as CMake variables, so that CMakeLists.txt (sanitizer and fuzz
// builds) compiles exactly the sources, include dirs and defines node-gyp does: binding.gyp
// stays the one build description. `<!(command)` entries are expanded as gyp expands them.
//   GYP_<target>_SOURCES, GYP_<target>_INCLUDE_DIRS, GYP_<target>_DEFINES
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
// binding.gyp is a Python literal: JSON plus `#` comments (none of our strings contain `#`).
const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8').replace(/#.*$/gm, ''));

function expand(entry) {
  const command = /^<!\((.*)\)$/.exec(entry);
  return command ? execSync(command[1], { cwd: root, encoding: 'utf8' }).trim() : entry;
}

// CMake list syntax, paths made absolute (CMake resolves relative ones against other folders).
function list(entries, absolute) {
  return (entries || [])
    .map(expand)
    .map((e) => (absolute ? path.resolve(root, e) : e).replace(/\\/g, '/'))
    .map((e) => `"${e.replace(/"/g, '\\"')}"`)
    .join(' ');
}

const lines = [];
for (const target of gyp.targets) {
  const name = target.target_name;
  lines.push(`set(GYP_${name}_SOURCES ${list(target.sources, true)})`);
  lines.push(`set(GYP_${name}_INCLUDE_DIRS ${list(target.include_dirs, true)})`);
  lines.push(`set(GYP_${name}_DEFINES ${list(target.defines, false)})`);
}
process.stdout.write(`${lines.join('\n')}\n`);
