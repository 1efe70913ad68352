/**
 * RTCP for one RTP session, sans-IO (RFC 3550 §6): reception statistics per
 * remote source (loss through the core's sequence tracker, interarrival
 * jitter per A.8, LSR/DLSR), sender statistics, SR / RR + SDES CNAME
 * compound reports, BYE, round-trip time from received report blocks, and
 * the transmission interval of §6.3 / A.7 (randomised, minimum, timer
 * reconsideration) as a scheduler the caller polls with its own clock.
 *
 * Times are milliseconds on the caller's clock (`nowMs`); wall-clock NTP
 * timestamps come from `wallClockMs(nowMs)` (default: the same clock taken
 * as Unix time, i.e. Date.now() as nowMs).
 */
import type { VoipKit } from '../index.js';
import type { SequenceTracker } from '../seq.js';
import { invalidArg } from '../errors.js';
import { boolArg, finiteArg, intArg, kitArg, numberArg, objectArg, optionsArg, stringArg } from '../guard.js';
import {
  ntpMiddle32, serializeRtcp, unixMsToNtp, SdesItemType,
  type ReportBlock, type RtcpPacket, type SenderReport, type ReceiverReport, type SourceDescription, type Goodbye,
} from '../rtp/rtcp.js';

/** Reception statistics of one remote source (what a report block says, and more). */
export interface ReceptionStats {
  ssrc: number;
  /** Packets counted (RFC 3550 A.1: duplicates included). */
  received: number;
  expected: number;
  /** expected − received, as RFC 3550 A.3 (may be negative with duplicates). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter, RTP timestamp units (A.8) and ms. */
  jitter: number;
  jitterMs: number;
  /** Payload octets received. */
  octets: number;
  /** Middle 32 bits of the NTP time of the last SR from this source (0: none). */
  lastSr: number;
}

/**
 * Receive-side state of one remote source. Feed every RTP packet with its
 * arrival time; ask for a report block when an RTCP report is due.
 */
export class ReceptionTracker {
  readonly ssrc: number;
  readonly clockRate: number;
  readonly #seq: SequenceTracker;
  #transit = NaN;
  #jitter = 0; // RTP units, as a float (A.8 keeps it scaled by 16 in integers; same value)
  #octets = 0;
  #lastSr = 0;
  #lastSrAtMs = NaN;

  /** @param kit where the sequence tracker (C core) comes from. */
  constructor(kit: VoipKit, ssrc: number, clockRate: number, probation = 0) {
    kitArg(kit, 'ReceptionTracker: kit');
    intArg(ssrc, 0, 0xffffffff, 'ReceptionTracker: ssrc');
    if (!Number.isInteger(clockRate) || clockRate < 1000 || clockRate > 192000) invalidArg(`ReceptionTracker: clockRate must be an integer in 1000..192000, got ${clockRate}`);
    this.ssrc = ssrc >>> 0;
    this.clockRate = clockRate;
    this.#seq = kit.createSequenceTracker({ probation });
  }

