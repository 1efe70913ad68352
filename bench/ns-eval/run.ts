/**
 * Noise-suppression evaluation: builds the corpus, runs voipkit's suppressor
 * and the anchors (speexdsp preprocessor at -25 / -15 dB, WebRTC NS 0.3
 * moderate / high / very high, through the harnesses in harness/) on the
 * same mixtures in the same run, and writes bench/results/ns.{md,json}.
 *
 *   npx tsx bench/ns-eval/run.ts [--rates 8000,16000,48000] [--sets train,heldout,fresh,unseen[,neverseen]]
 *       [--seconds 5] [--only ours,speex-25] [--strength 0.5] [--ours kit|harness] [--no-write]
 *       [--cflags '-DXI_MIN=0.01f']   (tuning: --ours harness rebuilds the core with these)
 *       [--corpus v1|v2] [--json-out part.json] [--no-build] [--work build/ns-eval]; --merge a.json,b.json,...  (one process per rate, then one table)
 *
 * The never-seen set (corpus.ts NEVERSEEN, session 10) is never in the
 * default: it runs only when --sets names it, and running it consumes it
 * (it is then speech somebody has looked at).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BABBLE, FS, NEVERSEEN_NARROWBAND, NOISES, SPEECH_DBFS, STATIONARY, concatWords, mixGains, setTalkers, talkerAtRate, type TalkerSet, loadTalker, makeNoise, speechFraction, type CorpusVersion, type NoiseKind } from './corpus.js';
import { resample } from './dsp.js';
import { MixRef, type Metrics } from './metrics.js';
import { cliArgs } from './args.js';
import { load } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
/** Work files (mixtures, outputs, harness binaries); --work lets tuning runs with different --cflags run side by side. */
const work = args.get('work') ?? join(root, 'build/ns-eval');
const RATES = (args.get('rates') ?? '8000,16000,48000').split(',').map(Number);
// never 'neverseen' by default: that set is for one final evaluation (corpus.ts NEVERSEEN)
const SETS = (args.get('sets') ?? 'train,heldout,fresh,unseen').split(',') as TalkerSet[];
if (SETS.includes('neverseen') && !args.has('merge')) {
  console.error('WARNING: --sets names neverseen. This run CONSUMES the never-seen set: once its figures are seen it is no longer\n' +
    'speech nobody has looked at (bench/ns-eval/README.md). Only the final evaluation of a session should do this.');
}
const SECONDS = Number(args.get('seconds') ?? 5);
const STRENGTH = Number(args.get('strength') ?? 0.5);
const SNRS = (args.get('snrs') ?? '-5,0,5,10,20').split(',').map(Number);
/** Corpus preparation (corpus.ts): v2 by default; v1 reproduces the tables up to session 3. */
const CORPUS = (args.get('corpus') ?? 'v2') as CorpusVersion;
if (CORPUS !== 'v1' && CORPUS !== 'v2') throw new Error('--corpus v1|v2');

