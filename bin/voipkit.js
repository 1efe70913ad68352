#!/usr/bin/env node
// voipkit command line: the code is in src/cli (compiled to dist/cli by tsc).
import { main } from '../dist/cli/index.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
