#!/usr/bin/env node
// Entry point of the `lz4framed` binary. The runner (and with it the native addon) is loaded here,
// inside the error boundary, so even a broken install fails with one line instead of a stack.
async function run(): Promise<number> {
  try {
    const { main } = await import('./cli-run');
    return await main(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`lz4framed: cannot start: ${message}\n`);
    return 1;
  }
}

void run().then((code) => {
  process.exitCode = code;
});
