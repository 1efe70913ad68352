/**
 * RFC 4733 telephone-events (DTMF): the payload format, a sans-IO encoder
 * that paces an event's packets on the caller's media clock, and a decoder
 * that turns received packets into digit start / end events.
 *
 * Payload (RFC 4733 §2.3), one block per event, network byte order:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Timing rules applied (RFC 4733 §2.5): every packet of an event carries the
 * RTP timestamp of the event's start; the duration is cumulative from that
 * start, in RTP clock ticks; the first packet has the marker bit; the final
 * packet has the E bit and is sent three times (same timestamp and
 * duration, new sequence numbers); an event longer than 65535 ticks is sent
 * as segments, each a new timestamp (start + 65535 * n) without marker.
 */
import { PacketError, VoipKitError, invalidArg } from '../errors.js';
import { finiteArg, intArg, objectArg, optionsArg, typedArrayArg } from '../guard.js';

/** Event codes 0..15 (RFC 4733 §3.2): the 16 DTMF digits. */
export const DTMF_DIGITS = '0123456789*#ABCD';
/** Largest duration a block can carry, in ticks. */
export const MAX_EVENT_DURATION = 0xffff;

/** One event block of a telephone-event payload. */
export interface TelephoneEvent {
  /** Event code 0..255 (0..15: DTMF digits). */
  event: number;
  /** E bit: this block reports the end of the event. */
  end: boolean;
  /** Power level, 0..63, as −dBm0 (DTMF digits only; 0 otherwise). */
  volume: number;
  /** Duration so far, in RTP clock ticks, 0..65535. */
  duration: number;
}

/** Parse a telephone-event payload (one or more 4-byte blocks). @throws PacketError `bad_length` */
export function parseTelephoneEvents(payload: Uint8Array): TelephoneEvent[] {
  payload = typedArrayArg(payload, Uint8Array, 'parseTelephoneEvents: payload');
  if (payload.length === 0 || payload.length % 4) {
    throw new PacketError('bad_length', `telephone-event payload must be a non-empty multiple of 4 bytes, got ${payload.length}`);
  }
  const out: TelephoneEvent[] = [];
  for (let i = 0; i < payload.length; i += 4) {
    out.push({
      event: payload[i],
      end: (payload[i + 1] & 0x80) !== 0,
      volume: payload[i + 1] & 0x3f,
      duration: (payload[i + 2] << 8) | payload[i + 3],
    });
  }
  return out;
}

/** Build one 4-byte block (R bit 0). @throws VoipKitError `invalid_argument` */
export function buildTelephoneEvent(ev: TelephoneEvent, out: Uint8Array = new Uint8Array(4)): Uint8Array {
  const { event, volume, duration } = objectArg<TelephoneEvent>(ev, 'buildTelephoneEvent: event');
  out = typedArrayArg(out, Uint8Array, 'buildTelephoneEvent: out');
  if (!Number.isInteger(event) || event < 0 || event > 255) invalidArg(`telephone-event: event must be 0..255, got ${event}`);
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) invalidArg(`telephone-event: volume must be 0..63, got ${volume}`);
  if (!Number.isInteger(duration) || duration < 0 || duration > MAX_EVENT_DURATION) invalidArg(`telephone-event: duration must be 0..65535 ticks, got ${duration}`);
  if (out.length < 4) invalidArg('telephone-event: out must hold 4 bytes');
  out[0] = event;
  out[1] = (ev.end ? 0x80 : 0) | volume;
  out[2] = duration >>> 8;
  out[3] = duration & 0xff;
  return out.length === 4 ? out : out.subarray(0, 4);
}

/** A digit character ('0'..'9', '*', '#', 'A'..'D', case-insensitive) or event code to its code. */
export function dtmfEventCode(digit: string | number): number {
  if (typeof digit === 'number') {
    if (!Number.isInteger(digit) || digit < 0 || digit > 255) invalidArg(`DTMF: event code must be 0..255, got ${digit}`);
    return digit;
  }
  const i = typeof digit === 'string' && digit.length === 1 ? DTMF_DIGITS.indexOf(digit.toUpperCase()) : -1;
  if (i < 0) invalidArg(`DTMF: digit must be one of ${DTMF_DIGITS}, got ${JSON.stringify(digit)}`);
  return i;
}

