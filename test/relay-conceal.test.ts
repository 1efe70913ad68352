/**
 * A transcoding RtpRelay conceals what was lost on the incoming leg (the
 * jitter buffer's G.711 concealment; the Opus decoder's PLC or in-band FEC)
 * instead of filling the gap with silence. The measure: SNR in dB of the
 * relay's output against the source, 10 log10(Σ src² / Σ (src − out)²), at
 * the alignment that maximises their cross-correlation, and the normalised
 * cross-correlation over the lost packets' time; "silence" is the same
 * output with the lost packets' time set to zero, which is what the relay
 * sent before it concealed (test/relay-transcode.test.ts kept that form).
 * Material: 4 s of real speech (test/vectors/opus/README.md) at 8 kHz.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { compare, snrAt, speech48k } from './helpers/audio.js';
import { mulberry32 } from './helpers/random.js';
import { AudioSender, RtpRelay, RtpView, type VoipKit } from '../src/index.js';

/** Normalised cross-correlation of x and y (y delayed by lag) over the sample ranges given. */
function corrOver(x: Int16Array, y: Int16Array, lag: number, ranges: Array<[number, number]>): number {
  let sxy = 0, sxx = 0, syy = 0;
  for (const [a, b] of ranges) {
    for (let i = a; i < b && i + lag < y.length; i++) {
      sxy += x[i] * y[i + lag];
      sxx += x[i] * x[i];
      syy += y[i + lag] * y[i + lag];
    }
  }
  return sxy / Math.sqrt(sxx * syy || 1);
}

/** SNR in dB of y (delayed by lag) against x over the sample ranges given: 0 dB for silence there. */
function snrOver(x: Int16Array, y: Int16Array, lag: number, ranges: Array<[number, number]>): number {
  let p = 0, e = 0;
  for (const [a, b] of ranges) {
    for (let i = a; i < b && i + lag < y.length; i++) {
      p += x[i] * x[i];
      e += (x[i] - y[i + lag]) ** 2;
    }
  }
  return 10 * Math.log10(p / (e || 1e-9));
}

