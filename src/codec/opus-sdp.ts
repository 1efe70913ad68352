/**
 * Opus over RTP (RFC 7587): the payload format's clock and timestamps, and
 * the SDP fmtp parameters mapped to encoder and decoder options.
 *
 * - The payload is one Opus packet, as is (RFC 7587 4.2).
 * - The RTP clock is 48 kHz whatever rate the codec runs at, and the
 *   rtpmap is always `opus/48000/2` (RFC 7587 4.1, 7): the timestamp of a
 *   packet advances by its duration in 48 kHz samples.
 * - fmtp parameters describe what the party that sends the SDP wants to
 *   RECEIVE (maxplaybackrate, stereo, useinbandfec, usedtx, cbr,
 *   maxaveragebitrate, minptime) and what it will SEND (sprop-*) (RFC 7587 6.1).
 *   So a remote offer's fmtp configures our encoder, and our own fmtp plus
 *   the remote's sprop-* configure our decoder.
 */
import { invalidArg } from '../errors.js';
import type { OpusBandwidth } from './opus-packet.js';
import { packetSamples48kOrRule } from './opus-packet.js';
import { numberArg, objectArg, optionsArg, typedArrayArg } from '../guard.js';
import type { OpusDecoderOptions, OpusEncoderOptions, OpusFrameMs, OpusSampleRate } from './opus.js';

/** RFC 7587 4.1: the RTP timestamp rate of Opus, always. */
export const OPUS_RTP_CLOCK_RATE = 48000;
/** RFC 7587 7: `a=rtpmap:<pt> opus/48000/2`, whatever the stream's channels. */
export const OPUS_RTPMAP = 'opus/48000/2';

/** The fmtp parameters of RFC 7587 6.1, parsed. Absent = not present in the SDP. */
export interface OpusFmtp {
  /** Max audio rate (Hz) the sender of this SDP can play back; 8000..48000. */
  maxplaybackrate?: number;
  /** Max audio rate (Hz) the sender of this SDP captures at. */
  spropMaxcapturerate?: number;
  /** Max average bitrate (bit/s) it wants to receive; 6000..510000. */
  maxaveragebitrate?: number;
  /** It prefers to receive stereo. Default false. */
  stereo?: boolean;
  /** It is likely to send stereo. */
  spropStereo?: boolean;
  /** It prefers to receive constant bitrate. */
  cbr?: boolean;
  /** It can use in-band FEC: the other side should send it. */
  useinbandfec?: boolean;
  /** It prefers to receive DTX. */
  usedtx?: boolean;
  /** Minimum packet duration in ms it wants to receive. */
  minptime?: number;
  /** Other parameters, verbatim. */
  other?: Record<string, string>;
}

const KEYS: Record<string, keyof OpusFmtp> = {
  maxplaybackrate: 'maxplaybackrate',
  'sprop-maxcapturerate': 'spropMaxcapturerate',
  maxaveragebitrate: 'maxaveragebitrate',
  stereo: 'stereo',
  'sprop-stereo': 'spropStereo',
  cbr: 'cbr',
  useinbandfec: 'useinbandfec',
  usedtx: 'usedtx',
  minptime: 'minptime',
};
const BOOLS = new Set(['stereo', 'spropStereo', 'cbr', 'useinbandfec', 'usedtx']);

/**
 * Parse the parameter list of an `a=fmtp:<pt> ...` line for Opus (the part
 * after the payload type; a leading `a=fmtp:<pt>` is accepted and skipped).
 * Unknown parameters land in `other`; malformed values are ignored, as
 * RFC 7587 6.1 asks of receivers.
 */
