/**
 * The never-seen set's selection and verification, WITHOUT processing:
 * nothing here runs the suppressor or an anchor, or mixes noise.  For each
 * candidate of corpus.ts NEVERSEEN_CANDIDATES (in the rule's order) it
 * decodes the selected files afresh (ffmpeg errors counted), measures the
 * rule's criteria (bench/ns-eval/README.md "Never-seen talkers"), applies
 * the rule, and checks that corpus.ts NEVERSEEN / NEVERSEEN_NARROWBAND are
 * what it gives (exit status 1 if not).  Then it builds the set's clean
 * utterances through the corpus path run.ts uses (setTalkers + loadTalker +
 * concatWords) and prints per talker and rate the speech-frame share.
 *
 * With --phrase it does the same for the training talker who speaks
 * phrases (session 12, README "A training talker who speaks phrases"):
 * corpus.ts PHRASE_CANDIDATES, the same criteria, the first wideband pass
 * (else the first pass), checked against the last talker of TRAIN.
 *
 *   npx tsx bench/ns-eval/neverseen-stats.ts [--phrase] [--work build/ns-neverseen]
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FS, NEVERSEEN, NEVERSEEN_CANDIDATES, PHRASE_CANDIDATES, TRAIN, NEVERSEEN_FILES, NEVERSEEN_NARROWBAND, concatWords, evenlySpaced, ffmpegDecode,
  frameEnergies, highpass, loadTalker, prepareV2, setTalkers, speechFraction, talkerAtRate,
} from './corpus.js';
import { db, powerSpectrogram, resample } from './dsp.js';
import { cliArgs } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
const work = args.get('work') ?? join(root, 'build/ns-neverseen');
const phrase = args.has('phrase');
mkdirSync(work, { recursive: true });

// The rule's thresholds (fixed in the README before any candidate was measured).
const FLOOR_MAX_DB = -30;
const HF_MIN_DB = -35;
const MIN_WORDS_S = 5;

interface Stat {
  id: string; pkg: string; wideband: boolean; files: number; selected: number; errors: string[];
  codec: string; floorDb: number; hfDb: number; bw99: number; words: number; wordsS: number; medianWordS: number;
  pass: boolean; why: string; effWideband: boolean;
}

/** Codec, sample rate and channels of a file (ffprobe), for the record. */
function probe(path: string): string {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0];
}

function measure(c: (typeof NEVERSEEN_CANDIDATES)[number]): Stat {
  const all = c.files();
  const sel = evenlySpaced(all, NEVERSEEN_FILES);
  const errors: string[] = [];
  const raws: Float32Array[] = [];
  const out = join(work, `${c.id}.f32`);
  for (const f of sel) {
    rmSync(out, { force: true });
    const r = ffmpegDecode(f, out);
    if (r.status !== 0 || r.stderr.trim() !== '') { errors.push(`${f}: ${r.status} ${r.stderr.trim()}`); continue; }
    const b = readFileSync(out);
    raws.push(new Float32Array(b.buffer, b.byteOffset, b.length / 4).slice());
  }
  // recording floor: pooled 10 ms frame energies of the 50 Hz high-passed files, exact zeros left out
  const e = raws.flatMap((x) => frameEnergies(highpass(x, 50, 4))).filter((v) => v > 0);
  const max = Math.max(...e);
  const floorDb = db([...e].sort((p, q) => p - q)[Math.floor(e.length / 10)] / max);
  // 4-8 kHz against 0.1-4 kHz in the 20 ms frames within 40 dB of the loudest (10 ms hop, 1024-point DFT at 48 kHz)
  const specs = raws.flatMap((x) => powerSpectrogram(highpass(x, 50, 4), 960, 480, 1024));
  const fe = specs.map((p) => p.reduce((a, v) => a + v, 0));
  const fmax = Math.max(...fe);
  const hz = (k: number) => (k * FS) / 1024;
  let lo = 0, hi = 0;
  const total = new Float64Array(513);
  specs.forEach((p, i) => {
    if (fe[i] < fmax * 1e-4) return;
    for (let k = 0; k <= 512; k++) {
      total[k] += p[k];
      if (hz(k) >= 100 && hz(k) < 4000) lo += p[k];
      else if (hz(k) >= 4000 && hz(k) < 8000) hi += p[k];
    }
  });
  // the frequency under which 99 % of those frames' energy lies (for the record)
  const sum = total.reduce((a, v) => a + v, 0);
  let acc = 0, k99 = 0;
  for (; k99 <= 512; k99++) { acc += total[k99]; if (acc >= 0.99 * sum) break; }
  const words = raws.map((x) => prepareV2(x));
  const durs = words.map((w) => w.length / FS).sort((a, b) => a - b);
  const wordsS = durs.reduce((a, v) => a + v, 0);
  const hfDb = db(hi / lo);
  const why: string[] = [];
  if (errors.length) why.push(`${errors.length} decoding errors`);
  if (!(floorDb <= FLOOR_MAX_DB)) why.push(`floor ${floorDb.toFixed(1)} dB > ${FLOOR_MAX_DB}`);
  if (!(wordsS >= MIN_WORDS_S)) why.push(`words ${wordsS.toFixed(1)} s < ${MIN_WORDS_S}`);
  const effWideband = c.wideband && hfDb >= HF_MIN_DB;
  return {
    id: c.id, pkg: c.pkg, wideband: c.wideband, files: all.length, selected: sel.length, errors, codec: probe(sel[0]),
    floorDb, hfDb, bw99: hz(k99), words: words.length, wordsS, medianWordS: durs[Math.floor(durs.length / 2)],
    pass: why.length === 0, why: why.join('; '), effWideband,
  };
}

