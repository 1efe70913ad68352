/**
 * Minimal RIFF/WAVE for the simulator: 16-bit PCM, mono.
 */
import { VoipKitError } from '../errors.js';

/** Parse a 16-bit PCM WAV file. @throws VoipKitError invalid_argument with what is wrong. */
export function parseWav(bytes: Uint8Array): { sampleRate: number; channels: number; samples: Int16Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new VoipKitError('invalid_argument', 'not a WAV file (no RIFF/WAVE header)');
  }
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  while (off + 8 <= bytes.length) {
    const id = tag(off);
    const size = dv.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new VoipKitError('invalid_argument', 'WAV fmt chunk is truncated');
      fmt = { format: dv.getUint16(body, true), channels: dv.getUint16(body + 2, true), rate: dv.getUint32(body + 4, true), bits: dv.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) throw new VoipKitError('invalid_argument', 'WAV data chunk before its fmt chunk');
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) {
        throw new VoipKitError('invalid_argument', `WAV must be 16-bit PCM, got format ${fmt.format} with ${fmt.bits} bits`);
      }
      const n = Math.floor(Math.min(size, bytes.length - body) / 2);
      const all = new Int16Array(n);
      for (let i = 0; i < n; i++) all[i] = dv.getInt16(body + 2 * i, true);
      const ch = Math.max(1, fmt.channels);
      const samples = new Int16Array(Math.floor(n / ch));
      for (let i = 0; i < samples.length; i++) samples[i] = all[i * ch];
      return { sampleRate: fmt.rate, channels: fmt.channels, samples };
    }
    off = body + size + (size & 1);
  }
  throw new VoipKitError('invalid_argument', 'WAV file has no data chunk');
}

/** A 16-bit PCM mono WAV file. */
export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const dv = new DataView(out.buffer);
  const put = (o: number, s: string) => { for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i); };
  put(0, 'RIFF');
  dv.setUint32(4, 36 + samples.length * 2, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  put(36, 'data');
  dv.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) dv.setInt16(44 + 2 * i, samples[i], true);
  return out;
}