export function parseOpusFmtp(fmtp: string): OpusFmtp {
  if (typeof fmtp !== 'string') invalidArg('parseOpusFmtp: fmtp must be a string');
  const out: OpusFmtp = {};
  const body = fmtp.replace(/^\s*a=fmtp:\s*\d+\s*/, '');
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    const name = KEYS[key];
    if (!name) {
      if (key) (out.other ??= {})[key] = value;
      continue;
    }
    if (!/^\d+$/.test(value)) continue;
    const n = Number(value);
    if (BOOLS.has(name)) {
      if (n === 0 || n === 1) (out as Record<string, unknown>)[name] = n === 1;
    } else {
      (out as Record<string, unknown>)[name] = n;
    }
  }
  return out;
}

/** Format fmtp parameters (without `a=fmtp:<pt> `), in RFC 7587's names. */
export function formatOpusFmtp(f: OpusFmtp): string {
  objectArg(f, 'formatOpusFmtp: fmtp');
  const parts: string[] = [];
  for (const [key, name] of Object.entries(KEYS)) {
    const v = f[name];
    if (v === undefined) continue;
    parts.push(`${key}=${typeof v === 'boolean' ? (v ? 1 : 0) : v}`);
  }
  for (const [k, v] of Object.entries(f.other ?? {})) parts.push(`${k}=${v}`);
  return parts.join(';');
}

/**
 * The Opus bandwidth that carries audio up to rate/2 (maxplaybackrate to maxBandwidth).
 * @param rate Hz, a number >= 0.
 * @throws VoipKitError `invalid_argument` for anything else.
 */
export function bandwidthForRate(rate: number): OpusBandwidth {
  numberArg(rate, 0, Number.MAX_SAFE_INTEGER, 'bandwidthForRate: rate');
  if (rate <= 8000) return 'narrowband';
  if (rate <= 12000) return 'mediumband';
  if (rate <= 16000) return 'wideband';
  if (rate <= 24000) return 'superwideband';
  return 'fullband';
}

/** The lowest Opus sample rate at or above rate (48000 at most). */
export function opusRateAtLeast(rate: number): OpusSampleRate {
  for (const r of [8000, 12000, 16000, 24000, 48000] as const) if (rate <= r) return r;
  return 48000;
}

/**
 * The longest Opus frame duration not above ptime ms (20 when absent), and
 * not below minptime ms (when given).
 * @param ptime ms, > 0, or undefined.
 * @throws VoipKitError `invalid_argument` for a ptime that is not a
 *   positive number (NaN, 0, negative, a string, null) or a bad minptime.
 */
export function frameMsForPtime(ptime: number | undefined, minptime?: number): OpusFrameMs {
  if (ptime !== undefined) numberArg(ptime, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 'frameMsForPtime: ptime');
  if (minptime !== undefined) numberArg(minptime, 0, Number.MAX_SAFE_INTEGER, 'frameMsForPtime: minptime');
  const all: OpusFrameMs[] = [2.5, 5, 10, 20, 40, 60];
  if (ptime === undefined || !(ptime > 0)) ptime = 20;
  let best: OpusFrameMs = 2.5;
  for (const d of all) if (d <= ptime) best = d;
  if (minptime !== undefined) while (best < minptime && best < 60) best = all[all.indexOf(best) + 1];
  return best;
}

export interface OpusSdpEncoderContext {
  /** The rate we capture at (Hz). Default 48000. */
  sampleRate?: OpusSampleRate;
  /** The remote's `a=ptime` (ms). Default 20. */
  ptime?: number;
  /** The remote's `a=maxptime` (ms). */
  maxptime?: number;
  /** Used when the remote asks for FEC. Default 10. */
  packetLossPercent?: number;
  application?: OpusEncoderOptions['application'];
}

/**
 * Encoder options for sending to a party whose SDP carries `remote`:
 * maxplaybackrate -> maxBandwidth (and no capture rate above what helps),
 * stereo -> channels, maxaveragebitrate -> bitrate, useinbandfec -> fec
 * (with packetLossPercent, since libopus spends no FEC at 0 %), usedtx ->
 * dtx, cbr -> vbr false, ptime / maxptime / minptime -> frameMs.
 */
