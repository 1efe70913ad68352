/**
 * `voipkit sim` with a simulated network (the default) or a capture:
 * options, the run, the one-screen summary, the JSON report, the HTML page,
 * the exported trace and the progress bar.  `voipkit sim --trace` stays in
 * sim.ts; this module adds to the same command.
 */
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { load, type VoipKit } from '../index.js';
import { VoipKitError } from '../errors.js';
import { readBytes, write } from './io.js';
import { PROFILE_NAMES, profile, resolveNetworkConfig, formatTrace as formatSimTrace, type NetworkConfig, type NetworkStats } from '../sim/network/index.js';
import { parseNetemSpec, parsePercent, parseTimeMs } from '../sim/network/netem-spec.js';
import { runNetSim, PTIME_MS, DEVICE_DELAY_MS, type NetSimResult, type QualityFigures } from '../sim/netsim.js';
import { replayTrace, formatPlayoutLog, formatTrace, type TraceRow, type ReplayResult } from '../sim/trace.js';
import { renderHtmlReport } from '../sim/report/html.js';
import { encodeWav } from '../sim/wav.js';
import { wavTo8kMono } from '../sim/wav-input.js';
import { parsePcapRtp, pickStream } from '../sim/pcap.js';
import { captureToTrace } from '../sim/capture.js';
import { SRTP_KEY_LENGTHS } from '../srtp/session.js';
import { burstRatio, codecImpairment, eModel } from '../sim/emodel.js';
import { speechLike } from '../sim/speech.js';

/** Default profile when neither a trace, a capture nor network options are given. */
export const DEFAULT_PROFILE = 'wifi';
export const DEFAULT_SECONDS = 60;

/** Options this module adds to `voipkit sim` (commander's camelCase names). */
export interface NetsimCliOptions {
  seed?: string;
  profile?: string;
  netem?: string;
  delay?: string;
  jitter?: string;
  loss?: string;
  duration?: string;
  exportTrace?: string;
  pcap?: string;
  ssrc?: string;
  html?: string;
  progress?: boolean;
  jb?: string;
  ns?: boolean | string;
  srtp?: string;
}

/**
 * Jitter buffer options from `--jb`: `adaptive` (the buffer's own target,
 * the default) or `fixed:MS` (playout delay held at MS above the fastest
 * recent packet: minDelayMs = maxDelayMs = MS, 20..10000).
 */
export function jitterFromOption(jb: string | undefined): { minDelayMs?: number; maxDelayMs?: number } | undefined {
  if (jb === undefined || jb === 'adaptive') return undefined;
  const m = /^fixed:(\d+)$/.exec(jb);
  const ms = m ? Number(m[1]) : NaN;
  if (!(ms >= 20 && ms <= 10000)) throw new VoipKitError('invalid_argument', `--jb must be adaptive or fixed:MS with MS in 20..10000, got ${JSON.stringify(jb)}`);
  return { minDelayMs: ms, maxDelayMs: ms };
}

/** The network-related options: if any is given, the network model is used. */
const NETWORK_OPTS = ['seed', 'profile', 'netem', 'delay', 'jitter', 'loss', 'duration', 'exportTrace'] as const;

/** Register the simulator options on the `sim` command. */
export function addNetsimOptions(cmd: Command): Command {
  return cmd
    .option('--seed <n>', 'seed of the network model (32-bit unsigned); the same seed gives the same report', '1')
    .addOption(new Option('--profile <name>', `named network (docs/sim.md lists their parameters) (default: ${DEFAULT_PROFILE} when no --netem/--trace/--pcap)`).choices(PROFILE_NAMES))
    .option('--netem <spec>', "netem options, applied over --profile, e.g. 'delay 80ms 20ms 25% distribution normal loss gemodel 1% 30% 70% 0.1% reorder 5% gap 3 rate 96kbit limit 20 slot 1ms 6ms packets 8' (docs/sim.md)")
    .option('--delay <ms>', 'shorthand for netem delay: base one-way delay, ms (default: from the profile)')
    .option('--jitter <ms>', 'shorthand for netem delay jitter, ms (uniform unless --netem sets a distribution) (default: from the profile)')
    .option('--loss <percent>', 'shorthand for netem loss random PERCENT (default: from the profile)')
    .option('--duration <seconds>', `length of the simulated call (default: the --input length, else ${DEFAULT_SECONDS})`)
    .option('--export-trace <out.csv>', 'write the simulated network as a trace (seq,rtp_timestamp,send_ms,arrival_ms)')
    .option('--pcap <file.pcap>', 'replay the arrival times and payloads of a G.711 RTP stream from a capture (libpcap format)')
    .option('--ssrc <hex|dec>', 'with --pcap: the stream to replay (default: the SSRC with the most packets)')
    .option('--html <out.html>', 'write a self-contained HTML page with plots of delay, buffer and loss')
    .option('--jb <adaptive|fixed:MS>', 'jitter buffer: adaptive target delay, or a playout delay fixed at MS above the fastest packets', 'adaptive')
    .option('--ns [strength]', 'noise suppression in the sender, strength 0..1 (default: off; 0.5 when given without a value)')
    .addOption(new Option('--srtp <profile>', 'protect the call with SRTP (keys drawn from the seed) (default: plain RTP)').choices(Object.keys(SRTP_KEY_LENGTHS)))
    .option('--no-progress', 'no progress bar (it shows on a terminal for runs longer than a second)');
}



