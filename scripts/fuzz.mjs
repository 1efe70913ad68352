#!/usr/bin/env node
// npm run fuzz -- [--seconds N] [--jobs 1] [target...]
//
// Builds the libFuzzer targets (fuzz/build.sh) and runs each for N seconds
// (default 60), one after another, at low priority (nice 10).  New inputs go
// to build/fuzz/corpus/<target>/ (the committed seeds in fuzz/corpus/<target>/
// are read, never written); crash / leak / timeout inputs to
// build/fuzz/artifacts/<target>/.  Prints per target: executions, execs/s,
// coverage (cov: edges, ft: features), corpus size, and the verdict.
// Exit status 1 when any target found something.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let seconds = 60;
const targets = [];
const extra = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--seconds') seconds = Number(args[++i]);
  else if (a.startsWith('--seconds=')) seconds = Number(a.slice(10));
  else if (a.startsWith('-') && a.includes('=')) extra.push(a); // passed to libFuzzer, e.g. -max_len=4096
  else targets.push(a);
}
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('fuzz: --seconds must be a positive number');
  process.exit(2);
}
const all = readdirSync(join(root, 'fuzz'))
  .filter((f) => f.endsWith('_fuzz.c'))
  .map((f) => f.slice(0, -'_fuzz.c'.length))
  .flatMap((t) => (t === 'srtp' ? [t, 'srtp_portable'] : [t]))
  .sort();
for (const t of targets) {
  if (!all.includes(t)) {
    console.error(`fuzz: unknown target ${t} (have: ${all.join(', ')})`);
    process.exit(2);
  }
}
const run = targets.length ? targets : all;

const b = spawnSync('bash', [join(root, 'fuzz/build.sh'), ...run], { stdio: 'inherit', cwd: root });
if (b.status !== 0) process.exit(b.status ?? 1);

function fuzzOne(t) {
  const work = join(root, 'build/fuzz/corpus', t);
  const seeds = join(root, 'fuzz/corpus', t.replace(/_portable$/, ''));
  const art = join(root, 'build/fuzz/artifacts', t);
  mkdirSync(work, { recursive: true });
  mkdirSync(art, { recursive: true });
  const dirs = [work];
  if (existsSync(seeds)) dirs.push(seeds);
  const argv = [
    '-n', '10', join(root, 'build/fuzz', t),
    `-max_total_time=${seconds}`, '-print_final_stats=1', '-timeout=10', '-rss_limit_mb=2048',
    `-artifact_prefix=${art}/`, ...extra, ...dirs,
  ];
  console.log(`\n== fuzz ${t}: ${seconds} s  (nice ${argv.join(' ')})`);
  return new Promise((resolve) => {
    const p = spawn('nice', argv, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
    let log = '';
    let last = '';
    let partial = '';
    p.stderr.on('data', (d) => {
      const s = partial + d.toString();
      log += d.toString();
      if (log.length > 1 << 20) log = log.slice(-(1 << 19));
      const lines = s.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/^#\d+\s.*cov: /.test(line)) last = line;
        else if (line.trim() && !/^(#|"|stat::|Done |INFO: |MS: |Loaded |Running: |Executed |\s*DE: )/.test(line)) {
          process.stderr.write(line + '\n');
        }
      }
    });
    p.on('close', (code) => {
      const m = (re) => (log.match(re) || [])[1];
      const stats = {
        target: t,
        seconds,
        execs: Number(m(/stat::number_of_executed_units:\s*(\d+)/) ?? NaN),
        execsPerSec: Number(m(/stat::average_exec_per_sec:\s*(\d+)/) ?? NaN),
        cov: Number(m(/.*cov: (\d+)/s) ?? NaN),
        edges: Number(m(/Loaded \d+ modules\s+\((\d+) inline 8-bit counters\)/) ?? NaN),
        ft: Number(m(/.*ft: (\d+)/s) ?? NaN),
        corpus: m(/.*corp: (\S+)/s) ?? '?',
        peakRssMb: Number(m(/stat::peak_rss_mb:\s*(\d+)/) ?? NaN),
        finding: code === 0 ? 'none' : (m(/(==\d+==ERROR: [^\n]*|SUMMARY: [^\n]*|deadly signal|ALARM: [^\n]*)/) ?? `exit ${code}`),
      };
      if (last) console.log(last);
      resolve(stats);
    });
  });
}

const results = [];
for (const t of run) results.push(await fuzzOne(t));
console.log('\n| target | seconds | executions | execs/s | cov (of edges) | ft | corpus (files/bytes) | peak RSS MB | finding |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.target} | ${r.seconds} | ${r.execs} | ${r.execsPerSec} | ${r.cov} (${r.edges}) | ${r.ft} | ${r.corpus} | ${r.peakRssMb} | ${r.finding} |`);
}
process.exit(results.some((r) => r.finding !== 'none') ? 1 : 0);