/** The digit character of an event code, or undefined for non-DTMF events. */
export function dtmfDigit(event: number): string | undefined {
  if (!Number.isInteger(event) || event < 0 || event > 255) invalidArg(`dtmfDigit: event must be an integer 0..255, got ${String(event)}`);
  return event >= 0 && event < 16 ? DTMF_DIGITS[event] : undefined;
}

/** What the encoder asks the RTP layer to send. */
export interface TelephoneEventPacket {
  /** The 4-byte payload. Owned by the caller. */
  payload: Uint8Array;
  /** RTP marker bit: set on the first packet of an event. */
  marker: boolean;
  /** RTP timestamp (the event's or segment's start), 32-bit. */
  timestamp: number;
  /** The block in the payload, decoded, for logging. */
  block: TelephoneEvent;
}

export interface DtmfEncoderOptions {
  /** RTP clock rate of the telephone-event payload type, Hz. Default 8000. */
  clockRate?: number;
  /** Volume, 0..63 (−dBm0). Default 10. */
  volume?: number;
  /** Time between update packets, ms (RFC 4733 §2.5.1.2 suggests 50). Default 50; 10..1000. */
  intervalMs?: number;
  /** Copies of the final (E bit) packet. Default 3 (RFC 4733 §2.5.1.4); 1..10. */
  endPackets?: number;
}

/**
 * Sends one event at a time, paced by the caller's media clock (sans-IO):
 * start() an event at an RTP timestamp, then poll(timestamp) as the audio
 * clock advances; each poll returns the packets due by then. An update
 * packet is due every `intervalMs` of event time and reports the duration
 * up to that point; when the event's duration is reached (or stop() was
 * called) the final packet is returned `endPackets` times.
 */
export class DtmfEncoder {
  readonly clockRate: number;
  readonly volume: number;
  readonly intervalTicks: number;
  readonly endPackets: number;
  #event = -1;
  #start = 0; // RTP timestamp of the event start
  #total = 0; // ticks; Infinity until known
  #reported = 0; // ticks of the last update
  #stopRequested = false;

  constructor(options?: DtmfEncoderOptions) {
    options = optionsArg(options, 'DtmfEncoder: options');
    if (options.intervalMs !== undefined) finiteArg(options.intervalMs, 'DtmfEncoder: options.intervalMs');
    const clockRate = options.clockRate ?? 8000;
    const volume = options.volume ?? 10;
    const intervalMs = options.intervalMs ?? 50;
    const endPackets = options.endPackets ?? 3;
    if (!Number.isInteger(clockRate) || clockRate < 1000 || clockRate > 192000) invalidArg(`DtmfEncoder: clockRate must be an integer in 1000..192000 Hz, got ${clockRate}`);
    if (!Number.isInteger(volume) || volume < 0 || volume > 63) invalidArg(`DtmfEncoder: volume must be 0..63, got ${volume}`);
    if (!(intervalMs >= 10 && intervalMs <= 1000)) invalidArg(`DtmfEncoder: intervalMs must be in 10..1000, got ${intervalMs}`);
    if (!Number.isInteger(endPackets) || endPackets < 1 || endPackets > 10) invalidArg(`DtmfEncoder: endPackets must be 1..10, got ${endPackets}`);
    this.clockRate = clockRate;
    this.volume = volume;
    this.intervalTicks = Math.round((intervalMs * clockRate) / 1000);
    this.endPackets = endPackets;
  }

  /** True while an event is being sent. */
  get active(): boolean {
    return this.#event >= 0;
  }

