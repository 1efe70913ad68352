/**
 * Opus packet inspection (RFC 6716 section 3), in TypeScript: no codec
 * needed.  Used to check packets before they reach a decoder, to compute
 * RTP timestamps (RFC 7587) and to tell whether a packet carries in-band FEC.
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |   TOC byte (RFC 6716 3.1)
 * +-+-+-+-+-+-+-+-+
 * ```
 */
import { PacketError } from '../errors.js';
import { typedArrayArg } from '../guard.js';

export type OpusMode = 'silk' | 'hybrid' | 'celt';
export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

export interface OpusPacketInfo {
  /** TOC config number 0..31 (RFC 6716 Table 2). */
  config: number;
  mode: OpusMode;
  bandwidth: OpusBandwidth;
  /** The s bit: the frames are coded as stereo. */
  stereo: boolean;
  /** Frame count code c (0..3). */
  code: number;
  /** Frames in the packet (1..48). */
  frameCount: number;
  /** Duration of one frame in ms (2.5, 5, 10, 20, 40 or 60). */
  frameMs: number;
  /** Duration of the whole packet in ms (at most 120). */
  durationMs: number;
  /** Duration in samples at 48 kHz: the RTP timestamp increment (RFC 7587 4.1). */
  samples48k: number;
  /** Compressed size of each frame in bytes (0 = DTX / lost frame). */
  frameSizes: number[];
  /** Code 3 padding bytes (length bytes and the padding itself). */
  padding: number;
  /** Code 2, or code 3 with the v bit: frames of different sizes. */
  vbr: boolean;
  /**
   * Whether the first frame carries SILK LBRR data (in-band FEC for the
   * previous packet): the LBRR flag of either channel (RFC 6716 4.2.3).
   * Always false for CELT-only packets, which cannot carry FEC.
   */
  fec: boolean;
  /** Whether the first frame's SILK VAD flags say voice activity (SILK / hybrid). */
  voiceActivity: boolean | null;
}

const BANDWIDTHS: OpusBandwidth[] = ['narrowband', 'mediumband', 'wideband', 'superwideband', 'fullband'];

/** Frame duration in samples at 48 kHz of a config. */
function configSamples48k(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]; // SILK 10/20/40/60
  if (config < 16) return [480, 960][config & 1]; // hybrid 10/20
  return [120, 240, 480, 960][config & 3]; // CELT 2.5/5/10/20
}

function configMode(config: number): OpusMode {
  return config < 12 ? 'silk' : config < 16 ? 'hybrid' : 'celt';
}

function configBandwidth(config: number): OpusBandwidth {
  if (config < 12) return BANDWIDTHS[config >> 2]; // NB, MB, WB
  if (config < 16) return config < 14 ? 'superwideband' : 'fullband';
  const b = (config - 16) >> 2; // NB, WB, SWB, FB
  return BANDWIDTHS[b === 0 ? 0 : b + 1];
}

/** Reads a frame length (RFC 6716 3.2.1): returns [length, bytes used] or null. */
function frameLength(p: Uint8Array, at: number, end: number): [number, number] | null {
  if (at >= end) return null;
  const b0 = p[at];
  if (b0 < 252) return [b0, 1];
  if (at + 1 >= end) return null;
  return [b0 + 4 * p[at + 1], 2];
}

const MAX_FRAME_BYTES = 1275;

/**
 * Frame sizes and the offset of the first frame; a negative number when the
 * packet breaks one of RFC 6716 3.4's requirements.
 */