const stats = (phrase ? PHRASE_CANDIDATES : NEVERSEEN_CANDIDATES).map(measure);
console.log('| candidate | package | files (selected) | codec, rate, ch | decode errors | floor dB | 4-8k / 0.1-4k dB | 99 % energy under Hz | words, s (median s) | verdict |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const s of stats) {
  const verdict = !s.pass ? `out: ${s.why}` : s.wideband && !s.effWideband ? 'passes, counts as narrowband (4-8 kHz)' : 'passes';
  console.log(`| ${s.id} | ${s.pkg} | ${s.files} (${s.selected}) | ${s.codec} | ${s.errors.length} | ${s.floorDb.toFixed(1)} | ${s.wideband ? s.hfDb.toFixed(1) : '-'} | ${s.bw99.toFixed(0)} | ${s.words}, ${s.wordsS.toFixed(1)} (${s.medianWordS.toFixed(2)}) | ${verdict} |`);
}
for (const s of stats) for (const e of s.errors) console.log(`decode error ${s.id}: ${e}`);

if (phrase) {
  // The phrase rule: the first wideband pass, else the first pass; it is TRAIN's last talker.
  const pick = stats.find((s) => s.pass && s.effWideband) ?? stats.find((s) => s.pass);
  const last = TRAIN.at(-1);
  console.log(`\nthe rule gives: ${pick ? `${pick.id}${pick.effWideband ? '' : ' (narrowband: 8 kHz only)'}` : 'none'}; TRAIN's last talker: ${last}`);
  process.exit(pick && pick.id === last ? 0 : 1);
}

// The rule: the passing wideband ones, up to six; under four, the passing
// narrowband ones (wideband ones that failed the 4-8 kHz test at the end)
// are added up to six.  KDE-edu: kt-fr only if kl-fr does not pass.
const passing = stats.filter((s) => s.pass && !(s.id === 'kt-fr' && stats.find((t) => t.id === 'kl-fr')?.pass));
const wb = passing.filter((s) => s.effWideband).slice(0, 6).map((s) => s.id);
const nb = wb.length >= 4 ? [] : [...passing.filter((s) => !s.wideband), ...passing.filter((s) => s.wideband && !s.effWideband)]
  .slice(0, 6 - wb.length).map((s) => s.id);
const chosen = [...wb, ...nb];
console.log(`\nthe rule gives: ${chosen.join(', ')} (narrowband, 8 kHz only: ${nb.join(', ') || 'none'})`);
const same = chosen.join() === NEVERSEEN.join() && nb.join() === NEVERSEEN_NARROWBAND.join();
console.log(`corpus.ts NEVERSEEN: ${NEVERSEEN.join(', ')}; NEVERSEEN_NARROWBAND: ${NEVERSEEN_NARROWBAND.join(', ') || 'none'}: ${same ? 'the same' : 'DIFFERENT'}`);

// The clean utterances exactly as run.ts builds them (no noise, no processing).
if (NEVERSEEN.length) {
  const cache = join(root, 'build/ns-eval/cache');
  const { list, seedBase } = setTalkers('neverseen', 'v2');
  console.log('\n| talker | seed | speech frames 48k / 16k / 8k | utterance RMS dBFS (48k, before levelling) |');
  console.log('|---|---|---|---|');
  list.forEach((t, ti) => {
    const clean = concatWords(loadTalker(t, cache, 'v2'), seedBase + ti, 5, [0.12, 0.3]);
    const sf = [48000, 16000, 8000].map((r) => (talkerAtRate(t, r) ? `${(100 * speechFraction(r === FS ? clean : resample(clean, FS, r), r)).toFixed(0)} %` : '-'));
    const rms = db(clean.reduce((a, v) => a + v * v, 0) / clean.length);
    console.log(`| ${t} | ${seedBase + ti} | ${sf.join(' / ')} | ${rms.toFixed(1)} |`);
  });
}
process.exit(same ? 0 : 1);
