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
import { runNetSim, sendPathProblem, PTIME_MS, DEFAULT_OPUS_BITRATE, DEFAULT_FEC_LOSS_PCT, type NetSimResult, type PlayoutSummary, type SendPathSummary } from '../sim/netsim.js';
import { listenerQuality, packetsFromRows, DEVICE_DELAY_MS, type QualityFigures } from '../sim/quality.js';
import { replayTrace, formatPlayoutLog, formatTrace, type TraceRow, type ReplayResult, type PlayoutEntry } from '../sim/trace.js';
import { renderHtmlReport, type ReportFrame, type ReportPacket } from '../sim/report/html.js';
import { encodeWav } from '../sim/wav.js';
import { wavTo8kMono } from '../sim/wav-input.js';
import { parsePcapRtp, pickStream } from '../sim/pcap.js';
import { captureToTrace } from '../sim/capture.js';
import { SRTP_KEY_LENGTHS } from '../srtp/session.js';
import { codecImpairment } from '../sim/emodel.js';
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
  codec?: string;
  ptime?: string;
  bitrate?: string;
  fec?: boolean | string;
  dtx?: boolean;
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
/** Options of the simulated send path (not for --trace or --pcap, which bring their own packets). */
const SEND_OPTS = ['ptime', 'bitrate', 'fec', 'dtx'] as const;

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
    .option('--html <out.html>', 'write a self-contained HTML page with plots of delay, buffer and loss (also with --trace)')
    .option('--jb <adaptive|fixed:MS>', 'jitter buffer: adaptive target delay, or a playout delay fixed at MS above the fastest packets; opus plays through AudioReceiver\'s fixed-delay Opus playout, 60 ms after the first packet, or MS with fixed:MS', 'adaptive')
    .option('--ns [strength]', 'noise suppression in the sender, strength 0..1 (default: off; 0.5 when given without a value)')
    .option('--ptime <ms>', 'packet time, ms: 10, 20, 30, 40 or 60 for pcmu/pcma; 10 or 20 for opus (default: 20)')
    .option('--bitrate <bit/s>', `opus target bitrate, bit/s, 6000..510000 (default: ${DEFAULT_OPUS_BITRATE}; pcmu/pcma are 64 kbit/s)`)
    .option('--fec [loss%]', `opus in-band FEC, telling the encoder to expect this packet loss, % (default: off; ${DEFAULT_FEC_LOSS_PCT} when given without a value)`)
    .option('--dtx', 'discontinuous transmission: RFC 3389 comfort noise for pcmu/pcma, the encoder\'s DTX for opus (default: off)')
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
  const sendOpts = SEND_OPTS.filter((k) => given(k));
  const from = o.trace ? '--trace replays a recorded network with 20 ms G.711 packets made here' : o.pcap ? '--pcap replays the captured packets' : '';
  if (from && sendOpts.length) throw new VoipKitError('invalid_argument', `${from}; --${sendOpts[0]} shapes the simulated send path: drop one`);
  if (from && o.codec === 'opus') throw new VoipKitError('invalid_argument', `${from}; --codec opus needs the simulated network`);
  if (o.exportTrace) {
    const why = o.codec === 'opus' ? '--codec opus' : o.dtx ? '--dtx' : o.ptime !== undefined && Number(o.ptime) !== PTIME_MS ? `--ptime ${o.ptime}` : '';
    if (why) throw new VoipKitError('invalid_argument', `--export-trace writes the trace format of 20 ms G.711 packets (what --trace replays); it cannot describe a call with ${why}`);
  }
}

