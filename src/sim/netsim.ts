/**
 * The simulation run, on the production pipeline: speech → AudioSender
 * (optional noise suppression, G.711, RTP, optional SRTP) → the network model
 * (src/sim/network) → AudioReceiver (optional SRTP, RTP, the jitter buffer)
 * polled with the trace replay's playout model (a tick every ptime from the
 * first arrival; every packet arrived by the tick is received first, in
 * arrival order).  So a simulated call and its exported trace replayed by
 * `replayTrace` give the same playout log (test/sim-cli.test.ts checks it).
 * Then the listener-quality figures: mouth-to-ear delay, loss after the
 * buffer, concealment and the full ITU-T G.107 E-model.
 */
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';
import type { JitterStats } from '../jitter/jitter-buffer.js';
import { NetworkModel, type NetworkConfig, type NetworkStats } from './network/index.js';
import type { PlayoutEntry, ReplayOptions, TraceRow } from './trace.js';
import type { JitterOp } from '../jitter/jitter-buffer.js';
import { AudioSender, type AudioCodec } from '../pipeline/sender.js';
import { AudioReceiver } from '../pipeline/receiver.js';
import { SRTP_KEY_LENGTHS, type SrtpProfile, type SrtpSession } from '../srtp/session.js';
import { inspectOpusPacket } from '../codec/opus-packet.js';
import { Stream, Xoshiro128, checkSeed } from './prng.js';
import { speechLike } from './speech.js';
import { codecImpairment } from './emodel.js';
import { listenerQuality, packetsFromRows, DEVICE_DELAY_MS, type QualityFigures, type QualityPacket } from './quality.js';
import type { ReportFrame, ReportPacket } from './report/html.js';

export { DEVICE_DELAY_MS, type QualityFigures };

/** Default packet interval of the simulated stream, ms. */
export const PTIME_MS = 20;
/** Bytes on the wire per 20 ms G.711 packet: IPv4 20 + UDP 8 + RTP 12 + 160 bytes of G.711 (+ the SRTP tag when protected). */
export const PACKET_BYTES = 200;
/** IPv4 + UDP header bytes added to each datagram for the rate and slot byte budgets. */
export const IP_UDP_BYTES = 28;
/** Opus target bitrate when none is given, bit/s (high enough for narrowband in-band FEC to be spent). */
export const DEFAULT_OPUS_BITRATE = 20000;
/** Packet loss the Opus encoder is told to expect with FEC when none is given, %. */
export const DEFAULT_FEC_LOSS_PCT = 10;
/** Frames quieter than this RMS count as silent (as in the trace replay). */
const SILENCE_RMS = 300;
/** Polling continues this long after the last arrival, ms (as in the trace replay). */
const TAIL_MS = 3000;
/** RTP payload type of comfort noise (RFC 3389), the AudioSender's default. */
const CN_PT = 13;

/** Packet times each codec allows here, ms. */
export const PTIMES: Readonly<Record<AudioCodec, readonly number[]>> = Object.freeze({
  pcmu: [10, 20, 30, 40, 60],
  pcma: [10, 20, 30, 40, 60],
  // Opus frames are 10, 20, 40 or 60 ms (no 30); the jitter buffer plays packets up to 120 ms
  opus: [10, 20, 40, 60],
});

