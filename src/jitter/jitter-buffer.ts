/**
 * The adaptive jitter buffer (NetEq-class), served by the C core: packet
 * buffer, delay estimation, decisions, concealment and time-stretching.
 * Sans-IO: the host pushes packets with their arrival time and polls on its
 * playout clock with the current time; nothing reads a clock.
 *
 * ```ts
 * const jb = kit.createJitterBuffer({ clockRate: 8000, codec: 'pcmu' });
 * socket.on('message', (pkt) => jb.push(pkt, performance.now()));
 * setInterval(() => speaker.write(jb.poll(performance.now()).pcm), 20);
 * ```
 */
import type { Backend, Handle } from '../backend/types.js';
import type { OpusDecoder } from '../codec/opus.js';
import { check, invalidArg, PacketError, VoipKitError, statusCode } from '../errors.js';
import { CoreResource } from '../resource.js';

/** What was done to make a frame. */
export type JitterOp = 'normal' | 'expand' | 'merge' | 'accelerate' | 'preemptive-expand' | 'cng';
const OPS: JitterOp[] = ['normal', 'expand', 'merge', 'accelerate', 'preemptive-expand', 'cng'];

/** What push() did with a packet. */
export type PushResult = 'ok' | 'duplicate' | 'late' | 'overflow' | 'reset' | 'ignored';
const PUSH: PushResult[] = ['ok', 'duplicate', 'late', 'overflow', 'reset', 'ignored'];

/**
 * A decoder the buffer drives for codec 'custom' (and, inside, for 'opus'):
 * it is called from poll(), in playout order, for each packet to play and
 * each missing one to conceal.  Arrays are lent for the call only.
 */
export interface JitterDecoder {
  /**
   * Decode one payload into out (room for 120 ms at sampleRate); return the
   * samples written.  Throw, or return a negative number, when it cannot be
   * decoded: the packet is then dropped and concealed as a lost one.
   */
  decode(payload: Uint8Array, out: Int16Array): number;
  /**
   * Fill out (exactly the missing duration) with concealment for a lost
   * packet.  `next`, when not null, is the packet after the lost one, whose
   * in-band FEC (Opus) may rebuild it.  Return out.length, or throw / return
   * a negative number to have the buffer's own concealment used.
   */
  conceal(out: Int16Array, next: Uint8Array | null): number;
}

/** What a buffer's decoder did (codecs 'opus' and 'custom'). */
export interface JitterCodecStats {
  /** Packets decoded. */
  decoded: number;
  /** Missing packets concealed by the decoder's own concealment (PLC). */
  concealed: number;
  /** Missing packets rebuilt from the next packet's in-band FEC. */
  fec: number;
  /** Payloads the decoder could not decode (dropped and concealed), and concealments it refused. */
  errors: number;
}

export interface JitterBufferOptions {
  /**
   * RTP clock rate, Hz: 8000 (G.711), 16000, 24000, 32000 or 48000. Default
   * 8000; 48000 for Opus (RFC 7587), which must use it.
   */
  clockRate?: number;
  /** Playout step: each poll() returns this many ms of audio, 10 or 20. Default 20. */
  ptimeMs?: number;
  /**
   * Payload codec.  'pcmu' / 'pcma' (8 kHz) are decoded in the core; 'opus'
   * by the kit's Opus decoder (libopus or opusscript), with its concealment
   * and in-band FEC; 'custom' by `decoder`.  The buffer's decisions are the
   * same for all.  Default 'pcmu'.
   */
  codec?: 'pcmu' | 'pcma' | 'opus' | 'custom';
  /**
   * Audio rate of poll()'s output for 'opus' and 'custom', Hz: 8000, 12000,
   * 16000, 24000, 32000 (not Opus) or 48000, dividing clockRate.  Default: 48000 for
   * Opus, clockRate for 'custom'.  G.711 plays at its clock rate.
   */
  sampleRate?: number;
  /** The decoder of codec 'custom' (required there, refused elsewhere). Not closed by the buffer. */
  decoder?: JitterDecoder;
  /** Lower bound of the target delay above the fastest recent packet, ms, 0..maxDelayMs. Default 0. */
  minDelayMs?: number;
  /** Upper bound of the playout delay, ms, 20..10000. Beyond it whole packets are skipped. Default 2000. */
  maxDelayMs?: number;
  /** Packets held at most, 2..2000 (memory is maxPackets x maxPayloadBytes). Default 250. */
  maxPackets?: number;
  /** Largest payload accepted, bytes, 1..1500. Default 1500. */
  maxPayloadBytes?: number;
  /** Accept only this RTP payload type (0..127); others are ignored. Default: any. */
  payloadType?: number;
}

