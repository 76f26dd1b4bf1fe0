'use strict';
// The benchmark's data, generated from a fixed seed with integer arithmetic only (no Math.random,
// no floating-point library calls), so every machine gets the same bytes: the sha256 printed with
// the results says so. Generated once and cached (LZ4FRAMED_BENCH_CACHE, else the OS temp dir).
//
// - mixed: regions of 16 KiB to 512 KiB, each of one kind: prose, log lines, JSON records
//   (text, about two thirds of the regions), struct tables, machine-code-like bytes, sparse
//   tables (binary, 30%) and noise standing in for already-compressed files (3%). liblz4 at
//   level 0 (64 KiB linked blocks) compresses 100 MiB of it 3.0:1 (level 9: 4.1:1); the
//   16 MiB of --quick 3.4:1.
// - incompressible: seeded random bytes.
// - compressible: a 4 KiB page of log text repeated with a counter changed on every page
//   (about 100:1 at level 0).
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

// Bump when the generator changes: cached files of another version are never reused.
const GENERATOR_VERSION = 1;

const MiB = 1024 * 1024;

// sfc32: a small, fast generator on 32-bit integers with a 128-bit state.
function makeRandom(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  // An integer in [0, n) for n < 2^32 (the tiny modulo bias is irrelevant here).
  next.below = (n) => next() % n;
  next.between = (lo, hi) => lo + (next() % (hi - lo + 1));
  return next;
}

// ---------------------------------------------------------------- text

const SYLLABLES = (
  'ka ri to me na lo su vi de pa ro ne ti la mo ga be ku si ha ze fo ly dra ' +
  'pre sto qui ver tan mon bel cor dis fer gra hel jun lim nor pur quo sel tor ul vin wex yar zul'
).split(' ');