export function opusEncoderOptionsFromSdp(remote: OpusFmtp, ctx?: OpusSdpEncoderContext): OpusEncoderOptions {
  objectArg(remote, 'opusEncoderOptionsFromSdp: remote fmtp');
  ctx = optionsArg(ctx, 'opusEncoderOptionsFromSdp: ctx');
  let sampleRate = ctx.sampleRate ?? 48000;
  const o: OpusEncoderOptions = { sampleRate, channels: remote.stereo ? 2 : 1, application: ctx.application ?? 'voip' };
  if (remote.maxplaybackrate !== undefined) {
    o.maxBandwidth = bandwidthForRate(remote.maxplaybackrate);
    // capturing above what the receiver plays back only costs CPU
    sampleRate = Math.min(sampleRate, opusRateAtLeast(remote.maxplaybackrate)) as OpusSampleRate;
    o.sampleRate = sampleRate;
  }
  if (remote.maxaveragebitrate !== undefined) o.bitrate = Math.min(510000, Math.max(6000, remote.maxaveragebitrate));
  if (remote.useinbandfec) {
    o.fec = true;
    o.packetLossPercent = ctx.packetLossPercent ?? 10;
  }
  if (remote.usedtx) o.dtx = true;
  if (remote.cbr) o.vbr = false;
  const ptime = ctx.maxptime !== undefined ? Math.min(ctx.ptime ?? 20, ctx.maxptime) : ctx.ptime;
  o.frameMs = frameMsForPtime(ptime, remote.minptime);
  return o;
}

/**
 * Decoder options for receiving what the remote sends, given our own fmtp
 * (`local`: our maxplaybackrate, stereo) and the remote's (`remote`:
 * sprop-maxcapturerate, sprop-stereo).  The decoder rate is the lowest Opus
 * rate covering both what we play back and what they capture.
 */
export function opusDecoderOptionsFromSdp(local: OpusFmtp, remote?: OpusFmtp): OpusDecoderOptions {
  objectArg(local, 'opusDecoderOptionsFromSdp: local fmtp');
  remote = optionsArg(remote, 'opusDecoderOptionsFromSdp: remote fmtp');
  const play = local.maxplaybackrate ?? 48000;
  const cap = remote.spropMaxcapturerate ?? 48000;
  return {
    sampleRate: opusRateAtLeast(Math.min(play, cap)),
    channels: local.stereo && remote.spropStereo !== false ? 2 : 1,
  };
}

/** The fmtp we offer for a decoder / encoder pair (what we receive, what we send). */
export function opusFmtpFor(decoder: OpusDecoderOptions, encoder?: OpusEncoderOptions, extra?: Partial<OpusFmtp>): OpusFmtp {
  objectArg(decoder, 'opusFmtpFor: decoder options');
  if (encoder !== undefined) objectArg(encoder, 'opusFmtpFor: encoder options');
  extra = optionsArg(extra, 'opusFmtpFor: extra');
  const f: OpusFmtp = { maxplaybackrate: decoder.sampleRate, stereo: decoder.channels === 2, useinbandfec: true };
  if (encoder) {
    f.spropMaxcapturerate = encoder.sampleRate;
    f.spropStereo = (encoder.channels ?? 1) === 2;
    if (encoder.dtx) f.usedtx = true;
  }
  return { ...f, ...extra };
}

/**
 * RTP timestamp increment of a packet (RFC 7587 4.1): its duration in
 * samples at 48 kHz, whatever rate it was coded at.
 * @throws VoipKitError invalid_argument for a malformed packet.
 */
export function opusRtpTimestampIncrement(packet: Uint8Array): number {
  packet = typedArrayArg(packet, Uint8Array, 'opusRtpTimestampIncrement: packet');
  const n = packetSamples48kOrRule(packet);
  if (n < 0) invalidArg(`opusRtpTimestampIncrement: malformed Opus packet (RFC 6716 3.4 rule R${-n})`);
  return n;
}
