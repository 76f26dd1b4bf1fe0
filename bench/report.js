'use strict';
// The results as a readable table (plain text or Markdown); --json prints the raw object instead.

function number(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '';
  if (value >= 100000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(row, column) {
  const c = row.cells[column];
  if (!c) return '';
  const ratio = c.ratioToC === undefined ? '' : ` ×${c.ratioToC.toFixed(2)}`;
  return `${number(c.median)}${ratio}`;
}

// The rows of one corpus as an array of string arrays, header first.
function grid(result, columns) {
  const lines = [['operation', 'unit', 'C liblz4', ...columns]];
  for (const row of result.rows) {
    const op = row.note ? `${row.op} (${row.note})` : row.op;
    lines.push([op, row.unit, number(row.c), ...columns.map((column) => cell(row, column))]);
  }
  return lines;
}

function corpusTitle(result) {
  const { name, bytes, sha256, ratios } = result.corpus;
  const ratioText = Object.entries(ratios)
    .map(([level, ratio]) => `L${level} ${ratio.toFixed(2)}:1`)
    .join(', ');
  return `${name}: ${(bytes / 1048576).toFixed(0)} MiB, sha256 ${sha256.slice(0, 12)}…, lz4framed ratio ${ratioText}`;
}

// C variants measured beside the reference (bench/c_reference.c "extras").
const VARIANTS = {
  compressFrame: 'LZ4F_compressFrame (a new context per call)',
  compressFreshDst: "compressing into a new malloc'd buffer per call",
  compressSteps: 'compressing in updates of 256 KiB, as lz4framed does (checksum hashed in cache)',
  decompressFreshDst: "decompressing into a new malloc'd buffer per call",
  decompressStreamFreshDst:
    "decompressing the stream into a new malloc'd buffer per MiB of output, freed after the run",
};

function referenceNotes(result) {
  const notes = [];
  for (const row of result.rows) {
    for (const [variant, value] of Object.entries(row.cVariants || {})) {
      const ratio = (value / row.c).toFixed(2);
      notes.push(
        `C, ${VARIANTS[variant] || variant}: ${number(value)} ${row.unit} (${row.op}; ×${ratio} of the reference)`,
      );
    }
  }
  return notes;
}

function header(report) {
  const m = report.machine;
  const s = report.settings;
  const r = report.reference;
  const peers = report.peers.map((p) => `${p.name} ${p.version} (${p.frame})`).join('; ');
  return [
    `lz4framed ${m.lz4framed} (liblz4 ${m.liblz4}) on ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.compiler}`,
    `load average ${m.loadBefore} before, ${m.loadAfter} after; ${s.mode} run: median of ${s.runs} runs ` +
      `(${s.slowRuns} at level 9) after one warm-up, C and JavaScript taking turns; ` +
      `${s.cpuTime ? 'CPU time of the process (user + system), not wall time' : 'wall time'}; ` +
      `MB/s = 10^6 bytes of uncompressed data per second; ×N = ratio to C liblz4 in the same run`,
    `C reference: bench/c_reference.c, ${r.cc} ${r.cflags.join(' ')} (flags from ${r.cflagsFrom})`,
    `lz4framed: its defaults (64 KiB linked blocks, content checksum); peers: ${peers}`,
  ];
}

function text(report) {
  const out = [...header(report), ''];
  for (const result of report.results) {
    out.push(corpusTitle(result));
    const lines = grid(result, report.columns);
    const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
    for (const l of lines)
      out.push(l.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  '));
    for (const note of referenceNotes(result)) out.push(note);
    out.push('');
  }
  return out.join('\n');
}

function markdown(report) {
  const out = header(report).map((l) => `${l}  `);
  out.push('');
  for (const result of report.results) {
    out.push(`**${corpusTitle(result)}**`, '');
    const lines = grid(result, report.columns);
    out.push(`| ${lines[0].join(' | ')} |`);
    out.push(`| ${lines[0].map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const l of lines.slice(1)) out.push(`| ${l.join(' | ')} |`);
    const notes = referenceNotes(result);
    if (notes.length) out.push('', ...notes.map((n) => `${n}.  `));
    out.push('');
  }
  return out.join('\n');
}

// One line per row while the benchmark runs, on stderr.
function progress(row) {
  const cells = Object.entries(row.cells)
    .map(
      ([column, c]) => `${column} ${number(c.median)}${c.ratioToC === undefined ? '' : ` ×${c.ratioToC.toFixed(2)}`}`,
    )
    .join(', ');
  return `${row.corpus} | ${row.op}: C ${number(row.c) || '-'} ${row.unit}; ${cells}${row.note ? ` (${row.note})` : ''}`;
}

module.exports = { text, markdown, progress };