/** The send path from --codec, --ptime, --bitrate, --fec and --dtx, checked (one message for the first problem). */
export function sendPathFromOptions(o: NetsimCliOptions): { codec: 'pcmu' | 'pcma' | 'opus'; ptimeMs: number; bitrate?: number; fec?: boolean | number; dtx: boolean } {
  const codec = o.codec ?? 'pcmu';
  if (codec !== 'pcmu' && codec !== 'pcma' && codec !== 'opus') throw new VoipKitError('invalid_argument', `--codec must be pcmu, pcma or opus, got ${JSON.stringify(codec)}`);
  const int = (flag: string, v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new VoipKitError('invalid_argument', `${flag} must be a whole number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const ptimeMs = o.ptime !== undefined ? int('--ptime', o.ptime) : PTIME_MS;
  const bitrate = o.bitrate !== undefined ? int('--bitrate', o.bitrate) : undefined;
  const fec = o.fec === undefined || o.fec === false ? undefined : o.fec === true ? true : int('--fec', o.fec);
  const sp = { codec, ptimeMs, bitrate, fec, dtx: !!o.dtx } as const;
  const problem = sendPathProblem(sp);
  if (problem) throw new VoipKitError('invalid_argument', '--' + problem);
  return sp;
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
  codec: 'pcmu' | 'pcma' | 'opus';
  backend: string;
  input: string;
  durationS: number;
  network: { config: NetworkConfig | null; stats: NetworkStats | null };
  quality: QualityFigures;
  /** Send path: noise suppression strength (--ns, null when off), SRTP profile, and the codec as run (simulated calls). */
  sendPath: { noiseSuppression: number | null; srtp: string | null } & Partial<SendPathSummary>;
  /** `adaptive` or `fixed:MS` (--jb). */
  jitterBufferMode: string;
  /** How the receiver played: the jitter buffer, or AudioReceiver's fixed-delay Opus playout with its counts. */
  playout: PlayoutSummary;
  /** The jitter buffer's stats() at the end; null when Opus played through the fixed-delay playout. */
  jitterBuffer: ReplayResult['stats'] | null;
  ops: ReplayResult['ops'];
}

function summaryLines(rep: NetsimReport): string[] {
  const q = rep.quality;
  const e = q.emodel;
  const n = rep.network.stats;
  const j = rep.jitterBuffer;
  const sp = rep.sendPath;
  const ptime = sp.ptimeMs ?? PTIME_MS;
  const codec =
    rep.codec === 'opus'
      ? `opus ${((sp.bitrate ?? 0) / 1000).toFixed(1)} kbit/s, ${ptime} ms` + (sp.fecExpectedLossPct != null ? `, FEC (expecting ${sp.fecExpectedLossPct} % loss)` : '') + (sp.dtx ? ', DTX' : '')
      : `${rep.codec}${ptime !== PTIME_MS ? `, ${ptime} ms` : ''}${sp.dtx ? ', DTX' : ''}`;
  const fec =
    sp.fecExpectedLossPct != null
      ? [`fec      ${sp.fecPackets} of ${sp.audioPackets} packets carry in-band FEC; ${q.fecRecovered} lost or late packets rebuilt from it` + (sp.fecDecoding ? '' : ' (this backend\'s Opus decoder cannot decode FEC: it conceals instead)')]
      : [];
  const buffer = j
    ? `buffer   target ${j.targetDelayMs.toFixed(0)} ms at the end; late ${q.lateLossPct.toFixed(2)} %; concealed ${q.concealmentPct.toFixed(2)} % of the audio; accelerate ${(100 * j.accelerateRate).toFixed(2)} %, stretch ${(100 * j.preemptiveRate).toFixed(2)} %`
    : `buffer   AudioReceiver's Opus playout, fixed ${rep.playout.fixedDelayMs} ms after the first packet; late ${q.lateLossPct.toFixed(2)} %; concealed ${q.concealmentPct.toFixed(2)} % of the audio`;
  return [
    `voipkit sim: ${rep.source}${rep.seed !== null ? `, seed ${rep.seed}` : ''}; ${rep.durationS.toFixed(1)} s of ${rep.input}; ${codec}; ${rep.backend} backend`,
    `network  one-way delay mean ${q.networkDelayMeanMs.toFixed(1)} ms, p95 ${q.networkDelayP95Ms.toFixed(1)} ms; lost ${q.networkLossPct.toFixed(2)} %` +
      (n ? `; duplicated ${n.duplicated}, reordered ${n.reordered}, queue drops ${n.queueDropped}, out of order ${n.outOfOrder}` : ''),
    buffer,
    ...fec,
    `delay    send to play mean ${q.e2eMeanMs.toFixed(1)} ms, p95 ${q.e2eP95Ms.toFixed(1)} ms; mouth to ear ${q.mouthToEarMs.toFixed(1)} ms (+${ptime} ms packetisation, +${DEVICE_DELAY_MS} ms device)`,
    `quality  R ${e.R.toFixed(1)}, MOS ${e.MOS.toFixed(2)} (ITU-T G.107: Id ${e.Id.toFixed(1)}, Ie,eff ${e.IeEff.toFixed(1)} from Ppl ${e.Ppl.toFixed(2)} %, BurstR ${e.BurstR.toFixed(2)}, Ie ${e.Ie}, Bpl ${e.Bpl})`,
    `         ${verdict(e.R)}`,
  ];
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

/** Playout frames for the HTML page from a trace replay's onPoll (the buffer's state after each poll). */
export function frameRecorder(): { frames: ReportFrame[]; onPoll: NonNullable<Parameters<typeof replayTrace>[2]>['onPoll'] } {
  const frames: ReportFrame[] = [];
  return {
    frames,
    onPoll: (tick, res, jb) => {
      const st = jb.stats();
      frames.push({ tMs: tick, targetDelayMs: st.targetDelayMs, currentDelayMs: st.currentDelayMs, bufferedMs: st.bufferedMs, concealed: res.op === 'expand' || res.op === 'cng' || res.concealedSeq !== null });
    },
  };
}

/** Quality figures of a trace or capture replay of G.711 (the same builder as simulated calls). */
export function replayQuality(rows: TraceRow[], log: PlayoutEntry[], stats: ReplayResult['stats'], codec: 'pcmu' | 'pcma', ptimeMs: number, note?: string): { quality: QualityFigures; packets: ReportPacket[] } {
  const packets = packetsFromRows(rows, log);
  return { packets, quality: listenerQuality({ packets, concealmentPct: 100 * stats.expandRate, impairment: codecImpairment(codec, true), ptimeMs, note }) };
}

/** Write the self-contained HTML page of a run. */
export function writeHtmlReport(file: string, title: string, subtitle: string, quality: QualityFigures, packets: readonly ReportPacket[], frames: readonly ReportFrame[]): void {
  const q = quality;
  write(
    file,
    renderHtmlReport({
      title,
      subtitle,
      summary: [
        ['R / MOS (ITU-T G.107)', `${q.emodel.R.toFixed(1)} / ${q.emodel.MOS.toFixed(2)} — ${verdict(q.emodel.R)}`],
        ['mouth-to-ear delay', `${q.mouthToEarMs.toFixed(1)} ms`],
        ['send → play delay', `mean ${q.e2eMeanMs.toFixed(1)} ms, p95 ${q.e2eP95Ms.toFixed(1)} ms`],
        ['network one-way delay', `mean ${q.networkDelayMeanMs.toFixed(1)} ms, p95 ${q.networkDelayP95Ms.toFixed(1)} ms`],
        ['lost in the network', `${q.networkLossPct.toFixed(2)} % (burst ratio ${q.burstR.toFixed(2)})`],
        ['late (dropped by the buffer)', `${q.lateLossPct.toFixed(2)} %`],
        ['concealed audio', `${q.concealmentPct.toFixed(2)} %`],
        ...(q.fecRecovered ? [['rebuilt from in-band FEC', `${q.fecRecovered} packets`] as [string, string]] : []),
        ['codec values', q.emodel.source],
      ],
      packets,
      frames,
    }),
    '--html',
  );
}

/** The packet time of a captured G.711 stream: the most common payload length, 8 bytes per ms. */
function capturePtime(packets: Uint8Array[]): number {
  const count = new Map<number, number>();
  for (const p of packets) if (p.length > 12) count.set(p.length - 12, (count.get(p.length - 12) ?? 0) + 1);
  let best = 160;
  let most = 0;
  for (const [len, c] of count) if (c > most || (c === most && len < best)) [best, most] = [len, c];
  return Math.max(1, Math.round(best / 8));
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
  const send = sendPathFromOptions(o);
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
  if (send.codec === 'opus' && kit.features.opus === 'none') throw new VoipKitError('unsupported', `--codec opus: Opus is not available on the ${kit.backend} backend (build the addon with libopus, pkg-config opus, or install the opusscript package)`);
  const progress = lazyProgress(o.progress !== false);
  let rows: TraceRow[];
  let log: PlayoutEntry[];
  let ops: ReplayResult['ops'];
  let jb: ReplayResult['stats'] | null;
  let audioOut: Int16Array | undefined;
  let quality: QualityFigures;
  let source: string;
  let input: string;
  let codec: 'pcmu' | 'pcma' | 'opus' = send.codec;
  let ptime = send.ptimeMs;
  let durationMs: number | undefined;
  let playout: PlayoutSummary = { kind: 'jitter buffer' };
  let sendPath: NetsimReport['sendPath'] = { noiseSuppression: nsStrength, srtp: o.srtp ?? null };
  let net: { config: NetworkConfig | null; stats: NetworkStats | null } = { config: null, stats: null };
  let html: { packets: readonly ReportPacket[]; frames: NetSimResult['frames'] };
  try {
    if (o.pcap) {
      const cap = captureToTrace(pickStream(parsePcapRtp(readBytes(o.pcap, '--pcap')), o.ssrc !== undefined ? parseSsrc(o.ssrc) : undefined));
      codec = cap.codec;
      rows = cap.rows;
      ptime = capturePtime(cap.packets);
      source = `capture ${basename(o.pcap)} (SSRC 0x${cap.ssrc.toString(16)}, ${cap.received} packets received, ${cap.missing} missing)`;
      input = 'captured audio';
      const rec = frameRecorder();
      const tEnd = rows.reduce((m, r) => (r.arrivalMs !== null ? Math.max(m, r.arrivalMs) : m), 1);
      const replay = replayTrace(kit, rows, {
        codec: cap.codec,
        packets: cap.packets,
        keepAudio: !!o.out,
        jitter,
        onPoll: (tick, res, b) => {
          rec.onPoll?.(tick, res, b);
          progress.update(Math.min(1, tick / tEnd));
        },
      });
      const r = replayQuality(rows, replay.log, replay.stats, cap.codec, ptime, 'delays relative to the fastest packet of the capture (its one-way delay taken as 0)');
      ({ log, ops, audio: audioOut } = replay);
      jb = replay.stats;
      quality = r.quality;
      html = { frames: rec.frames, packets: r.packets };
    } else {
      const { config, name } = networkFromOptions(o);
      let audio: Int16Array | undefined;
      if (o.input) {
        audio = await wavTo8kMono(kit, readBytes(o.input, '--input'), `--input ${o.input}`);
        input = basename(o.input);
      } else input = 'built-in speech-like signal';
      const askedMs = o.duration !== undefined ? Math.round(num('--duration', o.duration, 0.02, 86400) * 1000) : audio ? undefined : DEFAULT_SECONDS * 1000;
      if (!audio) audio = speechLike(8000 * Math.min(60, Math.ceil((askedMs ?? 60_000) / 1000)), 1);
      const r = runNetSim(kit, { network: config, seed, durationMs: askedMs, ...send, audio, jitter, srtp: o.srtp, noiseSuppression: nsStrength ?? false, keepAudio: !!o.out, onProgress: (f) => progress.update(f) });
      ({ rows, log, ops, audio: audioOut, quality, playout, durationMs } = r);
      jb = r.stats;
      source = name;
      net = { config, stats: r.network };
      sendPath = { ...sendPath, ...r.send };
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
    durationS: (durationMs ?? Math.max(...sends) - Math.min(...sends) + ptime) / 1000,
    network: net,
    quality,
    sendPath,
    jitterBufferMode: o.jb ?? 'adaptive',
    playout,
    jitterBuffer: jb,
    ops,
  };
  if (o.exportTrace) write(o.exportTrace, formatTrace(rows), '--export-trace');
  if (o.playoutLog) write(o.playoutLog, formatPlayoutLog(log), '--playout-log');
  if (o.report) write(o.report, JSON.stringify(rep, null, 2) + '\n', '--report');
  if (o.out && audioOut) write(o.out, encodeWav(audioOut, 8000), '--out');
  const lines = summaryLines(rep);
  if (o.html) writeHtmlReport(o.html, `voipkit sim: ${source}`, lines[0], quality, html.packets, html.frames);
  print(o.json ? JSON.stringify(rep, null, 2) : lines.join('\n'));
  return rep;
}

function parseSsrc(s: string): number {
  const v = /^0x[0-9a-f]{1,8}$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new VoipKitError('invalid_argument', `--ssrc must be a 32-bit number (decimal or 0x hex), got ${JSON.stringify(s)}`);
  return v;
}

export { formatSimTrace };