  /**
   * Begin an event at RTP timestamp `timestamp`.
   * @param durationMs total duration; omit to send until stop().
   * @throws VoipKitError `invalid_state` if an event is active.
   */
  start(digit: string | number, timestamp: number, durationMs?: number): void {
    const event = dtmfEventCode(digit);
    if (this.active) throw new VoipKitError('invalid_state', 'DtmfEncoder.start: an event is already being sent; stop() it and poll() until it ends');
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) invalidArg(`DtmfEncoder.start: timestamp must be a 32-bit unsigned integer, got ${timestamp}`);
    if (durationMs !== undefined && !(durationMs > 0 && durationMs <= 3_600_000)) invalidArg(`DtmfEncoder.start: durationMs must be in (0, 3600000], got ${durationMs}`);
    this.#event = event;
    this.#start = timestamp;
    this.#total = durationMs === undefined ? Infinity : Math.max(1, Math.round((durationMs * this.clockRate) / 1000));
    this.#reported = 0;
    this.#stopRequested = false;
  }

  /** End the active event at the duration reached by the next poll(). */
  stop(): void {
    if (this.active) this.#stopRequested = true;
  }

  /**
   * Packets due by RTP timestamp `timestamp` (the media clock now).
   * Returns [] when nothing is due or no event is active.
   */
  poll(timestamp: number): TelephoneEventPacket[] {
    intArg(timestamp, 0, 0xffffffff, 'DtmfEncoder.poll: timestamp');
    if (!this.active) return [];
    const elapsed = (timestamp - this.#start) >>> 0;
    // A timestamp "before" the start (wrapped distance > 2^31) is not due yet.
    if (elapsed > 0x7fffffff) return [];
    const out: TelephoneEventPacket[] = [];
    if (this.#stopRequested && this.#total === Infinity) this.#total = Math.max(elapsed, this.#reported, 1);
    while (this.active) {
      const next = Math.min(this.#reported + this.intervalTicks, this.#total);
      if (next > elapsed && !(this.#stopRequested && next >= this.#total)) break;
      this.#emit(out, next);
    }
    return out;
  }

  /**
   * All the packets of one event of known duration, each with the event time
   * (ms from the start) at which it is due. Does not disturb an active event.
   */
  packets(digit: string | number, timestamp: number, durationMs: number): Array<TelephoneEventPacket & { atMs: number }> {
    const enc = new DtmfEncoder({ clockRate: this.clockRate, volume: this.volume, intervalMs: (this.intervalTicks * 1000) / this.clockRate, endPackets: this.endPackets });
    enc.start(digit, timestamp, durationMs);
    const all: Array<TelephoneEventPacket & { atMs: number }> = [];
    for (let t = 0; enc.active; t += enc.intervalTicks) {
      for (const p of enc.poll((timestamp + t) >>> 0)) all.push({ ...p, atMs: (Math.min(t, enc.#total) * 1000) / this.clockRate });
    }
    return all;
  }

  #emit(out: TelephoneEventPacket[], upTo: number): void {
    // Segments of at most 65535 ticks (RFC 4733 §2.5.1.3): segment n starts
    // at timestamp start + 65535 n and covers event time (65535 n, 65535 (n + 1)].
    const S = MAX_EVENT_DURATION;
    const first = this.#reported === 0;
    const seg = upTo === 0 ? 0 : Math.floor((upTo - 1) / S);
    const prevSeg = first ? 0 : Math.floor((this.#reported - 1) / S);
    for (let s = prevSeg; s < seg; s++) this.#push(out, s, S, false, first && s === prevSeg);
    const inSeg = upTo - seg * S;
    const marker = first && seg === prevSeg;
    this.#reported = upTo;
    if (upTo >= this.#total) {
      for (let i = 0; i < this.endPackets; i++) this.#push(out, seg, inSeg, true, marker && i === 0);
      this.#event = -1;
    } else {
      this.#push(out, seg, inSeg, false, marker);
    }
  }

  #push(out: TelephoneEventPacket[], seg: number, duration: number, end: boolean, marker: boolean): void {
    const block = { event: this.#event, end, volume: this.volume, duration };
    out.push({ payload: buildTelephoneEvent(block), marker, timestamp: (this.#start + seg * MAX_EVENT_DURATION) >>> 0, block });
  }
}


/** A digit as the receiver reports it. */
export interface DtmfReport {
  type: 'start' | 'end';
  /** Event code; `digit` is its character for codes 0..15. */
  event: number;
  digit: string | undefined;
  /** RTP timestamp of the event start. */
  timestamp: number;
  /** Volume of the last block (−dBm0). */
  volume: number;
  /** Duration in ticks (on 'end': the total; on 'start': so far). */
  duration: number;
  /** Duration in ms at the clock rate. */
  durationMs: number;
  /** On 'end': false when the end packets were lost and the event was ended by a new one or flush(). */
  endSeen?: boolean;
}

export interface DtmfDecoderOptions {
  /** RTP clock rate of the telephone-event payload type, Hz. Default 8000. */
  clockRate?: number;
}

/**
 * Turns received telephone-event packets into start / end reports: one
 * 'start' per event (even if its first packet, with the marker, was lost),
 * one 'end' per event (redundant end packets and late retransmissions are
 * ignored; if the end is lost, the next event or flush() ends it), and
 * segments of long events are joined into one event.
 */
export class DtmfDecoder {
  readonly clockRate: number;
  #cur: { event: number; timestamp: number; base: number; duration: number; volume: number; segTs: number } | null = null;
  /** Recently ended events, as "timestamp:event", to drop their retransmissions. */
  #ended: string[] = [];

  constructor(options?: DtmfDecoderOptions) {
    options = optionsArg(options, 'DtmfDecoder: options');
    const clockRate = options.clockRate ?? 8000;
    if (!Number.isInteger(clockRate) || clockRate < 1000 || clockRate > 192000) invalidArg(`DtmfDecoder: clockRate must be an integer in 1000..192000 Hz, got ${clockRate}`);
    this.clockRate = clockRate;
  }

  /**
   * Account for one received packet (its RTP timestamp and payload).
   * @throws PacketError `bad_length` for a malformed payload.
   */
  push(timestamp: number, payload: Uint8Array): DtmfReport[] {
    intArg(timestamp, 0, 0xffffffff, 'DtmfDecoder.push: timestamp');
    const blocks = parseTelephoneEvents(payload);
    const out: DtmfReport[] = [];
    // Several blocks: earlier events first, each starting where the previous ended.
    let ts = timestamp >>> 0;
    for (const b of blocks) {
      this.#block(ts, b, out);
      ts = (ts + b.duration) >>> 0;
    }
    return out;
  }

  /** End an event whose end packets never came (e.g. at the end of a call). */
  flush(): DtmfReport[] {
    const out: DtmfReport[] = [];
    if (this.#cur) this.#finish(out, false);
    return out;
  }

  #block(ts: number, b: TelephoneEvent, out: DtmfReport[]): void {
    const key = `${ts}:${b.event}`;
    if (this.#ended.includes(key)) return; // redundant end or late update of a finished event
    const c = this.#cur;
    if (c && c.event === b.event && c.segTs === ts) {
      c.duration = Math.max(c.duration, c.base + b.duration);
      c.volume = b.volume;
    } else if (c && c.event === b.event && ts === ((c.segTs + MAX_EVENT_DURATION) >>> 0)) {
      // Next segment of a long event (RFC 4733 §2.5.1.3).
      c.base += MAX_EVENT_DURATION;
      c.segTs = ts;
      c.duration = Math.max(c.duration, c.base + b.duration);
      c.volume = b.volume;
    } else {
      if (c) this.#finish(out, false);
      this.#cur = { event: b.event, timestamp: ts, base: 0, duration: b.duration, volume: b.volume, segTs: ts };
      out.push(this.#report('start', this.#cur));
    }
    if (b.end) {
      this.#ended.push(key);
      this.#finish(out, true);
    }
  }

  #finish(out: DtmfReport[], endSeen: boolean): void {
    const c = this.#cur!;
    this.#cur = null;
    const key = `${c.segTs}:${c.event}`;
    if (!this.#ended.includes(key)) this.#ended.push(key);
    if (this.#ended.length > 16) this.#ended.splice(0, this.#ended.length - 16);
    out.push({ ...this.#report('end', c), endSeen });
  }

  #report(type: 'start' | 'end', c: { event: number; timestamp: number; duration: number; volume: number }): DtmfReport {
    return { type, event: c.event, digit: dtmfDigit(c.event), timestamp: c.timestamp, volume: c.volume, duration: c.duration, durationMs: (c.duration * 1000) / this.clockRate };
  }
}