function num(flag: string, v: string, lo: number, hi: number): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < lo || x > hi) throw new VoipKitError('invalid_argument', `${flag} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  return x;
}

/** Whether the options ask for the network model (or a capture) rather than --trace. */
export function wantsNetsim(o: NetsimCliOptions & { trace?: string }): boolean {
  return !o.trace;
}

/** Reject contradictory combinations, with one clear message. */
export function checkContradictions(o: NetsimCliOptions & { trace?: string; seedGiven?: boolean }, given: (k: string) => boolean): void {
  const netOpts = NETWORK_OPTS.filter((k) => given(k));
  if (o.trace && o.pcap) throw new VoipKitError('invalid_argument', '--trace and --pcap are contradictory: give one source of packets');
  if (o.trace && netOpts.length) throw new VoipKitError('invalid_argument', `--trace replays a recorded network; --${kebab(netOpts[0])} describes a simulated one: give one or the other`);
  if (o.pcap && netOpts.length) throw new VoipKitError('invalid_argument', `--pcap replays a capture; --${kebab(netOpts[0])} describes a simulated network: give one or the other`);
  if (o.ssrc && !o.pcap) throw new VoipKitError('invalid_argument', '--ssrc selects a stream of --pcap, which is missing');
  if (o.html && o.trace) throw new VoipKitError('invalid_argument', '--html is not available with --trace yet (use the simulated network or --pcap)');
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** The network configuration from --profile, --netem and the shorthands. */
export function networkFromOptions(o: NetsimCliOptions): { config: NetworkConfig; name: string } {
  const custom = o.netem !== undefined || o.delay !== undefined || o.jitter !== undefined || o.loss !== undefined;
  const base = o.profile ?? (custom ? undefined : DEFAULT_PROFILE);
  let config: NetworkConfig = base ? profile(base) : {};
  const parts: string[] = base ? [`profile ${base}`] : [];
  if (o.netem !== undefined) {
    config = parseNetemSpec(o.netem, config);
    parts.push(`netem '${o.netem.trim()}'`);
  }
  if (o.delay !== undefined || o.jitter !== undefined) {
    const d = config.delay ?? { ms: 0 };
    config.delay = {
      ...d,
      ms: o.delay !== undefined ? parseTimeMs(o.delay, '--delay') : d.ms,
      jitterMs: o.jitter !== undefined ? parseTimeMs(o.jitter, '--jitter') : d.jitterMs,
    };
    if (o.delay !== undefined) parts.push(`delay ${o.delay}`);
    if (o.jitter !== undefined) parts.push(`jitter ${o.jitter}`);
  }
  if (o.loss !== undefined) {
    config.loss = { model: 'random', percent: parsePercent(o.loss, '--loss') };
    parts.push(`loss ${o.loss}`);
  }
  resolveNetworkConfig(config);
  return { config, name: parts.join(', ') };
}

/** A progress bar on stderr that appears only once a run has taken a second, and only on a terminal. */
export function lazyProgress(enabled: boolean): { update: (f: number) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const t0 = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(f: number) {
      if (!bar) {
        if (Date.now() - t0 < 1000) return;
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'simulating [{bar}] {percentage}% | {eta}s left', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(1000, 0);
      }
      bar.update(Math.round(f * 1000));
    },
    stop() {
      bar?.stop();
    },
  };
}

/** The JSON report of a simulated call or capture replay. */
export interface NetsimReport {
  tool: 'voipkit sim';
  source: string;
  seed: number | null;
  codec: 'pcmu' | 'pcma';
  backend: string;
  input: string;
  durationS: number;
  network: { config: NetworkConfig | null; stats: NetworkStats | null };
  quality: QualityFigures;
  /** Send path: noise suppression strength (--ns), null when off. */
  sendPath: { noiseSuppression: number | null; srtp: string | null };
  /** `adaptive` or `fixed:MS` (--jb). */
  jitterBufferMode: string;
  jitterBuffer: ReplayResult['stats'];
  ops: ReplayResult['ops'];
}

function summaryLines(rep: NetsimReport): string[] {
  const q = rep.quality;
  const e = q.emodel;
  const n = rep.network.stats;
  const j = rep.jitterBuffer;
  const lines = [
    `voipkit sim: ${rep.source}${rep.seed !== null ? `, seed ${rep.seed}` : ''}; ${rep.durationS.toFixed(1)} s of ${rep.input}; ${rep.codec}; ${rep.backend} backend`,
    `network  one-way delay mean ${q.networkDelayMeanMs.toFixed(1)} ms, p95 ${q.networkDelayP95Ms.toFixed(1)} ms; lost ${q.networkLossPct.toFixed(2)} %` +
      (n ? `; duplicated ${n.duplicated}, reordered ${n.reordered}, queue drops ${n.queueDropped}, out of order ${n.outOfOrder}` : ''),
    `buffer   target ${j.targetDelayMs.toFixed(0)} ms at the end; late ${q.lateLossPct.toFixed(2)} %; concealed ${q.concealmentPct.toFixed(2)} % of the audio; accelerate ${(100 * j.accelerateRate).toFixed(2)} %, stretch ${(100 * j.preemptiveRate).toFixed(2)} %`,
    `delay    send to play mean ${q.e2eMeanMs.toFixed(1)} ms, p95 ${q.e2eP95Ms.toFixed(1)} ms; mouth to ear ${q.mouthToEarMs.toFixed(1)} ms (+${PTIME_MS} ms packetisation, +${DEVICE_DELAY_MS} ms device)`,
    `quality  R ${e.R.toFixed(1)}, MOS ${e.MOS.toFixed(2)} (ITU-T G.107: Id ${e.Id.toFixed(1)}, Ie,eff ${e.IeEff.toFixed(1)} from Ppl ${e.Ppl.toFixed(2)} %, BurstR ${e.BurstR.toFixed(2)}, Ie ${e.Ie}, Bpl ${e.Bpl})`,
    `         ${verdict(e.R)}`,
  ];
  return lines;
}

/** G.109's user-satisfaction categories of R. */
export function verdict(R: number): string {
  if (R >= 90) return 'users very satisfied (G.109: R ≥ 90)';
  if (R >= 80) return 'users satisfied (G.109: 80 ≤ R < 90)';
  if (R >= 70) return 'some users dissatisfied (G.109: 70 ≤ R < 80)';
  if (R >= 60) return 'many users dissatisfied (G.109: 60 ≤ R < 70)';
  if (R >= 50) return 'nearly all users dissatisfied (G.109: 50 ≤ R < 60)';
  return 'not recommended (G.109: R < 50)';
}

/** Quality figures of a capture replay (no network model; same definitions as runNetSim). */
function captureQuality(rows: TraceRow[], r: ReplayResult, codec: 'pcmu' | 'pcma'): QualityFigures {
  const sent = new Map<string, { send: number; arr: number | null; play: number | null }>();
  rows.forEach((row, i) => {
    const k = `${row.seq}/${row.sendMs}`;
    const e = sent.get(k) ?? { send: row.sendMs, arr: null, play: null };
    if (row.arrivalMs !== null && (e.arr === null || row.arrivalMs < e.arr)) e.arr = row.arrivalMs;
    const p = r.log[i].playMs;
    if (p !== null && (e.play === null || p < e.play)) e.play = p;
    sent.set(k, e);
  });
  const pk = [...sent.values()];
  const owd = pk.filter((p) => p.arr !== null).map((p) => (p.arr as number) - p.send).sort((a, b) => a - b);
  const e2e = pk.filter((p) => p.play !== null).map((p) => (p.play as number) - p.send).sort((a, b) => a - b);
  const mean = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);
  const p95 = (a: number[]) => (a.length ? a[Math.max(0, Math.ceil(0.95 * a.length) - 1)] : 0);
  const lost = pk.filter((p) => p.arr === null).length;
  const late = pk.filter((p) => p.arr !== null && p.play === null).length;
  const Ta = mean(e2e) + PTIME_MS + DEVICE_DELAY_MS;
  const Ppl = (100 * (lost + late)) / Math.max(1, pk.length);
  const BurstR = burstRatio(pk.map((p) => p.play === null));
  const imp = codecImpairment(codec, true);
  const em = eModel({ Ta, T: Ta, Tr: 2 * Ta, Ie: imp.Ie, Bpl: imp.Bpl, Ppl, BurstR });
  return {
    packets: pk.length,
    networkLossPct: (100 * lost) / Math.max(1, pk.length),
    lateLossPct: (100 * late) / Math.max(1, pk.length),
    concealmentPct: 100 * r.stats.expandRate,
    networkDelayMeanMs: mean(owd),
    networkDelayP95Ms: p95(owd),
    e2eMeanMs: mean(e2e),
    e2eP95Ms: p95(e2e),
    mouthToEarMs: Ta,
    burstR: BurstR,
    emodel: {
      ...em,
      Ta,
      Ppl,
      BurstR,
      Ie: imp.Ie,
      Bpl: imp.Bpl,
      source: imp.source,
      assumptions: 'delays relative to the fastest packet of the capture (its one-way delay taken as 0); Ta = mean send→play delay + 20 ms packetisation + 5 ms device; T = Ta, Tr = 2·Ta; other G.107 parameters at their defaults',
    },
  };
}

/**
 * `voipkit sim` without --trace: simulate the network (or replay --pcap),
 * play it through the jitter buffer, print the summary and write the outputs.
 */
export async function runNetsimCommand(
  o: NetsimCliOptions & { codec: string; input?: string; report?: string; out?: string; json?: boolean; playoutLog?: string },
  print: (s: string) => void,
  kitIn?: VoipKit,
): Promise<NetsimReport> {
  if (o.codec !== 'pcmu' && o.codec !== 'pcma') throw new VoipKitError('invalid_argument', `--codec must be pcmu or pcma, got ${o.codec}`);
  const seed = num('--seed', o.seed ?? '1', 0, 4294967295);
  if (!Number.isInteger(seed)) throw new VoipKitError('invalid_argument', `--seed must be an integer, got ${o.seed}`);
  if (o.pcap && o.input) throw new VoipKitError('invalid_argument', '--pcap replays the captured payloads; --input gives audio to send: give one or the other');
  const jitter = jitterFromOption(o.jb);
  let nsStrength: number | null = null;
  if (o.ns !== undefined && o.ns !== false) {
    nsStrength = o.ns === true ? 0.5 : num('--ns', o.ns, 0, 1);
    if (o.pcap) throw new VoipKitError('invalid_argument', '--ns acts on the send path; --pcap replays captured payloads: give one or the other');
  }
  if (o.srtp && o.pcap) throw new VoipKitError('invalid_argument', '--srtp protects a simulated call; --pcap replays a capture: give one or the other');
  const kit = kitIn ?? (await load());
  const progress = lazyProgress(o.progress !== false);
  let rows: TraceRow[];
  let replay: ReplayResult;
  let quality: QualityFigures;
  let source: string;
  let input: string;
  let codec: 'pcmu' | 'pcma' = o.codec;
  let net: { config: NetworkConfig | null; stats: NetworkStats | null } = { config: null, stats: null };
  let html: { packets: NetSimResult['packets']; frames: NetSimResult['frames'] };
  try {
    if (o.pcap) {
      const cap = captureToTrace(pickStream(parsePcapRtp(readBytes(o.pcap, '--pcap')), o.ssrc !== undefined ? parseSsrc(o.ssrc) : undefined));
      codec = cap.codec;
      rows = cap.rows;
      source = `capture ${basename(o.pcap)} (SSRC 0x${cap.ssrc.toString(16)}, ${cap.received} packets received, ${cap.missing} missing)`;
      input = 'captured audio';
      const frames: NetSimResult['frames'] = [];
      const tEnd = rows.reduce((m, r) => (r.arrivalMs !== null ? Math.max(m, r.arrivalMs) : m), 1);
      replay = replayTrace(kit, rows, {
        codec,
        packets: cap.packets,
        keepAudio: !!o.out,
        jitter,
        onPoll: (tick, res, jb) => {
          const st = jb.stats();
          frames.push({ tMs: tick, targetDelayMs: st.targetDelayMs, currentDelayMs: st.currentDelayMs, bufferedMs: st.bufferedMs, concealed: res.op === 'expand' || res.op === 'cng' || res.concealedSeq !== null });
          progress.update(Math.min(1, tick / tEnd));
        },
      });
      quality = captureQuality(rows, replay, codec);
      html = { frames, packets: rows.map((r, i) => ({ seq: r.seq, sendMs: r.sendMs, arrivalMs: r.arrivalMs, playMs: replay.log[i].playMs })) };
    } else {
      const { config, name } = networkFromOptions(o);
      let audio: Int16Array | undefined;
      if (o.input) {
        audio = await wavTo8kMono(kit, readBytes(o.input, '--input'), `--input ${o.input}`);
        input = basename(o.input);
      } else input = 'built-in speech-like signal';
      const durationMs = o.duration !== undefined ? Math.round(num('--duration', o.duration, 0.02, 86400) * 1000) : audio ? undefined : DEFAULT_SECONDS * 1000;
      if (!audio) audio = speechLike(8000 * Math.min(60, Math.ceil((durationMs ?? 60_000) / 1000)), 1);
      const r = runNetSim(kit, { network: config, seed, durationMs, codec, audio, jitter, srtp: o.srtp, noiseSuppression: nsStrength ?? false, keepAudio: !!o.out, onProgress: (f) => progress.update(f) });
      rows = r.rows;
      replay = r.replay;
      quality = r.quality;
      source = name;
      net = { config, stats: r.network };
      html = { packets: r.packets, frames: r.frames };
    }
  } finally {
    progress.stop();
  }
  const sends = rows.map((r) => r.sendMs);
  const rep: NetsimReport = {
    tool: 'voipkit sim',
    source,
    seed: o.pcap ? null : seed,
    codec,
    backend: kit.backend,
    input,
    durationS: (Math.max(...sends) - Math.min(...sends) + PTIME_MS) / 1000,
    network: net,
    quality,
    sendPath: { noiseSuppression: nsStrength, srtp: o.srtp ?? null },
    jitterBufferMode: o.jb ?? 'adaptive',
    jitterBuffer: replay.stats,
    ops: replay.ops,
  };
  if (o.exportTrace) write(o.exportTrace, formatTrace(rows), '--export-trace');
  if (o.playoutLog) write(o.playoutLog, formatPlayoutLog(replay.log), '--playout-log');
  if (o.report) write(o.report, JSON.stringify(rep, null, 2) + '\n', '--report');
  if (o.out && replay.audio) write(o.out, encodeWav(replay.audio, 8000), '--out');
  if (o.html) {
    const lines = summaryLines(rep);
    write(
      o.html,
      renderHtmlReport({
        title: `voipkit sim: ${source}`,
        subtitle: lines[0],
        summary: [
          ['R / MOS (ITU-T G.107)', `${quality.emodel.R.toFixed(1)} / ${quality.emodel.MOS.toFixed(2)} — ${verdict(quality.emodel.R)}`],
          ['mouth-to-ear delay', `${quality.mouthToEarMs.toFixed(1)} ms`],
          ['send → play delay', `mean ${quality.e2eMeanMs.toFixed(1)} ms, p95 ${quality.e2eP95Ms.toFixed(1)} ms`],
          ['network one-way delay', `mean ${quality.networkDelayMeanMs.toFixed(1)} ms, p95 ${quality.networkDelayP95Ms.toFixed(1)} ms`],
          ['lost in the network', `${quality.networkLossPct.toFixed(2)} % (burst ratio ${quality.burstR.toFixed(2)})`],
          ['late (dropped by the buffer)', `${quality.lateLossPct.toFixed(2)} %`],
          ['concealed audio', `${quality.concealmentPct.toFixed(2)} %`],
          ['codec values', quality.emodel.source],
        ],
        packets: html.packets,
        frames: html.frames,
      }),
      '--html',
    );
  }
  print(o.json ? JSON.stringify(rep, null, 2) : summaryLines(rep).join('\n'));
  return rep;
}

function parseSsrc(s: string): number {
  const v = /^0x[0-9a-f]{1,8}$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new VoipKitError('invalid_argument', `--ssrc must be a 32-bit number (decimal or 0x hex), got ${JSON.stringify(s)}`);
  return v;
}

export { formatSimTrace };
