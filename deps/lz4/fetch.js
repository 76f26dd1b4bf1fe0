#!/usr/bin/env node
'use strict';
// Fetches the pinned liblz4 release, verifies its sha256 and extracts the library sources into
// deps/lz4/lib. liblz4 is never committed: this script is how a clone gets it (see DESIGN.md).
// Sources, in order: $LZ4_TARBALL, the user cache, Debian's source archive (through the apt
// sources already configured, without touching the system's apt setup), the upstream release URL.

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const https = require('https');
const { execFileSync } = require('child_process');

const here = __dirname;
const pin = JSON.parse(fs.readFileSync(path.join(here, 'pin.json'), 'utf8'));
const libDir = path.join(here, 'lib');
const stampPath = path.join(libDir, '.pin-sha256');
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lz4framed');
const cachePath = path.join(cacheDir, pin.tarball);

class FetchError extends Error {}

function log(msg) {
  process.stderr.write(`lz4framed: ${msg}\n`);
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function sourcesPresent() {
  try {
    if (fs.readFileSync(stampPath, 'utf8').trim() !== pin.sha256) return false;
  } catch {
    return false;
  }
  return pin.extract.every((rel) => fs.existsSync(path.join(libDir, path.basename(rel))));
}

function extract(tarball) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-extract-'));
  try {
    const top = `lz4-${pin.version}`;
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, ...pin.extract.map((rel) => `${top}/${rel}`)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    fs.mkdirSync(libDir, { recursive: true });
    for (const rel of pin.extract) {
      fs.copyFileSync(path.join(tmp, top, rel), path.join(libDir, path.basename(rel)));
    }
    fs.writeFileSync(stampPath, `${pin.sha256}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function cacheCopy(file) {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    if (path.resolve(file) !== path.resolve(cachePath)) fs.copyFileSync(file, cachePath);
  } catch {
    // A read-only home only costs a download next time.
  }
}

// Every `deb` entry of the machine's apt configuration, in both file formats apt reads.
function debEntries() {
  const entries = [];
  const listFiles = ['/etc/apt/sources.list'];
  const partsDir = '/etc/apt/sources.list.d';
  const sourcesFiles = [];
  if (fs.existsSync(partsDir)) {
    for (const name of fs.readdirSync(partsDir).sort()) {
      if (name.endsWith('.list')) listFiles.push(path.join(partsDir, name));
      if (name.endsWith('.sources')) sourcesFiles.push(path.join(partsDir, name));
    }
  }
  for (const file of listFiles) {
    if (!fs.existsSync(file)) continue;
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$/.exec(line);
      if (m) entries.push({ uri: m[2], suites: [m[3]], components: m[4].split(/\s+/), signedBy: undefined });
    }
  }
  for (const file of sourcesFiles) {
    for (const stanza of fs.readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      const fields = {};
      for (const raw of stanza.split('\n')) {
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw.replace(/#.*/, ''));
        if (m) fields[m[1].toLowerCase()] = m[2].trim();
      }
      if (!fields.types || !fields.types.split(/\s+/).includes('deb') || !fields.uris) continue;
      if (fields.enabled === 'no') continue;
      for (const uri of fields.uris.split(/\s+/)) {
        entries.push({
          uri,
          suites: (fields.suites || '').split(/\s+/),
          components: (fields.components || '').split(/\s+/),
          signedBy: fields['signed-by'],
        });
      }
    }
  }
  return entries;
}

// The Debian archive the machine already uses: a `deb` entry with component main whose suite is
// a plain release name (not -security or -updates, which live in other archives).
function debianArchive() {
  return debEntries().find(
    (e) => e.components.includes('main') && e.suites.some((s) => /^[a-z]+$/.test(s)) && !/security/.test(e.uri),
  );
}

function fromDebian() {
  const archive = debianArchive();
  if (!archive) throw new FetchError('no Debian deb entry in the apt configuration');
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new FetchError('apt-get is not available');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-apt-'));
  const lists = path.join(tmp, 'lists');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  const signed = archive.signedBy && fs.existsSync(archive.signedBy) ? ` [signed-by=${archive.signedBy}]` : '';
  const sourceList = path.join(tmp, 'sources.list');
  fs.writeFileSync(sourceList, `deb-src${signed} ${archive.uri} ${pin.debianSource.suite} main\n`);
  const aptOptions = [
    '-q',
    '-o',
    `Dir::Etc::SourceList=${sourceList}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${lists}`,
    '-o',
    'APT::Sandbox::User=root',
  ];
  try {
    execFileSync('apt-get', [...aptOptions, 'update'], { cwd: tmp, stdio: 'ignore', timeout: 300000 });
    execFileSync(
      'apt-get',
      [...aptOptions, 'source', '--download-only', `${pin.debianSource.package}=${pin.debianSource.version}`],
      { cwd: tmp, stdio: 'ignore', timeout: 300000 },
    );
    const file = path.join(tmp, pin.debianSource.file);
    if (!fs.existsSync(file)) throw new FetchError('apt-get did not deliver the orig tarball');
    const kept = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-dl-')), pin.tarball);
    fs.copyFileSync(file, kept);
    return kept;
  } catch (err) {
    throw err instanceof FetchError ? err : new FetchError(`apt-get source failed (${err.message.split('\n')[0]})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function download(url, dest, redirects = 5) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { timeout: 60000 }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(download(new URL(res.headers.location, url).toString(), dest, redirects - 1));
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        reject(new FetchError(`HTTP ${res.statusCode}`));
        return;
      }
      const out = fs.createWriteStream(dest);
      res.pipe(out);
      out.on('finish', () => resolve(dest));
      out.on('error', reject);
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new FetchError('timed out')));
    req.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(err.message)));
  });
}

async function fromUpstream() {
  const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lz4framed-dl-')), pin.tarball);
  return download(pin.url, dest);
}

function verified(file, origin) {
  const actual = sha256(file);
  if (actual !== pin.sha256) {
    throw new FetchError(`${origin} ${file} has sha256 ${actual}, expected ${pin.sha256}`);
  }
  return file;
}

async function main() {
  if (sourcesPresent() && !process.argv.includes('--force')) return;

  if (process.env.LZ4_TARBALL) {
    // An explicit file that does not match is the user's mistake to hear about, not to route around.
    extract(verified(process.env.LZ4_TARBALL, 'LZ4_TARBALL'));
    log(`lz4 ${pin.version} extracted from LZ4_TARBALL`);
    return;
  }
  if (fs.existsSync(cachePath)) {
    if (sha256(cachePath) === pin.sha256) {
      extract(cachePath);
      log(`lz4 ${pin.version} extracted from cache ${cachePath}`);
      return;
    }
    fs.rmSync(cachePath, { force: true });
  }

  const failures = [];
  for (const [origin, get] of [
    ['Debian source archive', fromDebian],
    ['upstream release', fromUpstream],
  ]) {
    let file;
    try {
      file = await get();
    } catch (err) {
      failures.push(`${origin}: ${err.message}`);
      continue;
    }
    extract(verified(file, origin));
    cacheCopy(file);
    log(`lz4 ${pin.version} fetched from the ${origin} and verified`);
    return;
  }
  throw new FetchError(
    `cannot fetch lz4 ${pin.version} (${failures.join('; ')}); set LZ4_TARBALL to a copy of ${pin.tarball}`,
  );
}

main().catch((err) => {
  log(`error: ${err instanceof FetchError ? err.message : err.stack || err}`);
  process.exit(1);
});
