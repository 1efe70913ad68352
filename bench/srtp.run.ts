/**
 * Standalone entry for bench/srtp.bench.ts (the shared runner calls its run()):
 *   node --import tsx bench/srtp.run.ts [msPerTask]
 * Writes bench/results/srtp.json and bench/results/srtp.md.
 */
import { run } from './srtp.bench.js';

await run(process.argv[2] ? Number(process.argv[2]) : undefined);