describe.each(BACKENDS)('RtpRelay transcode mode conceals losses on %s', (backend) => {
  let kit: VoipKit;
  let speech8k: Int16Array;
  beforeAll(async () => {
    kit = await kitFor(backend);
    const down = kit.createResampler({ inputRate: 48000, outputRate: 8000, quality: 5 });
    speech8k = down.process(speech48k()).slice();
    down.close();
  });

  /** Send `src` (8 kHz) through a relay a -> b with packets `lost` dropped; the output on b decoded onto an 8 kHz timeline. */
  function through(inCodec: 'pcmu' | 'opus', outCodec: 'pcma' | 'pcmu', src: Int16Array, lost: Set<number>): { out: Int16Array; sent: number; relay: RtpRelay } {
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: inCodec }, b: { codec: outCodec } });
    const tx = new AudioSender(kit, 0, inCodec === 'opus'
      ? { codec: 'opus', sampleRate: 8000, ssrc: 5, opus: { bitrate: 24000, fec: true, packetLossPercent: 10 } }
      : { codec: 'pcmu', ssrc: 5 });
    const out = new Int16Array(src.length + 1600);
    let ts0: number | undefined, sent = 0;
    for (let f = 0; f * 160 + 160 <= src.length; f++) {
      for (const d of tx.send(src.subarray(f * 160, f * 160 + 160), f * 20)) {
        if (lost.has(f)) continue;
        for (const o of relay.relay('a', d, f * 20)) {
          const v = RtpView.wrap(o);
          ts0 ??= v.timestamp;
          const at = (v.timestamp - ts0) >>> 0;
          out.set(kit.g711.decode(outCodec, v.payload), at);
          sent++;
        }
      }
    }
    tx.close();
    return { out, sent, relay };
  }

  function lossPattern(frames: number, seed: number): Set<number> {
    const r = mulberry32(seed);
    const lost = new Set<number>();
    for (let f = 5; f < frames - 5; f++) if (r() < 0.1) lost.add(f);
    return lost;
  }

  it('PCMU -> PCMA, 10 % loss: the jitter buffer\'s concealment brings the output closer to the source than silence; everything else is the exact transcoding', () => {
    const frames = Math.floor(speech8k.length / 160);
    const src = speech8k.subarray(0, frames * 160);
    const lost = lossPattern(frames, 21);
    const { out, sent, relay } = through('pcmu', 'pcma', src, lost);
    const st = relay.stats();
    relay.close();
    // every 20 ms packet is sent (the lost ones concealed): no gap in the sequence on leg b
    expect(sent).toBe(frames);
    expect(st.a.concealedMs).toBe(20 * lost.size);
    // the reference: what the relay hears (PCMU) transcoded to PCMA
    const heard = kit.g711.decode('pcmu', kit.g711.encode('pcmu', src));
    const ref = kit.g711.decode('pcma', kit.g711.encode('pcma', heard));
    // packets neither lost nor right after a loss (the 10 ms merge) are exactly the transcoding: no drift
    for (let f = 0; f < frames; f++) {
      if (lost.has(f) || lost.has(f - 1)) continue;
      expect(Array.from(out.subarray(f * 160, f * 160 + 160))).toEqual(Array.from(ref.subarray(f * 160, f * 160 + 160)));
    }
    const silence = out.slice();
    for (const f of lost) silence.fill(0, f * 160, f * 160 + 160);
    const ranges = [...lost].map((f): [number, number] => [f * 160, f * 160 + 160]);
    const snrConcealed = snrAt(ref, out, 0, 0, frames * 160);
    const snrSilence = snrAt(ref, silence, 0, 0, frames * 160);
    const corrConcealed = corrOver(ref, out, 0, ranges);
    const snrLost = snrOver(ref, out, 0, ranges);
    expect(snrOver(ref, silence, 0, ranges)).toBe(0);
    console.log(`[${backend}] PCMU->PCMA, ${lost.size} of ${frames} packets lost: SNR ${snrConcealed.toFixed(2)} dB concealed vs ${snrSilence.toFixed(2)} dB silence; over the lost time SNR ${snrLost.toFixed(2)} dB (silence 0), correlation ${corrConcealed.toFixed(3)} (silence 0)`);
    expect(snrConcealed).toBeGreaterThan(snrSilence + 0.5);
    expect(snrLost).toBeGreaterThan(1);
    expect(corrConcealed).toBeGreaterThan(0.5);
  });

  it('Opus -> PCMU, 10 % loss: the decoder\'s concealment (and in-band FEC with libopus) brings the output closer to the source than silence', () => {
    expect(kit.features.opus).not.toBe('none');
    const frames = Math.floor(speech8k.length / 160);
    const src = speech8k.subarray(0, frames * 160);
    const lost = lossPattern(frames, 33);
    const { out, sent, relay } = through('opus', 'pcmu', src, lost);
    const st = relay.stats();
    relay.close();
    expect(sent).toBe(frames);
    expect(st.a.concealedMs).toBe(20 * lost.size);
    if (kit.features.opusFec) expect(st.a.fec).toBeGreaterThan(0.8 * lost.size); // a lost packet before a received one: its FEC
    else expect(st.a.fec).toBe(0);
    // Opus delays the audio: align on the source
    const m = compare(src, out, 400, 800);
    const silence = out.slice();
    for (const f of lost) silence.fill(0, f * 160 + m.lag, f * 160 + 160 + m.lag);
    const ranges = [...lost].map((f): [number, number] => [f * 160, f * 160 + 160]);
    const snrConcealed = snrAt(src, out, m.lag, 800, frames * 160 - 400);
    const snrSilence = snrAt(src, silence, m.lag, 800, frames * 160 - 400);
    const corrConcealed = corrOver(src, out, m.lag, ranges);
    const snrLost = snrOver(src, out, m.lag, ranges);
    console.log(`[${backend}] Opus->PCMU, ${lost.size} of ${frames} packets lost (FEC rebuilt ${st.a.fec}): lag ${m.lag}, SNR ${snrConcealed.toFixed(2)} dB concealed vs ${snrSilence.toFixed(2)} dB silence; over the lost time SNR ${snrLost.toFixed(2)} dB (silence 0), correlation ${corrConcealed.toFixed(3)} (silence 0)`);
    expect(snrConcealed).toBeGreaterThan(snrSilence);
    // with FEC (libopus) most lost packets are rebuilt; opusscript can only conceal (docs/opus.md)
    expect(snrLost).toBeGreaterThan(kit.features.opusFec ? 3 : 0.3);
    expect(corrConcealed).toBeGreaterThan(kit.features.opusFec ? 0.7 : 0.4);
  });
});