/** A packet whose first sample was played in a frame. */
export interface PlayedPacket {
  /** RTP sequence number. */
  seq: number;
  /** Offset of its first sample within the frame, in samples. */
  offset: number;
}

export interface PollResult {
  /** The frame: ptimeMs of audio at clockRate. A view of the caller's buffer when one was given. */
  pcm: Int16Array;
  /** The most significant operation of this frame (expand/cng > merge > accelerate/preemptive > normal). */
  op: JitterOp;
  /** Packets that start in this frame, in play order. */
  packets: PlayedPacket[];
  /** Sequence number whose slot was concealed in this frame, or null. */
  concealedSeq: number | null;
  /** The concealed packet's successor is in the buffer (a decoder with in-band FEC could use it). */
  fecAvailable: boolean;
  /** Samples concealed while waiting for a packet that had not arrived (the delay grew by as much). */
  insertedSamples: number;
  /** The timeline was reset (new SSRC, sequence restart or timestamp jump) since the last poll. */
  reset: boolean;
  /** Packets were skipped to respect maxDelayMs. */
  skipped: boolean;
  /** A packet has been played since creation or reset(). */
  started: boolean;
}

/**
 * An Opus decoder as the buffer drives it.  Opus conceals in multiples of
 * 2.5 ms: a concealment of another length (after time-stretching, or a DTX
 * gap) is made to the next multiple and cut.
 */
export function opusJitterDecoder(dec: OpusDecoder, rate: number, counts: JitterCodecStats): JitterDecoder {
  const step = rate / 400; // 2.5 ms
  const tmp = new Int16Array((rate / 1000) * 120);
  return {
    decode: (payload, out) => dec.decode(payload, out).length,
    conceal(out, next) {
      const n = out.length;
      const m = Math.ceil(n / step) * step;
      if (m > tmp.length) return -1;
      const dst = m === n ? out : tmp.subarray(0, m);
      let done = false;
      if (next && dec.canDecodeFec) {
        try {
          dec.decodeFec(next, dst, { durationMs: (m * 1000) / rate });
          counts.fec++;
          done = true;
        } catch {
          // a corrupt successor: conceal instead
        }
      }
      if (!done) dec.conceal((m * 1000) / rate, dst);
      if (dst !== out) out.set(dst.subarray(0, n));
      return n;
    },
  };
}

/** A snapshot of the buffer's statistics (NetEq network statistics style). */
export interface JitterStats {
  /** Playout delay above the fastest recent packet, ms. */
  currentDelayMs: number;
  /** Target of the same, ms. */
  targetDelayMs: number;
  /** RFC 3550 A.8 interarrival jitter, ms. */
  jitterMs: number;
  received: number;
  late: number;
  duplicate: number;
  outOfOrder: number;
  overflow: number;
  /** Sequence numbers never received and concealed. */
  lost: number;
  /** Share of output samples made by concealment. */
  expandRate: number;
  /** Samples removed by time compression, per output sample. */
  accelerateRate: number;
  /** Samples added by time stretching, per output sample. */
  preemptiveRate: number;
  /** Share of output samples of comfort noise. */
  cngRate: number;
  merges: number;
  resets: number;
  polls: number;
  outputSamples: number;
  bufferedPackets: number;
  /**
   * Audio still to play up to the end of the newest packet held, ms (queued
   * audio before it included); with no packet held, the decoded stream audio
   * not yet played (0 once the last packet has played; concealment made
   * ahead is not counted then).
   */
  bufferedMs: number;
  /** Non-RTP or malformed packets rejected by push(). */
  invalid: number;
  /** Packets of another payload type, or unconfirmed sequence jumps. */
  ignored: number;
  /** Concealment frames played while waiting (the delay grew by insertion), and of those not silent. */
  insertedWhole: number;
  insertedWholeVoiced: number;
  /** Packets dropped unplayed by the buffer itself (overflow, max delay), and of those not silent. */
  droppedWhole: number;
  droppedWholeVoiced: number;
  /** How long a hole is waited for once later packets are in, ms. */
  reorderToleranceMs: number;
  /** Outages detected: arrivals stopped, then the held packets came in a burst (not learnt as jitter). */
  stalls: number;
  /** What the decoder did (codecs 'opus' and 'custom' only). */
  codec?: JitterCodecStats;
}