export interface NetSimOptions {
  /** The network (a profile or netem-style options). */
  network: NetworkConfig;
  /** 32-bit unsigned seed of the network model. Default 1. */
  seed?: number;
  /** Length of the call, ms. Default: the input audio's length, else 60000. */
  durationMs?: number;
  /** Codec: G.711 μ-law, A-law or (narrowband) Opus. Default 'pcmu'. */
  codec?: AudioCodec;
  /** Packet time, ms: see PTIMES. Default 20. */
  ptimeMs?: number;
  /** Opus target bitrate, bit/s, 6000..510000. Default DEFAULT_OPUS_BITRATE. */
  bitrate?: number;
  /** Opus in-band FEC: true, or the packet loss (%) the encoder is told to expect (1..100; true: DEFAULT_FEC_LOSS_PCT). Default off. */
  fec?: boolean | number;
  /** Discontinuous transmission: RFC 3389 comfort noise for G.711, the encoder's DTX for Opus. Default off. */
  dtx?: boolean;
  /** Audio to send, 8 kHz mono (looped). Default: the built-in speech-like signal. */
  audio?: Int16Array;
  /** Jitter buffer options (the receiver's adaptive buffer, for every codec). */
  jitter?: ReplayOptions['jitter'];
  /** Keep the played audio. Default false. */
  keepAudio?: boolean;
  /** SRTP protection profile of the call (e.g. AES_CM_128_HMAC_SHA1_80); keys drawn from the seed. Default: plain RTP. */
  srtp?: string;
  /** Noise suppression in the sender, strength 0..1 (or true: the default strength). Default off. */
  noiseSuppression?: boolean | number;
  /** Progress callback, fraction in [0, 1], called at most every 1 % of the run. */
  onProgress?: (fraction: number) => void;
}

/** The send path as run. */
export interface SendPathSummary {
  codec: AudioCodec;
  ptimeMs: number;
  /** Opus target bitrate, bit/s; null for G.711. */
  bitrate: number | null;
  /** Expected loss given to the Opus encoder with FEC, %; null without FEC. */
  fecExpectedLossPct: number | null;
  /** Packets carrying in-band FEC (Opus LBRR) for their predecessor. */
  fecPackets: number;
  /** Whether the receiver's decoder really decodes in-band FEC (false on opusscript, which conceals instead). */
  fecDecoding: boolean;
  dtx: boolean;
  /** Audio packets and comfort-noise packets sent. */
  audioPackets: number;
  cnPackets: number;
  /** Mean RTP payload rate of the audio packets over the call, bit/s. */
  payloadBitrate: number;
}

export interface NetSimResult {
  /** Length of the call as sent, ms (whole packet times). */
  durationMs: number;
  rows: TraceRow[];
  /** One entry per trace row, in row order. */
  log: PlayoutEntry[];
  /** Frames per playout operation. */
  ops: Record<JitterOp, number>;
  /** The played audio (keepAudio), 8 kHz. */
  audio?: Int16Array;
  network: NetworkStats;
  frames: ReportFrame[];
  /** One per audio packet sent. */
  packets: QualityPacket[];
  quality: QualityFigures;
  /** The jitter buffer's statistics at the end. */
  stats: JitterStats;
  send: SendPathSummary;
}

/**
 * Why a send path cannot be simulated, or undefined when it can.  Checked
 * before anything runs, so the CLI prints one line.
 */
export function sendPathProblem(o: Pick<NetSimOptions, 'codec' | 'ptimeMs' | 'bitrate' | 'fec' | 'dtx'>): string | undefined {
  const codec = o.codec ?? 'pcmu';
  if (codec !== 'pcmu' && codec !== 'pcma' && codec !== 'opus') return `codec must be pcmu, pcma or opus, got ${String(codec)}`;
  const ptime = o.ptimeMs ?? PTIME_MS;
  if (!PTIMES[codec].includes(ptime)) {
    return `ptime must be one of ${PTIMES[codec].join(', ')} ms for ${codec}, got ${String(ptime)}`;
  }
  if (codec !== 'opus') {
    if (o.bitrate !== undefined) return `bitrate applies to opus; ${codec} is 64 kbit/s`;
    if (o.fec !== undefined && o.fec !== false) return `fec (Opus in-band FEC) applies to opus, not ${codec}`;
  } else {
    if (o.bitrate !== undefined && !(Number.isInteger(o.bitrate) && o.bitrate >= 6000 && o.bitrate <= 510000)) return `bitrate must be an integer in 6000..510000 bit/s, got ${String(o.bitrate)}`;
    if (typeof o.fec === 'number' && !(Number.isInteger(o.fec) && o.fec >= 1 && o.fec <= 100)) return `fec expected loss must be an integer in 1..100 %, got ${o.fec}`;
  }
  return undefined;
}