interface Proc { name: string; run: (rate: number, list: [string, string][]) => void }
const harness = (bin: string, mode: string): Proc['run'] => (rate, list) => {
  const lf = join(work, `list-${bin}-${mode}-${rate}.txt`);
  writeFileSync(lf, list.map(([a, b]) => `${a} ${b}`).join('\n') + '\n');
  const r = spawnSync(join(work, bin), [mode, String(rate), 'list', lf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${mode} failed: ${r.stderr}`);
};

async function oursRun(): Promise<Proc['run']> {
  if (args.get('ours') === 'harness') return harness('vk_ns', String(Math.round(STRENGTH * 100)));
  const kit = await load({ backend: 'native' });
  return (rate, list) => {
    for (const [i, o] of list) {
      const b = readFileSync(i);
      const x = new Int16Array(b.buffer, b.byteOffset, b.length >> 1);
      const n = x.length - (x.length % (rate / 100));
      const ns = kit.createNoiseSuppressor({ sampleRate: rate as 8000, strength: STRENGTH });
      const y = ns.process(x.slice(0, n));
      ns.close();
      writeFileSync(o, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    }
  };
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  const x = new Int16Array(b.buffer, b.byteOffset, b.length >> 1);
  return Float32Array.from(x, (v) => v / 32768);
}

/** Constant delay of a processor: the lag (0..25 ms) of best correlation with its input. */
function estimateDelay(input: Float32Array, out: Float32Array, fs: number): number {
  const maxLag = Math.ceil(0.025 * fs);
  let best = 0, bestC = -Infinity;
  const n = Math.min(input.length, out.length) - maxLag;
  for (let lag = 0; lag <= maxLag; lag++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += input[i] * out[i + lag];
    if (c > bestC) { bestC = c; best = lag; }
  }
  return best;
}

interface Row { set: string; rate: number; proc: string; talker: string; noise: NoiseKind; snr: number; m: Metrics; stoiIn: number; dSnr: number }

async function main() {
  const t0 = Date.now();
  if (args.has('merge')) {
    // Render one table from partial runs (e.g. one process per rate).
    const parts = args.get('merge')!.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as { meta: Record<string, unknown>; summary: Summary });
    const summary: Summary = {};
    for (const p of parts) for (const [set, byRate] of Object.entries(p.summary)) Object.assign((summary[set] ??= {}), byRate);
    const meta = { ...parts[0].meta, elapsedSeconds: Math.max(...parts.map((p) => Number(p.meta.elapsedSeconds))), clippedMixturesRescaled: parts.reduce((a, p) => a + Number(p.meta.clippedMixturesRescaled), 0), parts: parts.length };
    const md = renderMarkdown(summary, meta);
    writeFileSync(join(root, 'bench/results/ns.json'), JSON.stringify({ meta, summary }, null, 1) + '\n');
    writeFileSync(join(root, 'bench/results/ns.md'), md);
    console.log(md);
    return;
  }
  const b = args.has('no-build') ? { status: 0 } : spawnSync('bash', [join(root, 'bench/ns-eval/harness/build.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VK_NS_CFLAGS: args.get('cflags') ?? '', NS_EVAL_OUT: work },
  });
  if (b.status !== 0) throw new Error('building the harnesses failed');
  const procs: Proc[] = [
    { name: 'ours', run: await oursRun() },
    { name: 'speex-15', run: harness('speex_ns', '-15') },
    { name: 'speex-25', run: harness('speex_ns', '-25') },
    { name: 'webrtc-moderate', run: harness('webrtc_ns', '1') },
    { name: 'webrtc-high', run: harness('webrtc_ns', '2') },
    { name: 'webrtc-veryhigh', run: harness('webrtc_ns', '3') },
  ].filter((p) => !args.has('only') || args.get('only')!.split(',').includes(p.name));
  const cache = join(root, 'build/ns-eval/cache');
  const talkers = new Map<string, Float32Array[]>();
  for (const t of new Set([...SETS.flatMap((x) => setTalkers(x, CORPUS).list), ...BABBLE])) talkers.set(t, loadTalker(t, cache, CORPUS));
  const babbleTalkers = BABBLE.map((t) => talkers.get(t)!);
  // clean utterances and noises at 48 kHz
  const utts: { set: string; talker: string; clean: Float32Array; noises: Map<NoiseKind, Float32Array> }[] = [];
  for (const set of SETS) {
    const { list, seedBase } = setTalkers(set, CORPUS);
    list.forEach((talker, ti) => {
      const seed = seedBase + ti;
      const clean = concatWords(talkers.get(talker)!, seed, SECONDS, [0.12, 0.3]);
      const noises = new Map<NoiseKind, Float32Array>();
      NOISES.forEach((k, ki) => noises.set(k, makeNoise(k, clean.length, seed * 10 + ki, babbleTalkers)));
      utts.push({ set, talker, clean, noises });
    });
  }
  const sf = utts.map((u) => speechFraction(u.clean, FS));
  const speechFrac = sf.reduce((a, b) => a + b, 0) / sf.length;
  console.log(`corpus: ${utts.length} utterances of ${SECONDS} s, speech frames ${(100 * speechFrac).toFixed(0)} %, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const rows: Row[] = [];
  const delays: Record<string, Record<number, number>> = {};
  let clipped = 0;
  for (const rate of RATES) {
    const dir = join(work, String(rate));
    mkdirSync(dir, { recursive: true });
    interface Mix { set: string; talker: string; noise: NoiseKind; snr: number; file: string; clean: Float32Array; noiseSig: Float32Array; noisy: Float32Array }
    const mixes: Mix[] = [];
    for (const u of utts) {
      // the never-seen set's 8 kHz recordings only at 8 kHz (corpus.ts NEVERSEEN_NARROWBAND)
      if (u.set === 'neverseen' && !talkerAtRate(u.talker, rate)) continue;
      const c = resample(u.clean, FS, rate);
      for (const kind of NOISES.filter((k) => !args.has('noises') || args.get('noises')!.split(',').includes(k))) {
        const nz = resample(u.noises.get(kind)!, FS, rate);
        for (const snr of SNRS) {
          const { g, gn, clipped: cl } = mixGains(c, nz, snr);
          if (cl) clipped++;
          const clean = Float32Array.from(c, (v) => v * g);
          const noiseSig = Float32Array.from(nz, (v) => v * gn);
          const q = Int16Array.from(clean, (v, i) => Math.max(-32768, Math.min(32767, Math.round((v + noiseSig[i]) * 32768))));
          const file = join(dir, `${u.set}-${u.talker}-${kind}-${snr}.raw`);
          if (kind === 'white' && snr === 20) {
            // the clean speech at this rate, for inspection
            const cq = Int16Array.from(clean, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
            writeFileSync(join(dir, `${u.set}-${u.talker}.clean`), Buffer.from(cq.buffer));
          }
          writeFileSync(file, Buffer.from(q.buffer));
          mixes.push({ set: u.set, talker: u.talker, noise: kind, snr, file, clean, noiseSig, noisy: Float32Array.from(q, (v) => v / 32768) });
        }
      }
    }
    const tp = Date.now();
    const procTime: Record<string, number> = {};
    for (const p of procs) {
      const t = Date.now();
      p.run(rate, mixes.map((m) => [m.file, m.file.replace(/\.raw$/, `.${p.name}.out`)]));
      procTime[p.name] = Date.now() - t;
    }
    // delay per processor from a +20 dB white mixture
    const cal = mixes.find((m) => m.noise === 'white' && m.snr === 20) ?? mixes.reduce((a, m) => (m.snr > a.snr ? m : a));
    for (const p of procs) {
      delays[p.name] ??= {};
      delays[p.name][rate] = estimateDelay(cal.noisy, readF32(cal.file.replace(/\.raw$/, `.${p.name}.out`)), rate);
    }
    const tm = Date.now();
    const len = mixes[0].clean.length - Math.ceil(0.03 * rate);
    for (const m of mixes) {
      const ref = new MixRef(m.clean, m.noiseSig, m.noisy, rate, len);
      const noisyM = ref.measure(m.noisy, 0);
      rows.push({ set: m.set, rate, proc: 'noisy', talker: m.talker, noise: m.noise, snr: m.snr, m: noisyM, stoiIn: noisyM.stoi, dSnr: 0 });
      for (const p of procs) {
        const out = readF32(m.file.replace(/\.raw$/, `.${p.name}.out`));
        const mm = ref.measure(out, delays[p.name][rate]);
        rows.push({ set: m.set, rate, proc: p.name, talker: m.talker, noise: m.noise, snr: m.snr, m: mm, stoiIn: noisyM.stoi, dSnr: mm.snrOut - ref.snrIn });
      }
    }
    console.log(`${rate} Hz: ${mixes.length} mixtures; processing ${(tm - tp) / 1000} s (${Object.entries(procTime).map(([k, v]) => `${k} ${v} ms`).join(', ')}); metrics ${(Date.now() - tm) / 1000} s`);
  }
  const summary = summarise(rows, delays);
  const elapsed = (Date.now() - t0) / 1000;
  const meta = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), node ${process.version}`,
    strength: STRENGTH,
    seconds: SECONDS,
    speechFraction: speechFrac,
    clippedMixturesRescaled: clipped,
    elapsedSeconds: elapsed,
    train: setTalkers('train', CORPUS).list,
    heldout: setTalkers('heldout', CORPUS).list,
    fresh: setTalkers('fresh', CORPUS).list,
    unseen: setTalkers('unseen', CORPUS).list,
    neverseen: setTalkers('neverseen', CORPUS).list,
    neverseenNarrowband: NEVERSEEN_NARROWBAND,
    corpus: CORPUS,
    babble: BABBLE,
  };
  const md = renderMarkdown(summary, meta);
  console.log(md);
  if (args.has('json-out')) writeFileSync(args.get('json-out')!, JSON.stringify({ meta, summary }, null, 1) + '\n');
  else if (!args.has('no-write')) {
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/ns.json'), JSON.stringify({ meta, summary }, null, 1) + '\n');
    writeFileSync(join(root, 'bench/results/ns.md'), md);
  }
  console.log(`elapsed ${elapsed.toFixed(0)} s`);
}

type Summary = Record<string, Record<string, Record<string, AnchorRow>>>; // set -> rate -> proc
export interface AnchorRow {
  stoi: number; dstoiBySnr: Record<number, number>; dSnr: number; sa: number; na: number; naAbs: number;
  cells: Record<string, {
    dstoi: number; naAbs: number; dstoiBySnr: Record<number, number>; naAbsBySnr: Record<number, number>;
    /** Per talker (tables from session 7 on): dSTOI and NAabs per SNR. */
    byTalker?: Record<string, { dstoiBySnr: Record<number, number>; naAbsBySnr: Record<number, number> }>;
  }>;
  /** SA per talker (tables from session 7 on). */
  saByTalker?: Record<string, number>;
  delayMs: number;
}
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

function summarise(rows: Row[], delays: Record<string, Record<number, number>>): Summary {
  const out: Summary = {};
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.set}|${r.rate}|${r.proc}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  for (const [k, rs] of groups) {
    const [set, rate, proc] = k.split('|');
    const ds = (r: Row) => 100 * (r.m.stoi - r.stoiIn);
    // per talker only for the two anchors the goals compare (keeps ns.json small)
    const perTalker = proc === 'ours' || proc === 'speex-25';
    const cells: AnchorRow['cells'] = {};
    for (const nk of NOISES) {
      const nr = rs.filter((r) => r.noise === nk);
      cells[nk] = {
        dstoi: mean(nr.map(ds)),
        naAbs: mean(nr.map((r) => (proc === 'noisy' ? 0 : r.m.naAbs))),
        dstoiBySnr: Object.fromEntries(SNRS.map((s) => [s, mean(nr.filter((r) => r.snr === s).map(ds))])),
        naAbsBySnr: Object.fromEntries(SNRS.map((s) => [s, mean(nr.filter((r) => r.snr === s).map((r) => r.m.naAbs))])),
        byTalker: !perTalker ? undefined : Object.fromEntries([...new Set(nr.map((r) => r.talker))].map((t) => {
          const tr = nr.filter((r) => r.talker === t);
          return [t, {
            dstoiBySnr: Object.fromEntries(SNRS.map((s) => [s, mean(tr.filter((r) => r.snr === s).map(ds))])),
            naAbsBySnr: Object.fromEntries(SNRS.map((s) => [s, mean(tr.filter((r) => r.snr === s).map((r) => r.m.naAbs))])),
          }];
        })),
      };
    }
    out[set] ??= {};
    out[set][rate] ??= {};
    out[set][rate][proc] = {
      stoi: 100 * mean(rs.map((r) => r.m.stoi)),
      dstoiBySnr: Object.fromEntries(SNRS.map((s) => [s, mean(rs.filter((r) => r.snr === s).map(ds))])),
      dSnr: mean(rs.map((r) => r.dSnr)),
      sa: mean(rs.map((r) => r.m.sa)),
      saByTalker: !perTalker ? undefined : Object.fromEntries([...new Set(rs.map((r) => r.talker))].map((t) => [t, mean(rs.filter((r) => r.talker === t).map((r) => r.m.sa))])),
      na: mean(rs.map((r) => r.m.na)),
      naAbs: mean(rs.map((r) => (proc === 'noisy' ? 0 : r.m.naAbs))),
      cells,
      delayMs: proc === 'noisy' ? 0 : (1000 * (delays[proc]?.[Number(rate)] ?? 0)) / Number(rate),
    };
  }
  return out;
}

const sg = (v: number, d = 1) => (v >= 0 ? '+' : '') + v.toFixed(d);

const SET_TITLE: Record<string, string> = { train: 'training talkers', heldout: 'held-out talkers', fresh: 'fresh talkers', unseen: 'unseen talkers', neverseen: 'never-seen talkers' };

function renderMarkdown(s: Summary, meta: Record<string, unknown>): string {
  const L: string[] = [];
  L.push('# Noise suppression: voipkit against speexdsp and WebRTC NS');
  L.push('');
  L.push(`Generated by \`npx tsx bench/ns-eval/run.ts\` on ${meta.date}, ${meta.machine}; ${Number(meta.elapsedSeconds).toFixed(0)} s.`);
  const corpus = String(meta.corpus ?? 'v1');
  L.push(`voipkit at strength ${meta.strength} (the default is 0.5). Corpus ${corpus} (bench/ns-eval/README.md): ` +
    `${corpus === 'v1' ? 'ktuberling-data words' : 'ktuberling-data words, Asterisk prompts (ast-*) and Fish Fillets lines (fl-*), high-passed at 50 Hz, cut to the word'}, ${meta.seconds} s per talker and noise, ` +
    `${(100 * Number(meta.speechFraction)).toFixed(0)} % speech frames, speech at ${SPEECH_DBFS} dBFS, SNR ${SNRS.join(', ')} dB; ` +
    `train talkers ${(meta.train as string[]).join(', ')}; held-out talkers ${(meta.heldout as string[]).join(', ')}; ${meta.fresh ? `fresh talkers (first looked at in session 6's final run, a diagnosis set since) ${(meta.fresh as string[]).join(', ')}; ` : ''}${meta.unseen ? `unseen talkers (klettres-data, looked at only in the final runs of sessions 7, 8 and 9, a diagnosis set since) ${(meta.unseen as string[]).join(', ')}; ` : ''}${s.neverseen && meta.neverseen ? `never-seen talkers (session 10: gcin-voice, fillets-ng-data-cs, klettres-data; first processed in session 10's final run) ${(meta.neverseen as string[]).join(', ')}${(meta.neverseenNarrowband as string[] | undefined)?.length ? ` (${(meta.neverseenNarrowband as string[]).join(', ')}: 8 kHz recordings, at 8 kHz only)` : ''}, at 48 kHz nothing above 11 kHz for fl-cs (22.05 kHz recording); ` : ''}babble from ${(meta.babble as string[]).join(', ')}. ` +
    `${meta.clippedMixturesRescaled} mixtures (loud keyboard clicks) were scaled down as a whole to avoid clipping.`);
  L.push('');
  L.push('Per-noise cells: dSTOI averaged over the five SNRs / NAabs in dB. Method: bench/ns-eval/README.md.');
  for (const set of Object.keys(s)) {
    for (const rate of Object.keys(s[set]).sort((a, b) => Number(b) - Number(a))) {
      L.push('');
      L.push(`### ${rate} Hz, ${SET_TITLE[set] ?? set}`);
      L.push('');
      L.push('');
      L.push('| anchor | STOI | dSTOI -5 | dSTOI +0 | dSTOI +5 | dSTOI +10 | dSTOI +20 | dSNR | SA | NA | NAabs | white | pink | brown | babble | keyboard | fan | delay ms |');
      L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
      const order = ['noisy', 'speex-15', 'speex-25', 'webrtc-moderate', 'webrtc-high', 'webrtc-veryhigh', 'ours'];
      for (const proc of order) {
        const r = s[set][rate][proc];
        if (!r) continue;
        const name = proc === 'ours' ? '**voipkit**' : proc;
        L.push(`| ${name} | ${r.stoi.toFixed(1)} | ${SNRS.map((x) => sg(r.dstoiBySnr[x])).join(' | ')} | ${sg(r.dSnr)} | ${r.sa.toFixed(1)} | ${r.na.toFixed(1)} | ${r.naAbs.toFixed(1)} | ` +
          `${NOISES.map((k) => `${sg(r.cells[k].dstoi)} / ${r.cells[k].naAbs.toFixed(0)}`).join(' | ')} | ${r.delayMs.toFixed(1)} |`);
      }
    }
  }
  L.push('');
  L.push(goals(s));
  return L.join('\n') + '\n';
}

/** The issue's goals, checked per set and rate against speex-25 measured in the same run. */
function goals(s: Summary): string {
  const L: string[] = ['## Goals at the default strength (checked against speex-25 of this run)', ''];
  L.push('| set | rate | dSTOI >= speex-25 every cell | NAabs >= speex-25 every cell | NAabs >= 15 dB stationary | dSNR > speex-25 | dSTOI +20 >= 0 every noise | SA <= 0.6 | babble dSTOI >= -0.5 | keyboard dSTOI >= +1.0 |');
  L.push('|---|---|---|---|---|---|---|---|---|---|');
  const detail: string[] = [];
  for (const set of Object.keys(s)) {
    for (const rate of Object.keys(s[set]).sort((a, b) => Number(b) - Number(a))) {
      const o = s[set][rate].ours, sp = s[set][rate]['speex-25'];
      if (!o || !sp) continue;
      const cellsD: string[] = [], cellsN: string[] = [];
      for (const k of NOISES) for (const x of SNRS) {
        if (o.cells[k].dstoiBySnr[x] < sp.cells[k].dstoiBySnr[x] - 1e-9) cellsD.push(`${k}@${x}`);
        if (o.cells[k].naAbsBySnr[x] < sp.cells[k].naAbsBySnr[x] - 1e-9) cellsN.push(`${k}@${x}`);
      }
      const stat = Math.min(...STATIONARY.map((k) => o.cells[k].naAbs));
      const at20 = Math.min(...NOISES.map((k) => o.cells[k].dstoiBySnr[20]));
      const yes = (b: boolean, v: string) => `${b ? 'yes' : '**no**'} (${v})`;
      L.push(`| ${set} | ${rate} | ${yes(cellsD.length === 0, cellsD.length ? 'fails ' + cellsD.join(' ') : '30/30')} | ${yes(cellsN.length === 0, cellsN.length ? 'fails ' + cellsN.join(' ') : '30/30')} | ` +
        `${yes(stat >= 15, `min ${stat.toFixed(1)}`)} | ${yes(o.dSnr > sp.dSnr, `${sg(o.dSnr)} vs ${sg(sp.dSnr)}`)} | ${yes(at20 >= 0, `min ${sg(at20, 2)}`)} | ` +
        `${yes(o.sa <= 0.6, o.sa.toFixed(2))} | ${yes(o.cells.babble.dstoi >= -0.5, sg(o.cells.babble.dstoi, 2))} | ${yes(o.cells.keyboard.dstoi >= 1, sg(o.cells.keyboard.dstoi))} |`);
      detail.push(...failureDetail(set, rate, o, sp, cellsD, cellsN, at20));
    }
  }
  if (detail.length) {
    L.push('', '### The failing cells per talker', '',
      'voipkit against speex-25 per talker; "paired" is the mean of the per-talker differences with its standard error ' +
      '(sample SD / sqrt(talkers)), a measure of how far a cell\'s verdict rests on the few talkers of a set.', '', ...detail);
  }
  return L.join('\n');
}

/** Per-talker values behind each failed goal of one set and rate (needs the per-talker summary). */
function failureDetail(set: string, rate: string, o: AnchorRow, sp: AnchorRow, cellsD: string[], cellsN: string[], at20: number): string[] {
  const out: string[] = [];
  const paired = (d: number[]) => {
    const m = mean(d);
    const se = d.length > 1 ? Math.sqrt(d.reduce((a, x) => a + (x - m) ** 2, 0) / (d.length - 1) / d.length) : NaN;
    return `paired ${sg(m, 2)} ± ${se.toFixed(2)}`;
  };
  const cellLine = (what: 'dstoi' | 'naAbs', cell: string) => {
    const [k, x] = cell.split('@');
    const a = o.cells[k].byTalker, b = sp.cells[k].byTalker;
    if (!a || !b) return;
    const key = what === 'dstoi' ? 'dstoiBySnr' : 'naAbsBySnr';
    const ts = Object.keys(a);
    const v = ts.map((t) => `${t} ${sg(a[t][key][Number(x)], 2)} / ${sg(b[t][key][Number(x)], 2)}`);
    out.push(`- ${set} ${rate} Hz, ${what === 'dstoi' ? 'dSTOI' : 'NAabs'} ${cell} (voipkit / speex-25): ${v.join('; ')}; ` +
      paired(ts.map((t) => a[t][key][Number(x)] - b[t][key][Number(x)])));
  };
  for (const c of cellsD) cellLine('dstoi', c);
  for (const c of cellsN) cellLine('naAbs', c);
  if (at20 < 0) {
    for (const k of NOISES) {
      if (o.cells[k].dstoiBySnr[20] >= 0 || !o.cells[k].byTalker) continue;
      const a = o.cells[k].byTalker!;
      out.push(`- ${set} ${rate} Hz, dSTOI ${k}@20 (voipkit): ${Object.keys(a).map((t) => `${t} ${sg(a[t].dstoiBySnr[20], 2)}`).join('; ')}`);
    }
  }
  if (o.sa > 0.6 && o.saByTalker) {
    out.push(`- ${set} ${rate} Hz, SA (voipkit / speex-25): ${Object.keys(o.saByTalker).map((t) => `${t} ${o.saByTalker![t].toFixed(2)} / ${sp.saByTalker?.[t]?.toFixed(2) ?? '?'}`).join('; ')}`);
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
