/**
 * The simulator's audio input: a WAV file read with the `wav` package,
 * mixed down to mono and brought to 8 kHz (the G.711 rate) with voipkit's own
 * resampler when it is 16, 24 or 48 kHz.
 */
import wav from 'wav';
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';

const RESAMPLE_RATES = [16000, 24000, 48000] as const;

/** Decoded WAV: 16-bit PCM samples, channels interleaved. */
export interface WavData {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

function bad(what: string, msg: string): never {
  throw new VoipKitError('invalid_argument', `${what}: ${msg}`);
}

/**
 * Decode WAV bytes with the `wav` package's Reader.
 * @param what name of the input, for messages.
 * @throws VoipKitError `invalid_argument`: not a WAV file, not 16-bit PCM, no data.
 */
export function decodeWav(bytes: Uint8Array, what = 'WAV'): Promise<WavData> {
  return new Promise((resolve, reject) => {
    const reader = new wav.Reader();
    let format: wav.Format | null = null;
    const chunks: Buffer[] = [];
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      reject(e instanceof VoipKitError ? e : new VoipKitError('invalid_argument', `${what}: not a WAV file (${(e as Error)?.message ?? String(e)})`));
    };
    reader.on('format', (f: wav.Format) => {
      format = f;
      try {
        if (f.audioFormat !== 1 && f.audioFormat !== 0xfffe) bad(what, `unsupported WAV encoding (format tag ${f.audioFormat}); 16-bit PCM is needed, e.g. sox in.wav -e signed -b 16 out.wav`);
        if (f.bitDepth !== 16) bad(what, `unsupported WAV sample size ${f.bitDepth} bits; 16-bit PCM is needed, e.g. sox in.wav -b 16 out.wav`);
        if (f.channels < 1 || f.channels > 8) bad(what, `unsupported channel count ${f.channels}`);
      } catch (e) {
        fail(e);
        reader.destroy();
      }
    });
    reader.on('data', (d: Buffer) => chunks.push(d));
    reader.on('error', fail);
    reader.on('end', () => {
      if (failed) return;
      if (!format) return fail(new VoipKitError('invalid_argument', `${what}: not a WAV file (no fmt chunk)`));
      const buf = Buffer.concat(chunks);
      const n = Math.floor(buf.length / 2);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(2 * i);
      resolve({ sampleRate: format.sampleRate, channels: format.channels, samples });
    });
    reader.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/**
 * The input audio as 8 kHz mono.
 * @throws VoipKitError `invalid_argument` for an unsupported rate or too little audio.
 */
export async function wavTo8kMono(kit: VoipKit, bytes: Uint8Array, what = 'WAV'): Promise<Int16Array> {
  const w = await decodeWav(bytes, what);
  const frames = Math.floor(w.samples.length / w.channels);
  let mono: Int16Array = new Int16Array(frames);
  if (w.channels === 1) mono = w.samples.subarray(0, frames);
  else {
    for (let i = 0; i < frames; i++) {
      let s = 0;
      for (let c = 0; c < w.channels; c++) s += w.samples[i * w.channels + c];
      mono[i] = Math.round(s / w.channels);
    }
  }
  let pcm: Int16Array;
  if (w.sampleRate === 8000) pcm = mono;
  else if ((RESAMPLE_RATES as readonly number[]).includes(w.sampleRate)) {
    const rs = kit.createResampler({ inputRate: w.sampleRate as 16000, outputRate: 8000 });
    try {
      const a = rs.process(mono);
      const b = rs.flush();
      pcm = new Int16Array(a.length + b.length);
      pcm.set(a);
      pcm.set(b, a.length);
    } finally {
      rs.close();
    }
  } else bad(what, `unsupported sample rate ${w.sampleRate} Hz (8000, 16000, 24000 or 48000; e.g. sox in.wav -r 8000 out.wav)`);
  if (pcm.length < 160) bad(what, 'holds less than 20 ms of audio');
  return pcm;
}
