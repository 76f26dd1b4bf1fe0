'use strict';
// `--name N` pairs of positive integers for the small bench scripts: `defaults` names the flags a
// script takes and their values; anything else prints `usage` and exits with status 2.
function integerArgs(argv, defaults, usage) {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in args) || !Number.isInteger(value) || value < 1) {
      console.error(`usage: ${usage}`);
      process.exit(2);
    }
    args[name] = value;
  }
  return args;
}

module.exports = { integerArgs };
