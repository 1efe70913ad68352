/**
 * npm run bench [-- name ...]: runs bench/<name>.bench.ts suites (all when no
 * name is given). Each suite exports `run(): Promise<void>` and writes its own
 * results through bench/lib.ts.
 */
import { readdirSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const want = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = want.length ? want : all;
for (const n of names) {
  if (!all.includes(n)) {
    console.error(`no such benchmark: ${n} (have: ${all.join(', ')})`);
    process.exit(2);
  }
}
for (const n of names) {
  console.log(`\n## ${n}\n`);
  const mod = (await import(new URL(`./${n}.bench.ts`, dir).href)) as { run(): Promise<void> };
  await mod.run();
}
