import type { Handle, OpusBackend } from '../types.js';
import type { Addon } from './index.js';

interface OpusAddon {
  opusAvailable(): number;
  opusVersion(): string;
  opusEncCreate(rate: number, channels: number, app: number): Handle | number;
  opusEncDestroy(h: Handle): void;
  opusEncSet(h: Handle, param: number, value: number): number;
  opusEncGet(h: Handle, param: number, out: Int32Array): number;
  opusEncode(h: Handle, pcm: Int16Array | Float32Array, frameSize: number, out: Uint8Array, channels: number): number;
  opusDecCreate(rate: number, channels: number): Handle | number;
  opusDecDestroy(h: Handle): void;
  opusDecGet(h: Handle, param: number, out: Int32Array): number;
  opusDecode(h: Handle, mode: number, packet: Uint8Array | null, out: Int16Array | Float32Array, frames: number, channels: number): number;
}

/** The addon's libopus, or null when it was built without it. */
export function nativeOpus(addon: Addon): OpusBackend | null {
  const a = addon as unknown as OpusAddon;
  if (typeof a.opusAvailable !== 'function' || a.opusAvailable() !== 1) return null;
  let encoders = 0;
  let decoders = 0;
  return {
    provider: 'native',
    version: a.opusVersion(),
    canDecodeFec: true,
    encoderCreate(rate, channels, app) {
      const h = a.opusEncCreate(rate, channels, app);
      if (typeof h !== 'number') encoders++;
      return h;
    },
    encoderDestroy(h) {
      encoders--;
      a.opusEncDestroy(h);
    },
    encoderSet: a.opusEncSet,
    encoderGet: a.opusEncGet,
    encode: a.opusEncode,
    decoderCreate(rate, channels) {
      const h = a.opusDecCreate(rate, channels);
      if (typeof h !== 'number') decoders++;
      return h;
    },
    decoderDestroy(h) {
      decoders--;
      a.opusDecDestroy(h);
    },
    decoderGet: a.opusDecGet,
    decode: a.opusDecode,
    stats: () => ({ encoders, decoders, modules: 0, heapBytes: 0 }),
  };
}