const STAT_KEYS: Exclude<keyof JitterStats, 'codec'>[] = [
  'currentDelayMs', 'targetDelayMs', 'jitterMs', 'received', 'late', 'duplicate', 'outOfOrder', 'overflow',
  'lost', 'expandRate', 'accelerateRate', 'preemptiveRate', 'cngRate', 'merges', 'resets', 'polls',
  'outputSamples', 'bufferedPackets', 'bufferedMs', 'invalid', 'ignored', 'insertedWhole',
  'insertedWholeVoiced', 'droppedWhole', 'droppedWholeVoiced', 'reorderToleranceMs', 'stalls',
];

const INFO_HEADER = 6;
const REQ_DECODE = 1, REQ_CONCEAL = 2;
const CODECS = ['pcmu', 'pcma', 'external', 'opus'] as const; // 'external' (hooks) is C only; 'opus' / 'custom' use VK_JB_CODEC_HOST (3)
const INFO_LEN = INFO_HEADER + 2 * 16;
const FLAG_NEXT = 1, FLAG_RESET = 2, FLAG_STARTED = 4, FLAG_SKIPPED = 8;

function intOpt(name: string, v: unknown, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    invalidArg(`${name} must be an integer in ${lo}..${hi}, got ${String(v)}`);
  }
  return v;
}

export class JitterBuffer extends CoreResource {
  readonly #b: Backend['jitter'];
  readonly #info = new Int32Array(INFO_LEN);
  readonly #stats = new Float64Array(STAT_KEYS.length);
  /** Samples per poll. */
  readonly frameSamples: number;
  /** RTP clock rate, Hz. */
  readonly clockRate: number;
  /** Audio rate of poll()'s output, Hz. */
  readonly sampleRate: number;
  readonly ptimeMs: number;
  readonly codec: 'pcmu' | 'pcma' | 'opus' | 'custom';
  // codecs decoded outside the core: the decoder, its request and answer buffers
  readonly #dec?: JitterDecoder;
  readonly #ownDec?: OpusDecoder;
  readonly #req = new Int32Array(5);
  #payload?: Uint8Array;
  #pcm?: Int16Array;
  readonly #counts: JitterCodecStats = { decoded: 0, concealed: 0, fec: 0, errors: 0 };