function makeWords(random, count) {
  const words = [];
  const seen = new Set();
  while (words.length < count) {
    const n = random.between(1, 4);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[random.below(SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

// A table in which word i appears about 1/(i+1) as often as word 0 (Zipf's law, as in real text).
function zipfTable(words, size) {
  const table = new Array(size);
  let harmonic = 0;
  for (let i = 0; i < words.length; i++) harmonic += Math.floor(1e6 / (i + 1));
  let pos = 0;
  for (let i = 0; i < words.length && pos < size; i++) {
    const n = Math.max(1, Math.floor((Math.floor(1e6 / (i + 1)) * size) / harmonic));
    for (let k = 0; k < n && pos < size; k++) table[pos++] = words[i];
  }
  while (pos < size) table[pos++] = words[words.length - 1];
  return table;
}

function makeTextKit(random) {
  const words = makeWords(random, 6000);
  const kit = { words, zipf: zipfTable(words, 1 << 16) };
  kit.log = makeLogKit(random, kit);
  return kit;
}

function pickWord(random, kit) {
  return kit.zipf[random() & 0xffff];
}

function sentence(random, kit) {
  const n = random.between(4, 18);
  let s = '';
  for (let i = 0; i < n; i++) {
    const w = pickWord(random, kit);
    s += i === 0 ? w[0].toUpperCase() + w.slice(1) : (random.below(9) === 0 ? ', ' : ' ') + w;
  }
  return s + (random.below(8) === 0 ? '?' : '.');
}

function prose(random, kit, size) {
  const parts = [];
  let length = 0;
  while (length < size) {
    let p = '';
    const sentences = random.between(2, 8);
    for (let i = 0; i < sentences; i++) p += (i ? ' ' : '') + sentence(random, kit);
    p += '\n\n';
    parts.push(p);
    length += p.length;
  }
  return parts.join('');
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUS = [200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500];

function pad(n, width) {
  return String(n).padStart(width, '0');
}

function hex(random, digits) {
  let s = '';
  while (s.length < digits) s += random().toString(16).padStart(8, '0');
  return s.slice(0, digits);
}

// Log lines: most repeat one of a few dozen messages with a few changing numbers, as real logs do.
function makeLogKit(random, kit) {
  const messages = [];
  for (let i = 0; i < 40; i++) messages.push(sentence(random, kit));
  const paths = [];
  for (let i = 0; i < 24; i++) paths.push(`/api/v2/${pickWord(random, kit)}/${pickWord(random, kit)}`);
  return { messages, paths };
}

function logLines(random, kit, size, clock) {
  const parts = [];
  let length = 0;
  while (length < size) {
    clock.ms += random.below(250);
    const t = clock.ms;
    const stamp =
      `2024-03-${pad(1 + (Math.floor(t / 86400000) % 28), 2)}T${pad(Math.floor(t / 3600000) % 24, 2)}:` +
      `${pad(Math.floor(t / 60000) % 60, 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}Z`;
    const level = LEVELS[random.below(LEVELS.length)];
    const worker = random.below(16);
    const choice = random.below(16);
    const line =
      choice === 0
        ? `${stamp} ${level} [worker-${worker}] ${sentence(random, kit)}\n`
        : choice < 9
          ? `${stamp} ${level} [worker-${worker}] ${kit.log.messages[random.below(kit.log.messages.length)]}\n`
          : `${stamp} ${level} [worker-${worker}] ${METHODS[random.below(METHODS.length)]} ` +
            `${kit.log.paths[random.below(kit.log.paths.length)]}/${random.below(1000)} ` +
            `status=${STATUS[random.below(STATUS.length)]} bytes=${random.below(4096)} dur=${random.below(90)}ms ` +
            `client=10.0.${random.below(4)}.${random.below(32)}\n`;
    parts.push(line);
    length += line.length;
  }
  return parts.join('');
}

function jsonRecords(random, kit, size, clock) {
  const parts = [];
  let length = 0;
  while (length < size) {
    const id = ++clock.id;
    const tags = [];
    for (let i = random.below(4); i > 0; i--) tags.push(JSON.stringify(pickWord(random, kit)));
    const name = `${pickWord(random, kit)} ${pickWord(random, kit)}`;
    const record =
      `{"id":${id},"name":"${name}","email":"${name.replace(' ', '.')}@example.com",` +
      `"tags":[${tags.join(',')}],"score":${random.below(100)},"active":${random.below(2) === 1},` +
      `"created":"2024-0${1 + random.below(9)}-${pad(1 + random.below(28), 2)}"}\n`;
    parts.push(record);
    length += record.length;
  }
  return parts.join('');
}

// ---------------------------------------------------------------- binary

// Rows of (uint32 id, uint16 kind, uint16 flags, int32 slow random walk, float32 of a coarse walk).
function structTable(random, out, offset, size) {
  let id = random();
  let walk = 0;
  let value = 0;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const end = offset + size - 16;
  let pos = offset;
  for (; pos <= end; pos += 16) {
    id = (id + 1 + (random.below(16) === 0 ? random.below(100) : 0)) >>> 0;
    if (random.below(4) === 0) walk = (walk + random.between(0, 16) - 8) | 0;
    if (random.below(2) === 0) value += random.between(0, 64) - 32;
    view.setUint32(pos, id, true);
    view.setUint16(pos + 4, random.below(4), true);
    view.setUint16(pos + 6, random.below(16) === 0 ? random.below(65536) : 0, true);
    view.setInt32(pos + 8, walk, true);
    view.setFloat32(pos + 12, value / 16, true);
  }
  out.fill(0, pos, offset + size);
}

// Instruction-like byte strings from a fixed set of templates, some with random operands, and
// idioms (prologues, call sequences) repeated from earlier in the region, as compiled code has.
function makeCodeKit(random) {
  const templates = [];
  for (let i = 0; i < 160; i++) {
    const length = random.between(1, 7);
    const bytes = [];
    for (let k = 0; k < length; k++) bytes.push(random.below(8) === 0 ? -1 : random.below(256));
    templates.push(bytes);
  }
  return { templates, zipf: zipfTable(templates, 1 << 12) };
}

function machineCode(random, kit, out, offset, size) {
  let pos = offset;
  const end = offset + size;
  while (pos < end) {
    if (pos - offset > 4096 && random.below(6) === 0) {
      const length = Math.min(random.between(8, 48), end - pos);
      const from = offset + random.below(pos - offset - 64);
      out.copyWithin(pos, from, from + length);
      pos += length;
      continue;
    }
    const t = kit.zipf[random() & 0xfff];
    for (let k = 0; k < t.length && pos < end; k++) out[pos++] = t[k] < 0 ? random.below(256) : t[k];
  }
}

// Mostly zeros, with small integers here and there (tables, padding, sparse arrays).
function sparse(random, out, offset, size) {
  out.fill(0, offset, offset + size);
  for (let pos = offset; pos < offset + size; pos += 1 + random.below(96)) out[pos] = random.below(256);
}

function noise(random, out, offset, size) {
  for (let pos = offset; pos < offset + size; pos++) out[pos] = random() & 0xff;
}

// ---------------------------------------------------------------- corpora

// Weights per 100 regions; text kinds emit strings, binary kinds write into the buffer.
const KINDS = [
  ['prose', 17],
  ['log', 28],
  ['json', 22],
  ['struct', 8],
  ['code', 8],
  ['sparse', 14],
  ['noise', 3],
];

function mixed(size) {
  const random = makeRandom(20241121);
  const text = makeTextKit(random);
  const code = makeCodeKit(random);
  const clock = { ms: 1700000000000 % 86400000, id: 0 };
  const out = Buffer.allocUnsafe(size);
  const wheel = [];
  for (const [kind, weight] of KINDS) for (let i = 0; i < weight; i++) wheel.push(kind);
  let pos = 0;
  while (pos < size) {
    const n = Math.min(size - pos, random.between(16, 512) * 1024);
    const kind = wheel[random.below(wheel.length)];
    if (kind === 'prose' || kind === 'log' || kind === 'json') {
      const generate = kind === 'prose' ? prose : kind === 'log' ? logLines : jsonRecords;
      out.write(generate(random, text, n, clock).slice(0, n), pos, n, 'latin1');
    } else if (kind === 'struct') {
      structTable(random, out, pos, n);
    } else if (kind === 'code') {
      machineCode(random, code, out, pos, n);
    } else if (kind === 'sparse') {
      sparse(random, out, pos, n);
    } else {
      noise(random, out, pos, n);
    }
    pos += n;
  }
  return out;
}

function incompressible(size) {
  const random = makeRandom(7);
  const out = Buffer.allocUnsafe(size);
  for (let pos = 0; pos + 4 <= size; pos += 4) out.writeUInt32LE(random(), pos);
  for (let pos = size & ~3; pos < size; pos++) out[pos] = random() & 0xff;
  return out;
}

function compressible(size) {
  const random = makeRandom(3);
  const page = Buffer.from(logLines(random, makeTextKit(random), 4096, { ms: 0, id: 0 }).slice(0, 4096), 'latin1');
  const out = Buffer.allocUnsafe(size);
  for (let pos = 0, n = 0; pos < size; pos += 4096, n++) {
    page.write(pad(n, 10), 0, 10, 'latin1');
    page.copy(out, pos, 0, Math.min(4096, size - pos));
  }
  return out;
}

const GENERATORS = { mixed, incompressible, compressible };

function cacheDir() {
  return process.env.LZ4FRAMED_BENCH_CACHE || path.join(os.tmpdir(), 'lz4framed-bench');
}

/** The corpus `name` of `size` bytes: { name, path, data, sha256 }, generated on first use. */
function loadCorpus(name, size) {
  const generate = GENERATORS[name];
  if (!generate) throw new Error(`unknown corpus ${name}`);
  const dir = cacheDir();
  const file = path.join(dir, `${name}-v${GENERATOR_VERSION}-${size}.bin`);
  let data;
  if (fs.existsSync(file) && fs.statSync(file).size === size) {
    data = fs.readFileSync(file);
  } else {
    data = generate(size);
    fs.mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, file);
  }
  const sha256 = crypto.createHash('sha256').update(data).digest('hex');
  return { name, path: file, data, sha256 };
}

module.exports = { loadCorpus, cacheDir, MiB, GENERATOR_VERSION };

if (require.main === module) {
  // node bench/corpus.js [name] [MiB]: generates (or finds) a corpus and prints where it is.
  const corpus = loadCorpus(process.argv[2] || 'mixed', Number(process.argv[3] || 100) * MiB);
  console.log(`${corpus.path} ${corpus.data.length} bytes sha256 ${corpus.sha256}`);
}