function parseFrames(p: Uint8Array, sizes: number[] | null): { count: number; padding: number; vbr: boolean; first: number } | number {
  const n = p.length;
  if (n < 1) return -1; // R1
  const toc = p[0];
  const code = toc & 3;
  const fs = configSamples48k(toc >> 3);
  if (code === 0) {
    if (n - 1 > MAX_FRAME_BYTES) return -2; // R2
    sizes?.push(n - 1);
    return { count: 1, padding: 0, vbr: false, first: 1 };
  }
  if (code === 1) {
    if ((n - 1) % 2 !== 0) return -3; // R3
    const s = (n - 1) / 2;
    if (s > MAX_FRAME_BYTES) return -2;
    sizes?.push(s, s);
    return { count: 2, padding: 0, vbr: false, first: 1 };
  }
  if (code === 2) {
    const l = frameLength(p, 1, n);
    if (!l) return -4; // R4
    const rest = n - 1 - l[1];
    if (l[0] > rest || l[0] > MAX_FRAME_BYTES || rest - l[0] > MAX_FRAME_BYTES) return -4;
    sizes?.push(l[0], rest - l[0]);
    return { count: 2, padding: 0, vbr: true, first: 1 + l[1] };
  }
  // code 3
  if (n < 2) return -6; // R6
  const fc = p[1];
  const vbr = (fc & 0x80) !== 0;
  const hasPadding = (fc & 0x40) !== 0;
  const m = fc & 0x3f;
  if (m === 0 || m * fs > 5760) return -5; // R5: 1..120 ms
  let at = 2;
  let padding = 0;
  if (hasPadding) {
    // Each 255 adds 254 bytes and continues; the last length byte ends it.
    for (;;) {
      if (at >= n) return -6;
      const b = p[at++];
      padding += b === 255 ? 254 : b;
      if (b !== 255) break;
    }
  }
  const padBytes = at - 2 + padding; // length bytes + padding
  const end = n - padding;
  if (end < at) return -6;
  if (!vbr) {
    const r = end - at;
    if (r % m !== 0) return -6; // R6
    const s = r / m;
    if (s > MAX_FRAME_BYTES) return -6;
    if (sizes) for (let i = 0; i < m; i++) sizes.push(s);
    return { count: m, padding: padBytes, vbr, first: at };
  }
  let sum = 0;
  const lens: number[] = [];
  for (let i = 0; i < m - 1; i++) {
    const l = frameLength(p, at, end);
    if (!l) return -7; // R7
    at += l[1];
    if (l[0] > MAX_FRAME_BYTES) return -7;
    lens.push(l[0]);
    sum += l[0];
  }
  if (sum > end - at) return -7;
  const last = end - at - sum;
  if (last > MAX_FRAME_BYTES) return -7;
  lens.push(last);
  sizes?.push(...lens);
  return { count: m, padding: padBytes, vbr, first: at };
}

/**
 * @internal Duration of a packet in samples at 48 kHz, or minus the number
 * of the RFC 6716 3.4 rule it breaks.  No checks of the argument, no
 * allocation: for the decoders' hot paths, which have checked it.
 */
export function packetSamples48kOrRule(packet: Uint8Array): number {
  const r = parseFrames(packet, null);
  if (typeof r === 'number') return r;
  return r.count * configSamples48k(packet[0] >> 3);
}

/**
 * Duration of a packet in samples at 48 kHz (2.5 ms = 120).  Cheap: parses
 * the frame lengths, allocates nothing.
 * @throws PacketError `invalid_argument` when packet is not a Uint8Array,
 *   `corrupt` when it breaks RFC 6716 3.4 (R1..R7, e.g. empty).
 */
export function opusPacketSamples48k(packet: Uint8Array): number {
  packet = typedArrayArg(packet, Uint8Array, 'opusPacketSamples48k: packet', PacketError);
  const n = packetSamples48kOrRule(packet);
  if (n < 0) throw new PacketError('corrupt', `malformed Opus packet (RFC 6716 3.4 rule R${-n}), ${packet.length} bytes`);
  return n;
}

/**
 * Inspect a packet.
 * @throws PacketError `corrupt` when the packet breaks RFC 6716 3.4
 *   (R1..R7: empty, frames over 1275 bytes, odd code 1 payload, bad lengths,
 *   more than 120 ms, bad padding).
 */
export function inspectOpusPacket(packet: Uint8Array): OpusPacketInfo {
  packet = typedArrayArg(packet, Uint8Array, 'inspectOpusPacket: packet', PacketError);
  const sizes: number[] = [];
  const r = parseFrames(packet, sizes);
  if (typeof r === 'number') {
    throw new PacketError('corrupt', `malformed Opus packet (RFC 6716 3.4 rule R${-r}), ${packet.length} bytes`);
  }
  const toc = packet[0];
  const config = toc >> 3;
  const mode = configMode(config);
  const stereo = (toc & 4) !== 0;
  const fs = configSamples48k(config);
  let fec = false;
  let voiceActivity: boolean | null = null;
  if (mode !== 'celt' && sizes[0] > 0) {
    // The first SILK symbols are one VAD flag per 20 ms SILK frame and the
    // LBRR flag, each with probability 1/2, for the mid channel and then
    // (stereo) the side channel.  Coded with equiprobable binary symbols at
    // the start of the range coder, they are the first bits of the frame.
    const b = packet[r.first];
    const silkFrames = fs > 960 ? fs / 960 : 1;
    voiceActivity = (b >> (8 - silkFrames)) !== 0;
    fec = ((b >> (7 - silkFrames)) & 1) === 1;
    if (stereo) fec = fec || ((b >> (6 - 2 * silkFrames)) & 1) === 1;
  }
  return {
    config,
    mode,
    bandwidth: configBandwidth(config),
    stereo,
    code: toc & 3,
    frameCount: r.count,
    frameMs: fs / 48,
    durationMs: (r.count * fs) / 48,
    samples48k: r.count * fs,
    frameSizes: sizes,
    padding: r.padding,
    vbr: r.vbr,
    fec,
    voiceActivity,
  };
}