  /** @internal use kit.createJitterBuffer() */
  constructor(backend: Backend['jitter'], options: JitterBufferOptions = {}, makeOpus?: (sampleRate: number) => OpusDecoder) {
    if (options === null || typeof options !== 'object') invalidArg('options must be an object');
    const codec = options.codec ?? 'pcmu';
    if (codec !== 'pcmu' && codec !== 'pcma' && codec !== 'opus' && codec !== 'custom') {
      invalidArg(`codec must be 'pcmu', 'pcma', 'opus' or 'custom', got ${String(codec)}`);
    }
    const g711 = codec === 'pcmu' || codec === 'pcma';
    const clockRate = options.clockRate ?? (codec === 'opus' ? 48000 : 8000);
    if (![8000, 16000, 24000, 32000, 48000].includes(clockRate)) {
      invalidArg(`clockRate must be 8000, 16000, 24000, 32000 or 48000, got ${String(clockRate)}`);
    }
    const ptimeMs = options.ptimeMs ?? 20;
    if (ptimeMs !== 10 && ptimeMs !== 20) invalidArg(`ptimeMs must be 10 or 20, got ${String(ptimeMs)}`);
    if (g711 && clockRate !== 8000) invalidArg(`G.711 (${codec}) needs clockRate 8000, got ${clockRate}`);
    if (codec === 'opus' && clockRate !== 48000) invalidArg(`Opus uses a 48000 Hz RTP clock (RFC 7587), got clockRate ${clockRate}`);
    const sampleRate = options.sampleRate ?? (codec === 'opus' ? 48000 : clockRate);
    if (g711 && options.sampleRate !== undefined && sampleRate !== 8000) invalidArg(`G.711 (${codec}) plays at 8000 Hz, got sampleRate ${String(sampleRate)}`);
    const rates = codec === 'opus' ? [8000, 12000, 16000, 24000, 48000] : [8000, 12000, 16000, 24000, 32000, 48000];
    if (!rates.includes(sampleRate) || clockRate % sampleRate !== 0) {
      invalidArg(`sampleRate must be one of ${rates.join(', ')} dividing clockRate ${clockRate}, got ${String(sampleRate)}`);
    }
    let dec: JitterDecoder | undefined;
    let ownDec: OpusDecoder | undefined;
    if (codec === 'custom') {
      const d = options.decoder;
      if (d === null || typeof d !== 'object' || typeof d.decode !== 'function' || typeof d.conceal !== 'function') {
        invalidArg('codec \'custom\' needs a decoder with decode(payload, out) and conceal(out, next) methods');
      }
      dec = d;
    } else if (options.decoder !== undefined) {
      invalidArg(`decoder is for codec 'custom', not '${codec}'`);
    }
    const maxDelayMs = intOpt('maxDelayMs', options.maxDelayMs, 2000, 20, 10000);
    const minDelayMs = intOpt('minDelayMs', options.minDelayMs, 0, 0, maxDelayMs);
    const maxPackets = intOpt('maxPackets', options.maxPackets, 250, 2, 2000);
    const maxPayload = intOpt('maxPayloadBytes', options.maxPayloadBytes, 1500, 1, 1500);
    const pt = intOpt('payloadType', options.payloadType, -1, 0, 127);
    if (codec === 'opus') {
      if (!makeOpus) throw new VoipKitError('unsupported', 'createJitterBuffer: Opus is not available (build the addon with libopus or install opusscript)');
      ownDec = makeOpus(sampleRate); // before the core buffer, so that nothing leaks when it throws
    }
    const core = g711 ? CODECS.indexOf(codec) : 3;
    const cfg = Int32Array.of(sampleRate, ptimeMs, core, minDelayMs, maxDelayMs, maxPackets, maxPayload, pt, clockRate === sampleRate ? 0 : clockRate);
    const h = backend.create(cfg);
    if (typeof h === 'number' && h < 0) { // (WASM handles are numbers too)
      ownDec?.close();
      check(h, 'createJitterBuffer');
    }
    const owned = ownDec;
    super(h as Handle, (x) => { backend.destroy(x); owned?.close(); }, 'JitterBuffer');
    this.#b = backend;
    this.clockRate = clockRate;
    this.sampleRate = sampleRate;
    this.ptimeMs = ptimeMs;
    this.codec = codec;
    this.frameSamples = (sampleRate / 1000) * ptimeMs;
    if (ownDec) {
      this.#ownDec = ownDec;
      dec = opusJitterDecoder(ownDec, sampleRate, this.#counts);
    }
    if (dec) {
      this.#dec = dec;
      this.#payload = new Uint8Array(maxPayload);
      this.#pcm = new Int16Array((sampleRate / 1000) * 120);
    }
  }

  /** Answer the core's pending request with the decoder (codecs 'opus' and 'custom'). */
  #answer(h: Handle): void {
    const req = this.#req;
    const len = this.#b.request(h, req, this.#payload!);
    if (len < 0) check(len, 'JitterBuffer.poll');
    const kind = req[0];
    const n = req[1];
    const out = this.#pcm!.subarray(0, n);
    const payload = len > 0 ? this.#payload!.subarray(0, len) : null;
    let got = -1;
    const c = this.#counts;
    const fecBefore = c.fec;
    try {
      if (kind === REQ_DECODE && payload) got = this.#dec!.decode(payload, out);
      else if (kind === REQ_CONCEAL) got = this.#dec!.conceal(out, payload);
    } catch {
      got = -1; // counted below; the core conceals
    }
    if (typeof got !== 'number' || !Number.isInteger(got) || got < 0 || got > n || (kind === REQ_CONCEAL && got !== n)) got = -1;
    if (got < 0) {
      c.errors++;
      c.fec = fecBefore;
    } else if (kind === REQ_DECODE) {
      c.decoded++;
    } else if (this.#ownDec ? c.fec === fecBefore : !payload) {
      c.concealed++; // the Opus wrapper counts its own FEC recoveries
    } else if (!this.#ownDec) {
      c.fec++; // a custom decoder was handed the successor
    }
    check(this.#b.supply(h, this.#pcm!, got), 'JitterBuffer.poll');
  }

  /**
   * Push one RTP packet (copied) that arrived at arrivalMs (host clock, ms).
   * @returns what was done with it ('late', 'duplicate', ... are counted in stats()).
   * @throws PacketError `bad_length` / `bad_version` / `bad_packet` for bytes that are not RTP,
   *   VoipKitError `limit` for a payload above maxPayloadBytes, `time` when arrivalMs is
   *   earlier than the previous push's, `invalid_argument` for a non-Uint8Array or non-finite time.
   *   The buffer is unchanged by a rejected packet.
   */
  push(packet: Uint8Array, arrivalMs: number): PushResult {
    if (!(packet instanceof Uint8Array) || !ArrayBuffer.isView(packet)) invalidArg('packet must be a Uint8Array');
    if (typeof arrivalMs !== 'number' || !Number.isFinite(arrivalMs)) invalidArg(`arrivalMs must be a finite number, got ${String(arrivalMs)}`);
    const r = this.#b.push(this.handle, packet, arrivalMs);
    if (r < 0) {
      const code = statusCode(r);
      if (code === 'bad_length' || code === 'bad_version' || code === 'bad_packet') {
        throw new PacketError(code, `JitterBuffer.push: not a valid RTP packet (${code.replace(/_/g, ' ')}, ${packet.length} bytes)`);
      }
      if (code === 'time') throw new VoipKitError('time', `JitterBuffer.push: arrivalMs ${arrivalMs} is earlier than the previous push`);
      check(r, 'JitterBuffer.push');
    }
    return PUSH[r];
  }

  /**
   * The next frame of audio for playout at nowMs (host clock, ms).
   * @param out optional caller buffer of at least frameSamples samples; the result's pcm is a view of it.
   * @throws VoipKitError `time` when nowMs is earlier than the previous poll's (nothing is produced),
   *   `buffer_too_small`, `invalid_argument`.
   */
  poll(nowMs: number, out?: Int16Array): PollResult {
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) invalidArg(`nowMs must be a finite number, got ${String(nowMs)}`);
    const pcm = out ?? new Int16Array(this.frameSamples);
    if (!(pcm instanceof Int16Array) || !ArrayBuffer.isView(pcm)) invalidArg('out must be an Int16Array');
    if (pcm.length < this.frameSamples) {
      throw new VoipKitError('buffer_too_small', `JitterBuffer.poll: out holds ${pcm.length} samples, needs ${this.frameSamples}`);
    }
    const h = this.handle;
    let r = this.#b.poll(h, nowMs, pcm, this.#info);
    // codecs decoded here: the core asks for each packet's audio in turn
    for (let k = 0; r === 0 && this.#dec && k < 64; k++) {
      this.#answer(h);
      r = this.#b.poll(h, nowMs, pcm, this.#info);
    }
    if (r === 0) throw new VoipKitError('internal', 'JitterBuffer.poll: the decoder requests did not converge');
    if (r < 0) {
      if (statusCode(r) === 'time') throw new VoipKitError('time', `JitterBuffer.poll: nowMs ${nowMs} is earlier than the previous poll`);
      check(r, 'JitterBuffer.poll');
    }
    const info = this.#info;
    const n = info[5];
    const packets: PlayedPacket[] = [];
    for (let i = 0; i < n; i++) packets.push({ seq: info[INFO_HEADER + 2 * i], offset: info[INFO_HEADER + 2 * i + 1] });
    const flags = info[2];
    return {
      pcm: pcm.length === r ? pcm : pcm.subarray(0, r),
      op: OPS[info[0]] ?? 'normal',
      packets,
      concealedSeq: info[3] >= 0 ? info[3] : null,
      fecAvailable: (flags & FLAG_NEXT) !== 0,
      insertedSamples: info[4],
      reset: (flags & FLAG_RESET) !== 0,
      skipped: (flags & FLAG_SKIPPED) !== 0,
      started: (flags & FLAG_STARTED) !== 0,
    };
  }

  /** A snapshot of the statistics. */
  stats(): JitterStats {
    check(this.#b.stats(this.handle, this.#stats), 'JitterBuffer.stats');
    const s = {} as JitterStats;
    STAT_KEYS.forEach((k, i) => { (s as unknown as Record<string, number>)[k] = this.#stats[i]; });
    if (this.#dec) s.codec = { ...this.#counts };
    return s;
  }

  /** Forget every packet, estimate and statistic; the options stay. */
  reset(): void {
    check(this.#b.reset(this.handle), 'JitterBuffer.reset');
    Object.assign(this.#counts, { decoded: 0, concealed: 0, fec: 0, errors: 0 });
  }
}