/** Run one simulated call. */
export function runNetSim(kit: VoipKit, o: NetSimOptions): NetSimResult {
  const problem = sendPathProblem(o);
  if (problem) throw new VoipKitError('invalid_argument', problem);
  const codec = o.codec ?? 'pcmu';
  const ptime = o.ptimeMs ?? PTIME_MS;
  const opus = codec === 'opus';
  if (opus && kit.features.opus === 'none') throw new VoipKitError('unsupported', 'codec opus: Opus is not available here (build the addon with libopus, pkg-config opus, or install the opusscript package)');
  const bitrate = opus ? o.bitrate ?? DEFAULT_OPUS_BITRATE : null;
  const fecLoss = opus && o.fec ? (o.fec === true ? DEFAULT_FEC_LOSS_PCT : o.fec) : null;
  const samples = ptime * 8;
  const durationMs = o.durationMs ?? (o.audio ? Math.floor(o.audio.length / samples) * ptime : 60_000);
  if (!(durationMs >= ptime)) throw new VoipKitError('invalid_argument', `the call must last at least ${ptime} ms, got ${durationMs} ms`);
  const seed = checkSeed(o.seed ?? 1);
  const model = new NetworkModel(o.network, seed);
  const src = o.audio && o.audio.length >= samples ? o.audio : speechLike(8000 * 60, 1);

  // SRTP: one key for both ends, drawn from the seed (a simulation, not a secret)
  let txSrtp: SrtpSession | undefined;
  let rxSrtp: SrtpSession | undefined;
  let peekSrtp: SrtpSession | undefined; // reads the Opus payloads back for the FEC flag
  if (o.srtp) {
    const prof = o.srtp as SrtpProfile;
    const len = SRTP_KEY_LENGTHS[prof];
    if (!len) throw new VoipKitError('invalid_argument', `unknown SRTP profile ${JSON.stringify(o.srtp)} (one of ${Object.keys(SRTP_KEY_LENGTHS).join(', ')})`);
    const keyRng = new Xoshiro128(seed, Stream.Source + 100);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => keyRng.nextU32() & 0xff);
    const masterKey = bytes(len.key);
    const masterSalt = bytes(len.salt);
    txSrtp = kit.createSrtpSession({ profile: prof, masterKey, masterSalt });
    rxSrtp = kit.createSrtpSession({ profile: prof, masterKey, masterSalt });
    if (opus) peekSrtp = kit.createSrtpSession({ profile: prof, masterKey, masterSalt });
  }

  // send path: the production AudioSender (G.711 or Opus, RTP, optional NS, DTX and SRTP), one frame every ptime
  const ids = new Xoshiro128(seed, Stream.Source);
  const datagrams: Uint8Array[] = [];
  const sent: { seq: number; ts: number; sendMs: number; silent: boolean; cn: boolean; lbrr: boolean; payloadBytes: number }[] = [];
  const arrivals: number[][] = [];
  const frame = new Int16Array(samples);
  const nFrames = Math.floor(durationMs / ptime);
  const q = (t: number): number => Math.round(t * 100) / 100; // the trace format's resolution (10 µs)
  try {
    const sender = new AudioSender(kit, 0, {
      codec,
      ptimeMs: ptime,
      sampleRate: 8000,
      ...(opus ? { opus: { bitrate: bitrate as number, fec: fecLoss !== null, ...(fecLoss !== null ? { packetLossPercent: fecLoss } : {}), dtx: !!o.dtx } } : { dtx: !!o.dtx }),
      sequenceNumber: ids.nextU32() & 0xffff,
      timestamp: ids.nextU32(),
      ssrc: ids.nextU32(),
      srtp: txSrtp,
      noiseSuppression: o.noiseSuppression ?? false,
      rtcp: { random: () => 0.5 },
      cname: 'voipkit-sim',
    });
    try {
      for (let i = 0; i < nFrames; i++) {
        const t = i * ptime;
        let e = 0;
        for (let k = 0; k < samples; k++) {
          const v = src[(i * samples + k) % src.length];
          frame[k] = v;
          e += v * v;
        }
        for (const dg of sender.send(frame, t)) {
          const id = datagrams.length;
          datagrams.push(dg);
          arrivals.push([]);
          const plain = peekSrtp ? peekSrtp.unprotectRtp(dg) : dg;
          const cn = (plain[1] & 0x7f) === CN_PT;
          let lbrr = false;
          if (opus && !cn && plain.length > 12) {
            try {
              lbrr = inspectOpusPacket(plain.subarray(12)).fec;
            } catch {
              lbrr = false;
            }
          }
          sent.push({ seq: (dg[2] << 8) | dg[3], ts: ((dg[4] << 24) | (dg[5] << 16) | (dg[6] << 8) | dg[7]) >>> 0, sendMs: q(t), silent: Math.sqrt(e / samples) < SILENCE_RMS, cn, lbrr, payloadBytes: plain.length - 12 });
          model.push({ id, sendMs: t, bytes: dg.length + IP_UDP_BYTES });
        }
        for (const a of model.poll(t)) arrivals[a.id].push(a.arrivalMs);
      }
      for (const a of model.poll(Infinity)) arrivals[a.id].push(a.arrivalMs);
    } finally {
      sender.close();
    }
  } finally {
    txSrtp?.close();
    peekSrtp?.close();
  }

  // one trace row per packet sent (per copy that arrived), as the exported trace has them
  const rows: TraceRow[] = [];
  const rowPacket: number[] = [];
  const silent: boolean[] = [];
  sent.forEach((p, id) => {
    const arr = arrivals[id].map(q).sort((a, b) => a - b);
    if (arr.length === 0) arr.push(NaN);
    for (const a of arr) {
      rows.push({ seq: p.seq, ts: p.ts, sendMs: p.sendMs, arrivalMs: Number.isNaN(a) ? null : a });
      rowPacket.push(id);
      silent.push(p.silent);
    }
  });
  const packetOfSeq = new Map<number, number>();
  sent.forEach((p, id) => packetOfSeq.set(p.seq, id));

  // receive path: the production AudioReceiver, with the trace replay's playout model
  let canDecodeFec = false;
  if (opus) {
    const d = kit.createOpusDecoder({ sampleRate: 8000, channels: 1 });
    canDecodeFec = d.canDecodeFec;
    d.close();
  }
  const frames: ReportFrame[] = [];
  const log: PlayoutEntry[] = rows.map((r) => ({ seq: r.seq, playMs: null }));
  const bySeq = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const l = bySeq.get(r.seq);
    if (l) l.push(i);
    else bySeq.set(r.seq, [i]);
  });
  const played = (seq: number, at: number): void => {
    const l = bySeq.get(seq);
    if (!l || l.length === 0) return;
    const i = l.shift() as number;
    log[i].playMs = at;
  };
  const fecSeqs = new Set<number>(); // lost/late slots rebuilt from the next packet's LBRR
  const rebuiltByFec = (seq: number): boolean => {
    if (!canDecodeFec) return false;
    const next = packetOfSeq.get((seq + 1) & 0xffff);
    return next !== undefined && sent[next].lbrr;
  };
  const ops: Record<JitterOp, number> = { normal: 0, expand: 0, merge: 0, accelerate: 0, 'preemptive-expand': 0, cng: 0 };
  const order = rows.map((_, i) => i).filter((i) => rows[i].arrivalMs !== null);
  order.sort((a, b) => (rows[a].arrivalMs as number) - (rows[b].arrivalMs as number) || a - b);
  const rxPtime = ptime === 10 ? 10 : 20;
  const receiver = new AudioReceiver(kit, 0, { ptimeMs: rxPtime, jitter: o.jitter, srtp: rxSrtp, rtcp: { random: () => 0.5 }, cname: 'voipkit-sim' });
  const out: Int16Array[] = [];
  let stats: JitterStats | undefined;
  try {
    if (order.length > 0) {
      const t0 = rows[order[0]].arrivalMs as number;
      const tEnd = (rows[order[order.length - 1]].arrivalMs as number) + TAIL_MS;
      let lastReported = -1;
      let k = 0;
      for (let tick = t0; tick <= tEnd; tick += rxPtime) {
        while (k < order.length && (rows[order[k]].arrivalMs as number) <= tick) {
          const i = order[k++];
          receiver.receive(datagrams[rowPacket[i]], rows[i].arrivalMs as number);
        }
        const before = opus ? receiver.stats().opus : undefined;
        const res = receiver.poll(tick);
        const after = receiver.stats();
        const jr = res.jitter;
        ops[res.op === 'comfort-noise' ? 'cng' : res.op]++;
        if (jr) {
          for (const p of jr.packets) played(p.seq, tick + (p.offset / jr.pcm.length) * rxPtime); // offset in samples of the buffer's frame
          // the receiver used the next packet's FEC: its counter says so, or (without Opus counters) the buffer had the successor
          const usedFec = after.opus && before ? after.opus.fec > before.fec : jr.fecAvailable;
          if (opus && jr.concealedSeq !== null && usedFec && rebuiltByFec(jr.concealedSeq)) fecSeqs.add(jr.concealedSeq);
        }
        const st = after.jitter;
        frames.push({
          tMs: tick,
          targetDelayMs: st?.targetDelayMs ?? 0,
          currentDelayMs: st?.currentDelayMs ?? 0,
          bufferedMs: st?.bufferedMs ?? 0,
          concealed: res.op === 'expand' || res.op === 'cng' || res.op === 'comfort-noise' || (jr?.concealedSeq ?? null) !== null,
        });
        if (o.keepAudio) out.push(res.pcm.slice());
        if (o.onProgress) {
          const f = Math.min(1, (tick - t0) / Math.max(1, tEnd - TAIL_MS - t0));
          if (f - lastReported >= 0.01) {
            lastReported = f;
            o.onProgress(f);
          }
        }
        // everything pushed and played out: stop
        if (k >= order.length && st && st.bufferedPackets === 0 && st.bufferedMs === 0) break;
      }
    }
    stats = receiver.stats().jitter;
  } finally {
    receiver.close();
    rxSrtp?.close();
  }
  o.onProgress?.(1);
  if (!stats) throw new VoipKitError('invalid_argument', 'no packet reached the receiver: the network lost everything');
  let audio: Int16Array | undefined;
  if (o.keepAudio) {
    audio = new Int16Array(out.reduce((a, b) => a + b.length, 0));
    let off = 0;
    for (const f of out) {
      audio.set(f, off);
      off += f.length;
    }
  }

  // one entry per audio packet sent (duplicates share a row group: same seq and send time)
  const audioRows = rows.map((_, i) => i).filter((i) => !sent[rowPacket[i]].cn);
  const packets: QualityPacket[] = packetsFromRows(
    audioRows.map((i) => rows[i]),
    audioRows.map((i) => log[i]),
  ).map((p: ReportPacket): QualityPacket => (fecSeqs.has(p.seq) && p.playMs === null ? { ...p, fec: true } : p));
  const concealmentPct = 100 * stats.expandRate;
  const quality = listenerQuality({ packets, concealmentPct, impairment: codecImpairment(codec, true, { bitrateBps: bitrate ?? undefined }), ptimeMs: ptime });
  const audioSent = sent.filter((p) => !p.cn);
  return {
    durationMs: nFrames * ptime,
    rows,
    log,
    ops,
    audio,
    network: model.stats(),
    frames,
    packets,
    quality,
    stats,
    send: {
      codec,
      ptimeMs: ptime,
      bitrate,
      fecExpectedLossPct: fecLoss,
      fecPackets: sent.filter((p) => p.lbrr).length,
      fecDecoding: canDecodeFec,
      dtx: !!o.dtx,
      audioPackets: audioSent.length,
      cnPackets: sent.length - audioSent.length,
      payloadBitrate: (8 * audioSent.reduce((a, p) => a + p.payloadBytes, 0)) / (nFrames * ptime / 1000),
    },
  };
}
