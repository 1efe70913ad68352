/** Shared by the Opus backends: libopus error mapping and argument checks. */
import { packetSamples48kOrRule } from '../codec/opus-packet.js';

export const VK_ERR_ARG = -1;
export const VK_ERR_NOMEM = -2;
export const VK_ERR_BUFFER_SMALL = -3;
export const VK_ERR_STATE = -4;
export const VK_ERR_UNSUPPORTED = -5;
export const VK_ERR_CODEC = -60;
export const VK_ERR_CORRUPT = -61;

/** libopus error (OPUS_*) to vk_status, as native/core/src/opus.c maps it. */
export function mapOpusError(e: number): number {
  if (e >= 0) return e;
  switch (e) {
    case -1: return VK_ERR_ARG;
    case -2: return VK_ERR_BUFFER_SMALL;
    case -4: return VK_ERR_CORRUPT;
    case -5: return VK_ERR_UNSUPPORTED;
    case -6: return VK_ERR_STATE;
    case -7: return VK_ERR_NOMEM;
    default: return VK_ERR_CODEC;
  }
}

/** VK_OPUS_* parameter numbers (= libopus OPUS_SET_* requests). */
export const OPUS_PARAM = {
  bitrate: 4002,
  maxBandwidth: 4004,
  vbr: 4006,
  bandwidth: 4008,
  complexity: 4010,
  inbandFec: 4012,
  packetLossPerc: 4014,
  dtx: 4016,
  vbrConstraint: 4020,
  forceChannels: 4022,
  signal: 4024,
  lookahead: 4027,
  sampleRate: 4029,
  finalRange: 4031,
  gain: 4034,
  lastPacketDuration: 4039,
  inDtx: 4049,
} as const;

const SETTABLE = new Set<number>([4002, 4004, 4006, 4008, 4010, 4012, 4014, 4016, 4020, 4022, 4024]);
const GET_ONLY = new Set<number>([4027, 4029, 4031, 4049]);

/** Whether param is an encoder parameter (settable ones only when set). */
export function isEncoderParam(param: number, set: boolean): boolean {
  return SETTABLE.has(param) || (!set && GET_ONLY.has(param));
}

/** 2.5, 5, 10, 20, 40 or 60 ms at rate. */
export function validFrameSize(rate: number, n: number): boolean {
  const q = rate / 400;
  return n === q || n === 2 * q || n === 4 * q || n === 8 * q || n === 16 * q || n === 24 * q;
}

/** A multiple of 2.5 ms up to 120 ms. */
export function validPlcSize(rate: number, n: number): boolean {
  const q = rate / 400;
  return Number.isInteger(n) && n > 0 && n % q === 0 && n <= (rate / 1000) * 120;
}

/** Samples at 48 kHz a packet decodes to, or VK_ERR_CORRUPT. */
export function packetSamples48k(packet: Uint8Array): number {
  const n = packetSamples48kOrRule(packet);
  return n < 0 ? VK_ERR_CORRUPT : n;
}