  /**
   * Account for one received RTP packet.
   * @param arrivalMs arrival time on the caller's clock.
   * @returns the sequence tracker's verdict ('in-order', 'old', ...).
   */
  onRtp(sequenceNumber: number, rtpTimestamp: number, payloadBytes: number, arrivalMs: number): string {
    // checked before the sequence tracker counts the packet: junk leaves no trace
    intArg(sequenceNumber, 0, 0xffff, 'ReceptionTracker.onRtp: sequenceNumber');
    intArg(rtpTimestamp, 0, 0xffffffff, 'ReceptionTracker.onRtp: rtpTimestamp');
    intArg(payloadBytes, 0, 0xffff, 'ReceptionTracker.onRtp: payloadBytes');
    finiteArg(arrivalMs, 'ReceptionTracker.onRtp: arrivalMs');
    const r = this.#seq.update(sequenceNumber);
    if (r.result === 'probation' || r.result === 'jump') return r.result;
    this.#octets += payloadBytes;
    // RFC 3550 A.8: transit = arrival (in RTP units) - timestamp; J += (|D| - J) / 16.
    // Only the difference of transits matters, so the arrival clock's origin does not.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - (rtpTimestamp >>> 0);
    if (!Number.isNaN(this.#transit) && r.result !== 'restart') {
      let d = transit - this.#transit;
      // timestamps wrap at 2^32
      if (d > 2 ** 31) d -= 2 ** 32;
      else if (d < -(2 ** 31)) d += 2 ** 32;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
    return r.result;
  }

  /** Record an SR received from this source (for LSR / DLSR). */
  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    intArg(ntpSeconds, 0, 0xffffffff, 'ReceptionTracker.onSenderReport: ntpSeconds');
    intArg(ntpFraction, 0, 0xffffffff, 'ReceptionTracker.onSenderReport: ntpFraction');
    finiteArg(arrivalMs, 'ReceptionTracker.onSenderReport: arrivalMs');
    this.#lastSr = ntpMiddle32(ntpSeconds, ntpFraction);
    this.#lastSrAtMs = arrivalMs;
  }

  /** Snapshot (does not start a new loss interval). */
  stats(): ReceptionStats {
    const s = this.#seq.stats();
    return {
      ssrc: this.ssrc, received: s.received, expected: s.expected, cumulativeLost: s.lost,
      extendedHighestSequence: s.extendedMax, jitter: this.#jitter, jitterMs: (this.#jitter * 1000) / this.clockRate,
      octets: this.#octets, lastSr: this.#lastSr,
    };
  }

  /** A report block for an RTCP report sent at nowMs; starts a new loss interval. */
  reportBlock(nowMs: number): ReportBlock {
    finiteArg(nowMs, 'ReceptionTracker.reportBlock: nowMs');
    const { cumulativeLost, fractionLost } = this.#seq.report();
    const s = this.#seq.stats();
    const dlsr = this.#lastSr === 0 || Number.isNaN(this.#lastSrAtMs) ? 0 : Math.max(0, Math.round(((nowMs - this.#lastSrAtMs) * 65536) / 1000));
    return {
      ssrc: this.ssrc,
      fractionLost,
      cumulativeLost,
      highestSequence: s.extendedMax >>> 0,
      jitter: Math.min(0xffffffff, Math.floor(this.#jitter)),
      lastSr: this.#lastSr,
      delaySinceLastSr: Math.min(0xffffffff, dlsr),
    };
  }

  close(): void {
    this.#seq.close();
  }
}

/**
 * Round-trip time from a report block about our stream (RFC 3550 §6.4.1):
 * A − LSR − DLSR, with A the middle 32 bits of the NTP time the report
 * arrived. Returns ms, or undefined when the block carries no LSR.
 */
export function roundTripMs(block: Pick<ReportBlock, 'lastSr' | 'delaySinceLastSr'>, arrivalNtpMiddle32: number): number | undefined {
  if (block === null || typeof block !== 'object') invalidArg('roundTripMs: block must be a report block');
  const u32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
  if (!u32(block.lastSr) || !u32(block.delaySinceLastSr) || !u32(arrivalNtpMiddle32)) invalidArg('roundTripMs: lastSr, delaySinceLastSr and the arrival time must be 32-bit unsigned integers');
  if (!block.lastSr) return undefined;
  const rtt = (arrivalNtpMiddle32 - block.lastSr - block.delaySinceLastSr) >>> 0;
  if (rtt > 0x80000000) return 0; // clock skew gave a negative value
  return (rtt * 1000) / 65536;
}

export interface RtcpIntervalOptions {
  /** Session bandwidth, bits per second (RTP payload + headers). Default 64000. */
  sessionBandwidth?: number;
  /** Fraction of it for RTCP. Default 0.05 (RFC 3550 §6.2). */
  rtcpFraction?: number;
  /** Minimum interval, ms. Default 5000 (RFC 3550 §6.2). Halved for the first report. */
  minIntervalMs?: number;
  /** Random number in [0, 1): injectable for tests. Default Math.random. */
  random?: () => number;
}

/**
 * The RTCP transmission interval of RFC 3550 §6.3 and Appendix A.7, sans-IO:
 * call `poll(nowMs)`; when it returns true, send a report and call
 * `sent(bytes, nowMs)`. Keep `members` / `senders` / `weSent` current (use
 * `membersLeft()` when members leave, for reverse reconsideration) and call
 * `received(bytes, isBye)` for every RTCP packet received (avg_rtcp_size).
 *
 * - §6.3.1: T = max(Tmin, n · avg_rtcp_size / share of the RTCP bandwidth),
 *   Tmin 5 s (2.5 s before the first report), drawn uniformly in
 *   [0.5, 1.5] T and divided by e − 3/2 = 1.21828.
 * - §6.3.6 timer reconsideration: when the timer expires T is drawn again
 *   with the current group size; the report goes only if tp + T ≤ now,
 *   otherwise the timer is set to tp + T. pmembers = members at every
 *   expiry.
 * - §6.3.4 reverse reconsideration: when members drops below pmembers, tn
 *   and tp move towards now in proportion members / pmembers.
 * - §6.3.7 BYE: `leave(nowMs, byeBytes)`. With fewer than 50 members the
 *   BYE is due at once (the "MAY send immediately" choice; `backoff: true`
 *   runs the algorithm anyway); otherwise the BYE backoff: tp = now,
 *   members = pmembers = 1, initial, we_sent false, senders 0,
 *   avg_rtcp_size = the compound BYE's size, tn = now + T; from then on
 *   only received BYE packets count (members + 1 each, and they alone
 *   update avg_rtcp_size), and the BYE goes out under the same timer
 *   reconsideration as a report. After it is sent, poll() is false for good.
 */
export class RtcpScheduler {
  readonly rtcpBandwidth: number; // octets per second
  readonly minIntervalMs: number;
  readonly #random: () => number;
  members = 2;
  senders = 1;
  weSent = false;
  /** avg_rtcp_size, octets (with UDP/IP overhead counted by the caller if wanted). */
  avgRtcpSize = 128;
  #pmembers = 2;
  #initial = true;
  #tp = 0;
  #tn: number;
  #leaving = false;
  #byeNow = false;
  #done = false;

  constructor(nowMs: number, options?: RtcpIntervalOptions) {
    finiteArg(nowMs, 'RtcpScheduler: nowMs');
    options = optionsArg(options, 'RtcpScheduler: options');
    for (const k of ['sessionBandwidth', 'rtcpFraction', 'minIntervalMs'] as const) {
      if (options[k] !== undefined) finiteArg(options[k], `RtcpScheduler: options.${k}`);
    }
    if (options.random !== undefined && typeof options.random !== 'function') invalidArg('RtcpScheduler: options.random must be a function returning [0, 1)');
    const bw = options.sessionBandwidth ?? 64000;
    const frac = options.rtcpFraction ?? 0.05;
    this.minIntervalMs = options.minIntervalMs ?? 5000;
    if (!(bw > 0)) invalidArg(`RtcpScheduler: sessionBandwidth must be > 0, got ${bw}`);
    if (!(frac > 0 && frac <= 1)) invalidArg(`RtcpScheduler: rtcpFraction must be in (0, 1], got ${frac}`);
    if (!(this.minIntervalMs >= 0)) invalidArg(`RtcpScheduler: minIntervalMs must be >= 0, got ${this.minIntervalMs}`);
    this.rtcpBandwidth = (bw * frac) / 8;
    this.#random = options.random ?? Math.random;
    this.#tp = nowMs;
    this.#tn = nowMs + this.interval();
  }

  /** When the next report (or the BYE, when leaving) is due, ms; Infinity once the BYE was sent. */
  get nextMs(): number {
    return this.#done ? Infinity : this.#tn;
  }

  /** Last transmission time tp, ms. */
  get lastMs(): number {
    return this.#tp;
  }

  /** pmembers: the group size when the timer was last (re)considered. */
  get previousMembers(): number {
    return this.#pmembers;
  }

  /** True after leave(): the next packet due is the BYE. */
  get leaving(): boolean {
    return this.#leaving;
  }

  /** The deterministic interval Td of §6.3.1 step 3 (before randomisation), ms. */
  deterministicInterval(): number {
    let minTime = this.minIntervalMs / 1000;
    if (this.#initial) minTime /= 2;
    let n = this.members;
    let bw = this.rtcpBandwidth;
    if (this.senders <= this.members * 0.25) {
      if (this.weSent) {
        bw *= 0.25;
        n = this.senders;
      } else {
        bw *= 0.75;
        n -= this.senders;
      }
    }
    const t = (this.avgRtcpSize * n) / bw;
    return (t < minTime ? minTime : t) * 1000;
  }

  /** One draw of the randomised interval T, ms (RFC 3550 A.7 rtcp_interval()). */
  interval(): number {
    const COMPENSATION = Math.E - 1.5;
    return (this.deterministicInterval() * (this.#random() + 0.5)) / COMPENSATION;
  }

  /** True when a report (or, when leaving, the BYE) should be sent now; otherwise the timer is reconsidered. */
  poll(nowMs: number): boolean {
    finiteArg(nowMs, 'RtcpScheduler.poll: nowMs');
    if (this.#done) return false;
    if (this.#byeNow) return true;
    if (nowMs < this.#tn) return false;
    const t = this.interval();
    this.#pmembers = this.members;
    if (this.#tp + t <= nowMs) return true;
    this.#tn = this.#tp + t; // reconsideration: the group grew, wait longer
    return false;
  }

  /** A report (or the BYE) of `bytes` octets was sent at nowMs. */
  sent(bytes: number, nowMs: number): void {
    numberArg(bytes, 0, 0xffffffff, 'RtcpScheduler.sent: bytes');
    finiteArg(nowMs, 'RtcpScheduler.sent: nowMs');
    if (this.#leaving) {
      this.#done = true;
      this.#byeNow = false;
      this.#tp = nowMs;
      return;
    }
    this.avgRtcpSize = bytes / 16 + (15 / 16) * this.avgRtcpSize;
    this.#tp = nowMs;
    this.#initial = false;
    this.#tn = nowMs + this.interval();
  }

  /**
   * An RTCP compound packet of `bytes` octets was received; `isBye` when it
   * holds a BYE. While leaving (BYE backoff) only BYEs count: each one adds
   * a member and updates avg_rtcp_size (§6.3.7).
   */
  received(bytes: number, isBye = false): void {
    numberArg(bytes, 0, 0xffffffff, 'RtcpScheduler.received: bytes');
    boolArg(isBye, 'RtcpScheduler.received: isBye');
    if (this.#leaving) {
      if (!isBye || this.#byeNow || this.#done) return;
      this.members += 1;
    }
    this.avgRtcpSize = bytes / 16 + (15 / 16) * this.avgRtcpSize;
  }

  /**
   * The group shrank to `members` (BYE received or a member timed out):
   * reverse reconsideration (§6.3.4) when it is below pmembers. Ignored
   * while leaving.
   */
  membersLeft(members: number, nowMs: number): void {
    intArg(members, 1, 0xffffffff, 'RtcpScheduler.membersLeft: members');
    finiteArg(nowMs, 'RtcpScheduler.membersLeft: nowMs');
    if (this.#leaving) return;
    this.members = members;
    if (members < this.#pmembers) {
      const f = members / this.#pmembers;
      this.#tn = nowMs + f * (this.#tn - nowMs);
      this.#tp = nowMs - f * (nowMs - this.#tp);
      this.#pmembers = members;
    }
  }

  /**
   * We leave the session (RFC 3550 §6.3.7) with a compound BYE of
   * `byeBytes` octets. Returns when the BYE is due, ms (nowMs itself with
   * fewer than 50 members unless `backoff`). Then poll() says when to send
   * it; call sent() once it went.
   */
  leave(nowMs: number, byeBytes: number, options?: { backoff?: boolean }): number {
    finiteArg(nowMs, 'RtcpScheduler.leave: nowMs');
    numberArg(byeBytes, 1, 0xffffffff, 'RtcpScheduler.leave: byeBytes');
    options = optionsArg(options, 'RtcpScheduler.leave: options');
    if (options.backoff !== undefined) boolArg(options.backoff, 'RtcpScheduler.leave: options.backoff');
    if (this.#leaving) return this.nextMs;
    this.#leaving = true;
    if (this.members < 50 && !options.backoff) {
      this.#byeNow = true;
      this.#tn = nowMs;
      return nowMs;
    }
    this.#tp = nowMs;
    this.members = 1;
    this.#pmembers = 1;
    this.#initial = true;
    this.weSent = false;
    this.senders = 0;
    this.avgRtcpSize = byeBytes;
    this.#tn = nowMs + this.interval();
    return this.#tn;
  }
}

export interface RtcpSessionOptions extends RtcpIntervalOptions {
  /** Our SSRC. */
  ssrc: number;
  /** SDES CNAME (RFC 7022: a random per-session identifier is fine). */
  cname: string;
  /** RTP clock rate of our stream and the remote streams, Hz. Default 8000. */
  clockRate?: number;
  /** Wall clock for NTP timestamps: ms since the Unix epoch for a given nowMs. Default: nowMs itself. */
  wallClockMs?: (nowMs: number) => number;
}

/** Sender-side statistics. */
export interface SenderStats {
  packets: number;
  octets: number;
  /** Last round-trip time measured from a report block about our stream, ms. */
  roundTripMs?: number;
  /** The last report block the remote sent about our stream. */
  remoteReport?: ReportBlock;
}

/** A BYE received (RFC 3550 §6.6): the sources it named leave the session. */
export interface ReceivedBye {
  /** The SSRCs the BYE named. */
  ssrcs: number[];
  /** The reason for leaving, when the BYE gave one (UTF-8, at most 255 octets). */
  reason?: string;
  /** When it arrived (the caller's nowMs). */
  atMs: number;
}

/**
 * RTCP for one local source in a (unicast) session: counts what we send,
 * tracks each remote source, builds SR/RR + SDES compound packets and BYE,
 * computes round-trip times from the report blocks we receive, and says
 * when to send (RtcpScheduler).
 */
export class RtcpSession {
  readonly ssrc: number;
  readonly cname: string;
  readonly clockRate: number;
  readonly scheduler: RtcpScheduler;
  readonly #kit: VoipKit;
  readonly #wall: (nowMs: number) => number;
  readonly #remotes = new Map<number, ReceptionTracker>();
  #packets = 0;
  #octets = 0;
  #lastRtpTs = 0;
  #lastRtpAtMs = NaN;
  #rtt: number | undefined;
  #remoteReport: ReportBlock | undefined;
  #lastBye: ReceivedBye | undefined;
  #sentSinceReport = false;
  #rtcpSent = false;
  /** Left without a BYE (nothing was ever sent): no more RTCP. */
  #gone = false;
  #byeReason: string | undefined;

  constructor(kit: VoipKit, nowMs: number, options: RtcpSessionOptions) {
    kitArg(kit, 'RtcpSession: kit');
    objectArg(options, 'RtcpSession: options');
    intArg(options.ssrc, 0, 0xffffffff, 'RtcpSession: options.ssrc');
    if (options.clockRate !== undefined) intArg(options.clockRate, 1000, 192000, 'RtcpSession: options.clockRate');
    if (options.wallClockMs !== undefined && typeof options.wallClockMs !== 'function') invalidArg('RtcpSession: options.wallClockMs must be a function');
    this.ssrc = options.ssrc >>> 0;
    this.cname = options.cname;
    if (typeof this.cname !== 'string' || this.cname.length === 0 || new TextEncoder().encode(this.cname).length > 255) invalidArg('RtcpSession: cname must be a non-empty string of at most 255 bytes');
    this.clockRate = options.clockRate ?? 8000;
    this.#kit = kit;
    this.#wall = options.wallClockMs ?? ((t) => t);
    this.scheduler = new RtcpScheduler(nowMs, options);
  }

  /** Account for an RTP packet we sent (payload octets, its timestamp, when). */
  onRtpSent(payloadBytes: number, rtpTimestamp: number, nowMs: number): void {
    intArg(payloadBytes, 0, 0xffff, 'RtcpSession.onRtpSent: payloadBytes');
    intArg(rtpTimestamp, 0, 0xffffffff, 'RtcpSession.onRtpSent: rtpTimestamp');
    finiteArg(nowMs, 'RtcpSession.onRtpSent: nowMs');
    this.#packets++;
    this.#octets += payloadBytes;
    this.#lastRtpTs = rtpTimestamp >>> 0;
    this.#lastRtpAtMs = nowMs;
    this.#sentSinceReport = true;
  }

  /** The tracker of a remote source (created on first use, at `clockRate`, default the session's). */
  remote(ssrc: number, clockRate = this.clockRate): ReceptionTracker {
    intArg(ssrc, 0, 0xffffffff, 'RtcpSession.remote: ssrc');
    let r = this.#remotes.get(ssrc >>> 0);
    if (!r) {
      r = new ReceptionTracker(this.#kit, ssrc, clockRate);
      this.#remotes.set(ssrc >>> 0, r);
      if (!this.scheduler.leaving) this.scheduler.members = Math.max(this.scheduler.members, 1 + this.#remotes.size);
    }
    return r;
  }

  /** Account for a received RTP packet (clockRate: of its stream, used when the source is new). */
  onRtpReceived(ssrc: number, sequenceNumber: number, rtpTimestamp: number, payloadBytes: number, nowMs: number, clockRate?: number): string {
    return this.remote(ssrc, clockRate).onRtp(sequenceNumber, rtpTimestamp, payloadBytes, nowMs);
  }

  /**
   * Account for received RTCP (already parsed), of `bytes` octets in all
   * (with IP/UDP headers: avg_rtcp_size, RFC 3550 §6.3.3), at nowMs.
   * Returns the BYEs among `packets`, in their order (a new array of new
   * objects, owned by the caller; empty when there were none). Their
   * sources were forgotten (as `forget()`); `lastBye` is the last of them.
   * A compound may hold several BYEs (one per source that leaves), so a
   * caller that follows one source looks through all of them, not only
   * `lastBye`.
   */
  onRtcpReceived(packets: readonly RtcpPacket[], bytes: number, nowMs: number): readonly ReceivedBye[] {
    if (!Array.isArray(packets)) invalidArg('RtcpSession.onRtcpReceived: packets must be an array (of parseRtcp())');
    numberArg(bytes, 0, 0xffffffff, 'RtcpSession.onRtcpReceived: bytes');
    finiteArg(nowMs, 'RtcpSession.onRtcpReceived: nowMs');
    const byes = packets.filter((p) => p.type === 'bye').length;
    if (this.scheduler.leaving) {
      // BYE backoff (§6.3.7): every BYE packet received counts as a member
      for (let i = 0; i < byes; i++) this.scheduler.received(bytes, true);
    } else {
      this.scheduler.received(bytes, byes > 0);
    }
    const ntp = unixMsToNtp(this.#wall(nowMs));
    const a = ntpMiddle32(ntp.ntpSeconds, ntp.ntpFraction);
    const received: ReceivedBye[] = [];
    for (const p of packets) {
      if (p.type === 'sr') this.remote(p.ssrc).onSenderReport(p.ntpSeconds, p.ntpFraction, nowMs);
      if (p.type === 'sr' || p.type === 'rr') {
        for (const b of p.reports) {
          if (b.ssrc !== this.ssrc) continue;
          this.#remoteReport = b;
          const rtt = roundTripMs(b, a);
          if (rtt !== undefined) this.#rtt = rtt;
        }
      }
      if (p.type === 'bye') {
        for (const s of p.ssrcs) this.#forget(s);
        const bye: ReceivedBye = { ssrcs: [...p.ssrcs], ...(p.reason !== undefined ? { reason: p.reason } : {}), atMs: nowMs };
        received.push(bye);
        this.#lastBye = { ...bye, ssrcs: [...bye.ssrcs] }; // its own copy: the caller owns `received`
      }
    }
    if (!this.scheduler.leaving) {
      this.scheduler.senders = (this.#sentSinceReport ? 1 : 0) + this.#remotes.size;
      // reverse reconsideration (§6.3.4) when a BYE shrank the group
      if (1 + this.#remotes.size < this.scheduler.members) this.scheduler.membersLeft(1 + this.#remotes.size, nowMs);
    }
    return received;
  }

  /**
   * Stop tracking a remote source (it was replaced, or timed out: RFC 3550
   * §6.3.5): no more report blocks about it, its tracker is freed. The
   * group size is the caller's to update (`scheduler.membersLeft()`).
   */
  forget(ssrc: number): void {
    intArg(ssrc, 0, 0xffffffff, 'RtcpSession.forget: ssrc');
    this.#forget(ssrc);
  }

  #forget(ssrc: number): void {
    const r = this.#remotes.get(ssrc >>> 0);
    if (r) {
      r.close();
      this.#remotes.delete(ssrc >>> 0);
    }
  }

  /** Sender statistics, with the last RTT. */
  senderStats(): SenderStats {
    return { packets: this.#packets, octets: this.#octets, roundTripMs: this.#rtt, remoteReport: this.#remoteReport };
  }

  /**
   * The last BYE received (a copy), if any: its sources were forgotten
   * (no more reception statistics or report blocks about them). Only the
   * last one of any source: when one compound holds several BYEs, the
   * earlier ones are in what `onRtcpReceived()` returned, not here.
   */
  get lastBye(): ReceivedBye | undefined {
    const b = this.#lastBye;
    return b && { ...b, ssrcs: [...b.ssrcs] };
  }

  /** Reception statistics of every remote source. */
  receptionStats(): ReceptionStats[] {
    return [...this.#remotes.values()].map((r) => r.stats());
  }

  /**
   * The compound report to send at nowMs: SR (if we sent RTP since the last
   * report) or RR, with a report block per remote source (at most 31), then
   * SDES CNAME. Starts new loss intervals.
   */
  buildReport(nowMs: number): RtcpPacket[] {
    finiteArg(nowMs, 'RtcpSession.buildReport: nowMs');
    const reports = [...this.#remotes.values()].slice(0, 31).map((r) => r.reportBlock(nowMs));
    let first: SenderReport | ReceiverReport;
    if (this.#sentSinceReport) {
      const ntp = unixMsToNtp(this.#wall(nowMs));
      // The RTP timestamp of "now", extrapolated from the last packet sent.
      const rtpNow = Number.isNaN(this.#lastRtpAtMs) ? 0 : (this.#lastRtpTs + Math.round(((nowMs - this.#lastRtpAtMs) * this.clockRate) / 1000)) >>> 0;
      first = { type: 'sr', ssrc: this.ssrc, ntpSeconds: ntp.ntpSeconds, ntpFraction: ntp.ntpFraction, rtpTimestamp: rtpNow, packetCount: this.#packets >>> 0, octetCount: this.#octets >>> 0, reports };
    } else {
      first = { type: 'rr', ssrc: this.ssrc, reports };
    }
    this.scheduler.weSent = this.#sentSinceReport;
    this.#sentSinceReport = false;
    const sdes: SourceDescription = { type: 'sdes', chunks: [{ ssrc: this.ssrc, items: [{ type: SdesItemType.CNAME, text: this.cname }] }] };
    return [first, sdes];
  }

  /**
   * If a report is due at nowMs, its serialized compound packet (and the
   * scheduler is told it was sent); otherwise undefined.
   */
  poll(nowMs: number): Uint8Array | undefined {
    finiteArg(nowMs, 'RtcpSession.poll: nowMs');
    if (this.#gone || !this.scheduler.poll(nowMs)) return undefined;
    const bytes = this.scheduler.leaving ? this.bye(nowMs, this.#byeReason) : serializeRtcp(this.buildReport(nowMs));
    this.scheduler.sent(bytes.length + 28, nowMs); // + IPv4/UDP headers, as §6.2 counts them
    this.#rtcpSent = true;
    return bytes;
  }

  /**
   * Leave the session (RFC 3550 §6.3.7): from now on poll() returns no
   * reports, only the compound BYE (report + SDES + BYE) when it is due:
   * at once with fewer than 50 members (unless `backoff`), otherwise
   * after the BYE backoff. Returns false, and no RTCP will be sent any more,
   * when we never sent an RTP or RTCP packet (a BYE MUST NOT be sent then).
   */
  leave(nowMs: number, options?: { reason?: string; backoff?: boolean }): boolean {
    finiteArg(nowMs, 'RtcpSession.leave: nowMs');
    options = optionsArg(options, 'RtcpSession.leave: options');
    if (options.reason !== undefined) {
      stringArg(options.reason, 'RtcpSession.leave: options.reason');
      if (new TextEncoder().encode(options.reason).length > 255) invalidArg('RtcpSession.leave: options.reason must be at most 255 bytes');
    }
    if (options.backoff !== undefined) boolArg(options.backoff, 'RtcpSession.leave: options.backoff');
    if (this.scheduler.leaving) return true;
    if (this.#packets === 0 && !this.#rtcpSent) {
      this.#gone = true;
      return false;
    }
    this.#byeReason = options.reason;
    // the compound BYE's size, with IPv4/UDP headers (§6.2), as avg_rtcp_size starts from it
    const size = serializeRtcp([...this.#peekReport(), { type: 'bye', ssrcs: [this.ssrc], ...(options.reason ? { reason: options.reason } : {}) }]).length + 28;
    this.scheduler.leave(nowMs, size, { backoff: options.backoff });
    return true;
  }

  /** The shape of the next report (for its size), without starting new loss intervals. */
  #peekReport(): RtcpPacket[] {
    const reports: ReportBlock[] = [...this.#remotes.values()].slice(0, 31).map((r) => ({ ssrc: r.ssrc, fractionLost: 0, cumulativeLost: 0, highestSequence: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 }));
    const first: SenderReport | ReceiverReport = this.#sentSinceReport
      ? { type: 'sr', ssrc: this.ssrc, ntpSeconds: 0, ntpFraction: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports }
      : { type: 'rr', ssrc: this.ssrc, reports };
    return [first, { type: 'sdes', chunks: [{ ssrc: this.ssrc, items: [{ type: SdesItemType.CNAME, text: this.cname }] }] }];
  }

  /** A final report + BYE (RFC 3550 §6.6), serialized. */
  bye(nowMs: number, reason?: string): Uint8Array {
    finiteArg(nowMs, 'RtcpSession.bye: nowMs');
    if (reason !== undefined) stringArg(reason, 'RtcpSession.bye: reason');
    const b: Goodbye = { type: 'bye', ssrcs: [this.ssrc], ...(reason ? { reason } : {}) };
    return serializeRtcp([...this.buildReport(nowMs), b]);
  }

  /** Free the sequence trackers. */
  close(): void {
    for (const r of this.#remotes.values()) r.close();
    this.#remotes.clear();
  }
}
