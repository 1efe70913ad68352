import type { Handle, SrtpBackend } from '../types.js';
import type { Addon } from './index.js';

interface SrtpAddon {
  srtpCreate(cfg: Uint32Array, key: Uint8Array, salt: Uint8Array, mki: Uint8Array | undefined): Handle | number;
  srtpDestroy(h: Handle): void;
  srtpProtectRtp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  srtpUnprotectRtp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  srtpProtectRtcp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  srtpUnprotectRtcp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  srtpBatch(h: Handle, op: number, buf: Uint8Array, off: Uint32Array, len: Int32Array, cap: Uint32Array, n: number): number;
  srtpSetRoc(h: Handle, ssrc: number, roc: number): number;
  srtpSetRtcpIndex(h: Handle, ssrc: number, index: number): number;
  srtpStats(h: Handle, out: Float64Array): number;
  srtpStreamInfo(h: Handle, ssrc: number, out: Float64Array): number;
  srtpProfileInfo(profile: number, out: Uint32Array): number;
}

export function nativeSrtp(addon: Addon): SrtpBackend {
  const a = addon as unknown as SrtpAddon;
  // The addon functions already have the backend's shape: no wrapper frames.
  return {
    create: a.srtpCreate,
    destroy: a.srtpDestroy,
    protectRtp: a.srtpProtectRtp,
    unprotectRtp: a.srtpUnprotectRtp,
    protectRtcp: a.srtpProtectRtcp,
    unprotectRtcp: a.srtpUnprotectRtcp,
    batch: a.srtpBatch,
    setRoc: a.srtpSetRoc,
    setRtcpIndex: a.srtpSetRtcpIndex,
    stats: a.srtpStats,
    streamInfo: a.srtpStreamInfo,
    profileInfo: a.srtpProfileInfo,
  };
}
