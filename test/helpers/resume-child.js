// Child process of test/resumable-crash.test.ts: decompressTo from a slow source (so a kill lands
// mid-work), reporting progress on stdout. argv: compiled lib, input file, output file, interval.
'use strict';
const fs = require('fs');
const [libPath, inputFile, outputFile, interval] = process.argv.slice(2);
const { decompressTo } = require(libPath);

const CHUNK = 16 * 1024;

async function* slowly(offset) {
  const handle = await fs.promises.open(inputFile, 'r');
  try {
    for (let position = offset; ;) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await handle.close();
  }
}

decompressTo(slowly, outputFile, {
  checkpointInterval: Number(interval),
  onProgress: (p) => process.stdout.write(`progress ${p.inputBytes}\n`),
}).then(
  (result) => process.stdout.write(`done ${JSON.stringify(result)}\n`),
  (error) => {
    process.stderr.write(`${error.code} ${error.stack}\n`);
    process.exit(1);
  },
);
