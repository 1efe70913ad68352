import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { mulberry32 as rng } from './helpers/random.js';
import { speech48k, downsample } from './helpers/audio.js';
import { VoipKitError, type VoipKit, type NsSampleRate } from '../src/index.js';

// Deterministic signals (seeded): the expected values come from the
// generators (known tone amplitude, known noise RMS), not from the suppressor.
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
const db = (x: number) => 10 * Math.log10(x);
/** Power of the component at f Hz (Goertzel over the whole span), as a sine's mean power. */
function tonePower(x: Float32Array, rate: number, f: number): number {
  const w = (2 * Math.PI * f) / rate;
  let re = 0, im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos(w * i);
    im -= x[i] * Math.sin(w * i);
  }
  const amp = (2 * Math.hypot(re, im)) / x.length;
  return (amp * amp) / 2;
}
function power(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return s / x.length;
}

/** dB lost over samples a..b-1: input x against output y, which lags it by d. */
const lossDb = (x: Float32Array, y: Float32Array, d: number, a: number, b: number) =>
  db(power(x.subarray(a, b)) / power(y.subarray(a + d, b + d)));

/**
 * Synthetic babble: `talkers` voices, each a glottal pulse train (f0
 * 100-250 Hz, drifting per syllable) with a little breath noise through two
 * formant resonators whose frequencies jump every syllable (100-250 ms
 * voiced, 30-150 ms gaps, some syllables run on), summed and scaled to `rms`.
 * Like real babble it never rests and its spectrum keeps changing shape.
 */
function babble(len: number, rate: number, talkers: number, seed: number, rms: number): Float32Array {
  const r = rng(seed);
  const y = new Float32Array(len);
  const rr = Math.exp((-Math.PI * 120) / rate); // 120 Hz formant bandwidth
  for (let v = 0; v < talkers; v++) {
    let f0 = 100 + 150 * r(), ph = 0, left = 0, on = false;
    const st = [[0, 0], [0, 0]];
    let cf = [0, 0];
    for (let i = 0; i < len; i++) {
      if (--left <= 0) {
        on = !on || r() < 0.3;
        left = Math.floor(rate * (on ? 0.1 + 0.15 * r() : 0.03 + 0.12 * r()));
        cf = [300 + 600 * r(), 900 + 1600 * r()].map((f) => 2 * rr * Math.cos((2 * Math.PI * f) / rate));
        f0 = Math.min(250, Math.max(100, f0 * (0.9 + 0.2 * r())));
      }
      ph += f0 / rate;
      let e = 0;
      if (ph >= 1) { ph -= 1; e = 1; }
      let s = on ? e + 0.05 * gauss(r) : 0;
      for (let k = 0; k < 2; k++) {
        const o = cf[k] * st[k][0] - rr * rr * st[k][1] + s;
        st[k][1] = st[k][0];
        st[k][0] = o;
        s = o;
      }
      y[i] += s;
    }
  }
  const g = rms / Math.sqrt(power(y));
  return y.map((v) => v * g);
}

/**
 * A talker over a crowd, `over` dB apart: the committed 4 s of speech
 * (test/vectors/opus, eSpeak NG; one sentence pause at 3.05-3.45 s) after
 * 1.5 s of the crowd alone.  The crowd is 8 copies of the same speech,
 * each played from a seeded random point at a seeded speed of 0.8-1.25
 * (other pitches and formants), looped and summed: speech-like, never
 * resting.  `over` is the talker's power over the whole 4 s against the
 * crowd's.  Built once per rate and level, shared by both backends.
 */
const crowdCache = new Map<string, Float32Array>();
const CROWD_LEAD = 1.5;
/** The committed speech at `rate` (float, full scale 1). */
const speechAt = (rate: number) => Float32Array.from(downsample(speech48k(), 48000, rate), (v) => v / 32768);
/** The crowd: 8 copies of `sp` from seeded random points at seeded speeds of 0.8-1.25, looped and summed. */
function crowdOf(sp: Float32Array, len: number, seed: number): Float32Array {
  const r = rng(seed);
  const crowd = new Float32Array(len);
  for (let v = 0; v < 8; v++) {
    const speed = 0.8 + 0.45 * r(), off = r() * sp.length;
    for (let i = 0; i < len; i++) {
      const p = (off + i * speed) % sp.length, j = Math.floor(p), f = p - j;
      crowd[i] += sp[j] * (1 - f) + sp[(j + 1) % sp.length] * f;
    }
  }
  return crowd;
}
function talkerOverCrowd(rate: number, over: number): Float32Array {
  const key = `${rate}-${over}`;
  const hit = crowdCache.get(key);
  if (hit) return hit;
  const sp = speechAt(rate);
  const lead = Math.round(CROWD_LEAD * rate), len = lead + sp.length;
  const crowd = crowdOf(sp, len, 21);
  const g = Math.sqrt(power(sp) / power(crowd) / 10 ** (over / 10));
  const x = Float32Array.from(crowd, (v, i) => g * v + (i >= lead ? sp[i - lead] : 0));
  crowdCache.set(key, x);
  return x;
}

/**
 * x high-passed at fc Hz: a windowed-sinc FIR (Blackman, 8 ms, so about
 * 700 Hz from stop to pass band), centred (no delay); only samples a..b-1
 * of the result are computed (the rest are 0).
 */
function highPass(x: Float32Array, rate: number, fc: number, a: number, b: number): Float32Array {
  const h = Math.round(0.004 * rate), w = (2 * fc) / rate, taps: number[] = [];
  for (let i = -h; i <= h; i++) {
    const sinc = i === 0 ? w : Math.sin(Math.PI * w * i) / (Math.PI * i);
    taps.push(-sinc * (0.42 + 0.5 * Math.cos((Math.PI * i) / (h + 1)) + 0.08 * Math.cos((2 * Math.PI * i) / (h + 1))));
  }
  taps[h] += 1;
  const y = new Float32Array(x.length);
  for (let k = Math.max(a, 0); k < Math.min(b, x.length); k++) {
    let s = 0;
    for (let i = -h; i <= h; i++) {
      const j = k - i;
      if (j >= 0 && j < x.length) s += taps[i + h] * x[j];
    }
    y[k] = s;
  }
  return y;
}

const RATES: NsSampleRate[] = [8000, 16000, 48000];

/**
 * Twelve words over white noise (the same density over 0-4 kHz at every
 * rate, RMS 0.003 there), `gap` s apart after a 0.5 s lead-in: each a
 * 300 ms voiced vowel (harmonics of 120-160 Hz up to 3 kHz, 1/h, about
 * 25 dB over the noise) and a weak 100 ms fricative-like tail: 20 tones
 * at 2425..3375 Hz, 6 dB over the noise in that band, about 22 dB under
 * the vowel.  Joined by 40 ms gaps the words make a phrase with no 100 ms
 * pause (as the Asterisk prompts speak); 250 ms gaps make single words.
 * Returns the mixture, the tails' spans and their tone frequencies.
 * Built once per rate and gap, shared by both backends.
 */
const TAIL_TONES = Array.from({ length: 20 }, (_, k) => 2425 + 50 * k);
const wordsCache = new Map<string, { x: Float32Array; tails: [number, number][] }>();
function wordsWithTails(rate: number, gap: number) {
  const key = `${rate}-${gap}`;
  const hit = wordsCache.get(key);
  if (hit) return hit;
  const r = rng(31);
  const lead = Math.round(0.5 * rate), wl = Math.round(0.3 * rate), tl = Math.round(0.1 * rate), gl = Math.round(gap * rate);
  const len = lead + 12 * (wl + tl + gl) + Math.round(0.3 * rate);
  const x = Float32Array.from({ length: len }, () => 0.003 * Math.sqrt(rate / 8000) * gauss(r));
  const tails: [number, number][] = [];
  const amp = Math.sqrt((4 * 0.003 * 0.003 * 1000) / 4000 / 20 * 2); // 6 dB over the noise's 1 kHz, in 20 tones
  let o = lead;
  for (let w = 0; w < 12; w++) {
    const f0 = 120 + 40 * r();
    for (let i = 0; i < wl; i++) {
      const env = Math.sqrt(Math.sin((Math.PI * (i + 0.5)) / wl));
      let v = 0;
      for (let h = 1; h * f0 < 3000; h++) v += Math.sin((2 * Math.PI * h * f0 * i) / rate) / h;
      x[o + i] += 0.12 * env * v;
    }
    o += wl;
    const ph = TAIL_TONES.map(() => 2 * Math.PI * r());
    for (let i = 0; i < tl; i++) {
      let v = 0;
      TAIL_TONES.forEach((f, k) => { v += Math.sin((2 * Math.PI * f * i) / rate + ph[k]); });
      x[o + i] += amp * v;
    }
    tails.push([o, o + tl]);
    o += tl + gl;
  }
  const made = { x, tails };
  wordsCache.set(key, made);
  return made;
}

/**
 * A voiced sound from `start` s to the end of `seconds`, harmonics of f0(t)
 * up to 2 kHz with amplitudes 1/h (peak about 0.05 x 3.6), over white noise
 * of RMS 0.003 (-50 dBFS); returns the sound alone and the mixture.  Built
 * once per rate and kind and shared by both backends.
 */
const voicedCache = new Map<string, { sig: Float32Array; x: Float32Array }>();
function voiced(kind: 'phrase' | 'buzz', rate: number) {
  const key = `${kind}-${rate}`;
  const hit = voicedCache.get(key);
  if (hit) return hit;
  const r = rng(9);
  const seconds = kind === 'phrase' ? 4 : 10, start = rate;
  const len = seconds * rate;
  const x = Float32Array.from({ length: len }, () => 0.003 * gauss(r));
  const sig = new Float32Array(len);
  let ph = 0;
  for (let i = start; i < len; i++) {
    const t = (i - start) / rate;
    // a phrase: the pitch wanders (180 Hz +-8 % over 1.4 s, 3 % vibrato)
    // and syllables swell and fade (3.5 Hz) without a pause; a buzz: 100 Hz
    // held exactly, at a constant level
    const f0 = kind === 'phrase' ? 180 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t) + 0.03 * Math.sin(2 * Math.PI * 5 * t)) : 100;
    const env = kind === 'phrase' ? 0.6 + 0.4 * Math.sin(2 * Math.PI * 3.5 * t) : 1;
    ph += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h * f0 < 2000; h++) v += Math.sin(h * ph) / h;
    sig[i] = 0.05 * env * v;
    x[i] += sig[i];
  }
  const made = { sig, x };
  voicedCache.set(key, made);
  return made;
}

describe.each(BACKENDS)('noise suppressor on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.features.ns).toBe(backend);
  });

  it('frame sizes, delay and the documented default strength', () => {
    for (const sampleRate of RATES) {
      const ns = kit.createNoiseSuppressor({ sampleRate });
      expect(ns.frameSize).toBe(sampleRate / 100);
      expect(ns.delaySamples).toBe(sampleRate / 100);
      expect(ns.strength).toBe(0.5);
      expect(ns.stats().gainFloorDb).toBeCloseTo(-22.5, 3);
      ns.close();
    }
  });

  it('strength 0 passes the input through, delayed by exactly one frame', () => {
    const ns = kit.createNoiseSuppressor({ sampleRate: 16000, strength: 0 });
    const r = rng(1);
    const x = Float32Array.from({ length: 1600 }, () => 0.3 * gauss(r));
    const y = ns.process(x);
    for (let i = 160; i < 1600; i++) expect(Math.abs(y[i] - x[i - 160])).toBeLessThan(1e-5);
    ns.close();
  });

  for (const sampleRate of RATES) {
    it(`${sampleRate} Hz: silence in gives silence out (Int16 and Float32)`, () => {
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const n = ns.frameSize;
      for (let f = 0; f < 50; f++) {
        const y = ns.process(new Int16Array(n));
        expect(y).toBeInstanceOf(Int16Array);
        expect(y.every((v) => v === 0)).toBe(true);
        const z = ns.process(new Float32Array(n));
        expect(z).toBeInstanceOf(Float32Array);
        expect(z.every((v) => v === 0)).toBe(true);
      }
      ns.close();
    });

    it(`${sampleRate} Hz: a beeping 1 kHz tone in steady white noise survives, the noise goes`, () => {
      // 0.5 s beeps with 0.5 s gaps (5 ms ramps), like sustained vowels.  A
      // tone held for much longer than the tracker's ~1 s minimum window is
      // learned as noise, as hum is (docs/ns.md).
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const r = rng(7);
      const len = sampleRate * 4;
      const toneAmp = 0.1; // -23 dBFS sine
      const noiseRms = 0.01; // -40 dBFS white noise
      const ramp = sampleRate / 200;
      const tone = new Float32Array(len), x = new Float32Array(len);
      for (let i = 0; i < len; i++) {
        const ph = i % sampleRate;
        const env = ph >= sampleRate / 2 ? 0 : Math.min(1, ph / ramp, (sampleRate / 2 - ph) / ramp);
        tone[i] = env * toneAmp * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
        x[i] = tone[i] + noiseRms * gauss(r);
      }
      // 2 s of noise alone first, so the tracker knows the noise.
      ns.process(Float32Array.from({ length: 2 * sampleRate }, () => noiseRms * gauss(r)));
      const y = ns.process(x);
      const d = ns.delaySamples;
      const span = y.subarray(sampleRate + d); // skip the first beep
      const ref = tone.subarray(sampleRate, len - d);
      const tIn = tonePower(ref, sampleRate, 1000);
      const tOut = tonePower(span, sampleRate, 1000);
      expect(Math.abs(db(tOut / tIn))).toBeLessThan(1.0); // tone kept within 1 dB
      // residual: output minus the (delayed) tone, against the input noise
      const res = Float32Array.from(span, (v, i) => v - ref[i]);
      expect(db((noiseRms * noiseRms) / power(res))).toBeGreaterThan(6);
      ns.close();
    });

    it(`${sampleRate} Hz: babble keeps a shallow floor; words over steady noise keep the deep one in their pauses`, () => {
      // Babble is speech: the suppressor cannot tell the talker from it, so
      // once the background has gone ~1.5 s without a pause (a stretch
      // where the signal is at the noise floor) the gain floor is the same
      // shallow one in every frame, -45 dB x strength x 0.2 = -4.5 dB at the
      // default (docs/ns.md).  1.5 dB of margin for the overlap-add.  Before,
      // the floor followed the speech decision down to -22.5 dB in babble's
      // dips, taking 10-21 dB from single frames here.
      const n = sampleRate / 100;
      const len = sampleRate * 5;
      const x = babble(len, sampleRate, 6, 5, 0.01);
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const y = ns.process(x);
      const d = ns.delaySamples;
      let worst = 0;
      for (let o = 3 * sampleRate; o + n <= len - d; o += n) {
        worst = Math.max(worst, lossDb(x, y, d, o, o + n));
      }
      expect(worst).toBeLessThan(6);
      // Words (one synthetic talker, 0.5 s on, 0.3 s off) over white noise:
      // the pauses still lose at least the 15 dB the issue asks for (the
      // floor there is -22.5 dB).
      ns.reset();
      const r = rng(13);
      const w = babble(len, sampleRate, 1, 6, 0.05);
      const per = Math.round(0.8 * sampleRate), word = Math.round(0.5 * sampleRate);
      const z = Float32Array.from(w, (v, i) => 0.01 * gauss(r) + (i % per < word ? v : 0));
      const out = ns.process(z);
      let pin = 0, pout = 0;
      for (let i = 2 * sampleRate; i < len - d; i++) {
        const ph = i % per; // the pause, less 50 ms after the word and 20 ms before the next
        if (ph > word + sampleRate * 0.05 && ph < per - sampleRate * 0.02) {
          pin += z[i] * z[i];
          pout += out[i + d] * out[i + d];
        }
      }
      expect(db(pin / pout)).toBeGreaterThan(15);
      ns.close();
    });

    it(`${sampleRate} Hz: a talker from the first frame keeps his first 1.5 s as he does after noise alone`, () => {
      // A call that opens on speech (no noise alone before it): the start-up
      // mean used to average the first word into the noise estimate, which
      // then came down only slowly (docs/ns.md "Session 11: a call that
      // starts with speech"; START_CEIL caps it at 8 dB over the running
      // minimum until the minimum's window has turned over).  The committed
      // speech from its first sample (test/vectors/opus, eSpeak NG; it opens
      // within 16 ms) in white, pink-like (one-pole 0.9) and brown-like
      // (0.98) seeded noise at +20 dB; the loss (input over output power)
      // of its frames within 20 dB of its loudest in the first 1.5 s, against
      // the same mixture after 0.5 s of the noise alone (which loses under
      // 0.05 dB).  Session 11, 8 / 16 / 48 kHz: 0.43 / 0.41 / 0.41 dB more at
      // most; a -DSTART_CEIL=0 addon (session 10's start): 0.64 / 0.63 /
      // 0.62 in white noise, and fails.
      const sp = speechAt(sampleRate);
      const n = sampleRate / 100;
      const lossDb = (pole: number, lead: number) => {
        const L = Math.round(lead * sampleRate), len = L + sp.length;
        const r = rng(31);
        const nz = new Float32Array(len);
        for (let i = 0, v = 0; i < len; i++) nz[i] = v = pole * v + gauss(r);
        const g = Math.sqrt(power(sp) / power(nz.subarray(L)) / 100); // +20 dB
        const clean = new Float32Array(len);
        clean.set(sp, L);
        const x = clean.map((v, i) => v + g * nz[i]);
        const ns = kit.createNoiseSuppressor({ sampleRate });
        const y = ns.process(x);
        const d = ns.delaySamples;
        ns.close();
        const fp: number[] = [];
        for (let o = L; o + n <= L + 1.5 * sampleRate; o += n) fp.push(power(clean.subarray(o, o + n)));
        const loud = Math.max(...fp) / 100;
        let pin = 0, pout = 0;
        fp.forEach((p, j) => {
          if (p <= loud) return;
          const o = L + j * n;
          pin += power(x.subarray(o, o + n));
          pout += power(y.subarray(o + d, o + d + n));
        });
        return db(pin / pout);
      };
      for (const pole of [0, 0.9, 0.98]) {
        const cold = lossDb(pole, 0), warm = lossDb(pole, 0.5);
        expect(warm).toBeLessThan(0.2);
        expect(cold - warm).toBeLessThan(0.5);
      }
    });

    it(`${sampleRate} Hz: a crowd from the first frame has the shallow floor by 1 s`, () => {
      // A call that opens on babble, with no noise alone before it.  Over a
      // background that moves, the babble test calls it speech-like after
      // BG_E0..BG_E1 = 0.5..0.75 s without a pause (BG_EARLY, session 11,
      // docs/ns.md "Session 11: the babble test's start"; before, and still
      // over a background that does not move, 1..1.5 s, so in 1.0-1.5 s the
      // floor was still moving from the usual floors, which are deep in the
      // crowd's dips).  Six crowds (the one above, seeds 21-26, 1.6 s at RMS
      // 0.01), the frames of 1.0-1.5 s: under 5 % lose more than the shallow
      // floor (-4.5 dB at the default) plus the 1.5 dB overlap-add margin of
      // the babble test above.  Session 11, 8 / 16 / 48 kHz: 6 / 5 / 5 of
      // 300; a -DBG_EARLY=0 addon (session 10's start): 81 / 68 / 62, and
      // fails.  A crowd's start-up dips under the young noise estimate make
      // pauses that restart the wait in some of them, so the count is not 0.
      const n = sampleRate / 100, len = Math.round(1.6 * sampleRate);
      let deep = 0, frames = 0;
      for (let seed = 21; seed <= 26; seed++) {
        const { x, y, d } = crowdThrough(sampleRate, len, seed);
        for (let o = sampleRate; o + n <= 1.5 * sampleRate; o += n, frames++) {
          if (lossDb(x, y, d, o, o + n) > 6) deep++;
        }
      }
      expect(frames).toBe(300);
      expect(deep / frames).toBeLessThan(0.05);
    });

    it(`${sampleRate} Hz: over a crowd, a voice's weak harmonics between its strong ones keep their band's gain`, () => {
      // Over babble the gain of a bin is a noisy estimate, and a weak
      // component of the talker can be floored beside strong ones of the
      // same band that keep theirs.  In the babble state each bin's gain is
      // raised towards its third-octave band's mean (BG_BAND, session 13,
      // docs/ns.md "Session 13: band gains over babble").  A crowd (the one
      // above, seed 21) alone for 2 s, then 2 s of syllables over it (250
      // ms on, 100 ms off, 20 ms ramps; pitch 150, 175 or 200 Hz by turns
      // with a 3 % vibrato at 5 Hz; harmonics up to 3.5 kHz).  Each
      // harmonic has the amplitude crowd RMS x 10^(L / 20) / sqrt(17): L =
      // +10 dB for the odd harmonics, -15 dB for the even ones, so every
      // weak harmonic lies between two 25 dB stronger ones.  Measured as
      // each set's component in the output over the syllables: the weak
      // harmonics lose under 2.75 dB (session 13: 2.48 / 2.31 / 2.13 at 8 /
      // 16 / 48 kHz; a -DBG_BAND=0 addon: 3.22 / 3.15 / 2.98, and fails),
      // the strong ones under 1.5 dB (session 14: 1.09 / 1.26 / 1.31).  That
      // bound was 0.5 dB in session 13 (0.27-0.28), when a gain was only
      // ever raised; since session 14 it is lowered too in the bands
      // centred at 1 kHz and up (next test), and this voice pays for it:
      // its harmonics are as strong at 3.5 kHz as at 150 Hz, so in the top
      // bands they stand some 20 dB over a crowd whose spectrum falls like
      // speech's, and the band's mean draws them down.  A real voice falls
      // with frequency as the crowd does: on the evaluation corpus the
      // lowering costs 0.009 dB of speech attenuation (docs/ns.md
      // "Session 14: band gains that also fall").
      const lead = 2 * sampleRate, dur = 2 * sampleRate, len = lead + dur + sampleRate;
      const crowd = crowdOf(speechAt(sampleRate), len, 21);
      const cr = Math.sqrt(power(crowd.subarray(0, lead)));
      const strong = new Float32Array(len), weak = new Float32Array(len);
      const aS = (cr * 10 ** (10 / 20)) / Math.sqrt(17), aW = (cr * 10 ** (-15 / 20)) / Math.sqrt(17);
      let ph = 0;
      for (let i = lead; i < lead + dur; i++) {
        const t = (i - lead) / sampleRate, k = Math.floor(t / 0.35), c = t - 0.35 * k;
        ph += (2 * Math.PI * (150 + 25 * (k % 3)) * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t))) / sampleRate;
        if (c >= 0.25) continue;
        const env = Math.min(1, c / 0.02, (0.25 - c) / 0.02);
        const f0 = 150 + 25 * (k % 3);
        for (let h = 1; h * f0 < 3500; h++) {
          if (h % 2) strong[i] += aS * env * Math.sin(h * ph);
          else weak[i] += aW * env * Math.sin(h * ph);
        }
      }
      const x = Float32Array.from(crowd, (v, i) => v + strong[i] + weak[i]);
      const span: [number, number][] = [[lead, lead + dur]];
      const weakLoss = lossAlong(sampleRate, x, weak, span);
      expect(weakLoss).toBeGreaterThan(0);
      expect(weakLoss).toBeLessThan(2.75);
      expect(lossAlong(sampleRate, x, strong, span)).toBeLessThan(1.5);
    });

    it(`${sampleRate} Hz: a crowd's peaks above 1 kHz lose what their third-octave band loses`, () => {
      // In the babble state a bin's gain in the bands centred at 1 kHz and
      // up is drawn towards its band's mean both ways (BG_BAND 2, session
      // 14, docs/ns.md "Session 14: band gains that also fall"): a peak of
      // the babble no longer keeps a high gain beside bins that lose it.
      // Six crowds (the one above, seeds 21-26), 3 s at RMS 0.01 with no
      // talker, seconds 1-3: the power above 1 kHz (highPass) loses more
      // than 1.4 dB, averaged over the six (session 14: 1.85 / 1.92 / 1.91
      // dB at 8 / 16 / 48 kHz; a -DBG_BAND=1 addon, session 13's gains
      // that only rise: 0.91 / 0.88 / 0.88, and fails).  Below 1 kHz, where
      // gains are still only raised, the loss hardly moves (2.10-2.17 dB;
      // raise only 2.05-2.13).  The shallow floor over babble (-4.5 dB at
      // the default) bounds both.
      const n = sampleRate / 100, len = 3 * sampleRate, a = sampleRate, b = len - n;
      let sum = 0;
      for (let seed = 21; seed <= 26; seed++) {
        const { x, y, d } = crowdThrough(sampleRate, len, seed);
        expect(d).toBe(n);
        sum += lossDb(highPass(x, sampleRate, 1000, a, b), highPass(y, sampleRate, 1000, a + d, b + d), d, a, b);
      }
      expect(sum / 6).toBeGreaterThan(1.4);
    });

    it(`${sampleRate} Hz: a talker far above the babble gets the deep floor back in his pauses; one near it keeps the shallow floor`, () => {
      // The shallow floor over babble protects a talker whom the speech
      // decision cannot tell from the babble.  A talker who stands far above
      // it is in no such danger, so the usual floors (-22.5 dB in pauses,
      // -11.25 dB under speech) come back (docs/ns.md, "Babble: how far the
      // talker stands above it").  Measured in the talker's sentence pause
      // (3.10-3.43 s of the speech: only the crowd is there): 30 dB over the
      // crowd, the pause loses more than 6.5 dB, 2 dB more than the shallow
      // floor (-4.5 dB at the default) can give (before: 5.2 dB; the floor
      // deepens only once the speech decision's hangover has run out, so
      // the pause's first frames keep the shallow one); the talker's
      // speech before it loses less than 0.5 dB.  At the crowd's level
      // (0 dB) the floor stays the shallow one: the pause loses less than
      // its 4.5 dB.
      const d = sampleRate / 100;
      const lead = Math.round(CROWD_LEAD * sampleRate);
      const a = lead + Math.round(3.1 * sampleRate), b = lead + Math.round(3.43 * sampleRate);
      const loss = (x: Float32Array, y: Float32Array, from: number, to: number) => lossDb(x, y, d, from, to);
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const far = talkerOverCrowd(sampleRate, 30);
      const yf = ns.process(far.slice());
      expect(loss(far, yf, a, b)).toBeGreaterThan(6.5);
      expect(loss(far, yf, lead, lead + 3 * sampleRate)).toBeLessThan(0.5);
      ns.reset();
      const near = talkerOverCrowd(sampleRate, 0);
      const yn = ns.process(near.slice());
      expect(loss(near, yn, a, b)).toBeLessThan(4.5);
      ns.close();
    });

    it(`${sampleRate} Hz: words joined into a phrase over steady noise keep their weak tails as the same words with pauses do`, () => {
      // Over a speech-like background a speech frame 18 dB or more under
      // the talker's level is the background's (BG_LEVEL, docs/ns.md
      // session 9).  A phrase with no 100 ms pause made the babble test
      // call a white noise speech-like, and its words' weak tails (22 dB
      // under the vowels, 6 dB over the noise in their band) were cut as
      // pauses.  Since session 10 the background must itself move
      // (BG_MOD: the noise-like frames' band levels spread on their lower
      // side as babble's do, not only as a periodogram's): over a
      // stationary noise the phrase's tails lose at most 2.5 dB more than
      // the same words' with 250 ms pauses.  Measured at the tails' tones
      // (words 5-12).  Session 10, 8 / 16 / 48 kHz: 3.8 / 4.2 / 3.5 dB
      // against 2.8 / 2.7 / 2.6 for the words; a -DBG_MOD=0 build: 6.7 /
      // 7.6 / 7.5, and fails.
      const d = sampleRate / 100;
      const tailLoss = (gap: number) => {
        const { x, tails } = wordsWithTails(sampleRate, gap);
        const ns = kit.createNoiseSuppressor({ sampleRate });
        const y = ns.process(x);
        ns.close();
        let pin = 0, pout = 0;
        for (const [a, b] of tails.slice(4)) {
          for (const f of TAIL_TONES) {
            pin += tonePower(x.subarray(a, b), sampleRate, f);
            pout += tonePower(y.subarray(a + d, b + d), sampleRate, f);
          }
        }
        return db(pin / pout);
      };
      const words = tailLoss(0.25), phrase = tailLoss(0.04);
      expect(phrase).toBeLessThan(words + 2.5);
    });

    it(`${sampleRate} Hz: a whispered phrase of 1.9 s without a pause is not learnt as noise`, () => {
      // The minimum that decides speech presence spans about a second; a
      // talker who speaks longer without a pause used to fill it, so that his
      // quieter syllables passed for noise and the noise estimate climbed
      // into his voice (training fl-cs-v, docs/ns.md "Session 12: a talker
      // who speaks phrases").  Since session 12 (LONG_MIN) that minimum may
      // stand at most 8 dB over the minimum of the last 2 s.  A whisper
      // (unvoiced, so the voicing guard does not protect it): white noise
      // through a one-pole low-pass (0.6), its level swelling at 4 Hz
      // between 12 and 30 dB over a white noise (RMS 0.003), for 1.9 s after
      // 0.5 s of the noise alone.  At its last frame the noise estimate
      // stands within 3 dB of the noise, and its second part (1.0-1.9 s)
      // loses at most 0.3 dB more than its first second.  Session 12, 8 / 16
      // / 48 kHz: the estimate -0.05 / -0.38 / -0.04 dB off (native and WASM alike), 0.06 / 0.03 /
      // 0.01 dB more lost; a -DLONG_MIN=0 addon: 18.2 dB over at every rate
      // and 0.94 / 0.89 / 0.87 dB more lost, and fails both.  (A longer
      // phrase still fills the 2 s window: the limit moved, it did not go.)
      const n = sampleRate / 100, L = Math.round(0.5 * sampleRate), P = Math.round(1.9 * sampleRate);
      const len = L + P + Math.round(0.2 * sampleRate);
      const r = rng(51);
      const nrms = 0.003;
      const x = Float32Array.from({ length: len }, () => nrms * gauss(r));
      for (let i = L, v = 0; i < L + P; i++) {
        const envDb = 21 - 9 * Math.cos((2 * Math.PI * 4 * (i - L)) / sampleRate);
        v = 0.6 * v + gauss(r);
        x[i] += 0.8 * nrms * 10 ** (envDb / 20) * v;
      }
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const y = new Float32Array(len);
      let atEnd = 0;
      for (let o = 0; o + n <= len; o += n) {
        y.set(ns.process(x.subarray(o, o + n)), o);
        if (o + n === L + P) atEnd = ns.stats().noiseLevelDbfs;
      }
      const d = ns.delaySamples;
      ns.close();
      const loss = (a: number, b: number) => lossDb(x, y, d, L + Math.round(a * sampleRate), L + Math.round(b * sampleRate));
      expect(Math.abs(atEnd - db(nrms * nrms))).toBeLessThan(3);
      expect(loss(1, 1.9) - loss(0, 1)).toBeLessThan(0.3);
    });

    it(`${sampleRate} Hz: a +20 dB step in noise level is tracked within 2.5 s, a -20 dB step within 1 s`, () => {
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const r = rng(11);
      const n = ns.frameSize;
      const frame = new Float32Array(n);
      const run = (rms: number, frames: number, each: (i: number) => void) => {
        for (let f = 0; f < frames; f++) {
          for (let i = 0; i < n; i++) frame[i] = rms * gauss(r);
          ns.process(frame, frame);
          each(f);
        }
      };
      const within = (target: number) => Math.abs(ns.stats().noiseLevelDbfs - target) < 3;
      run(0.001, 300, () => {}); // -60 dBFS
      expect(ns.stats().noiseLevelDbfs).toBeCloseTo(-60, -0.5);
      expect(within(-60)).toBe(true);
      let up = -1;
      run(0.01, 400, (f) => { if (up < 0 && within(-40)) up = f; }); // +20 dB
      expect(up).toBeGreaterThanOrEqual(0);
      expect(up * 10).toBeLessThan(2500);
      for (let f = 0; f < 10; f++) ns.process(frame.fill(0).map(() => 0.01 * gauss(r)), frame);
      expect(within(-40)).toBe(true); // and it stays there
      let down = -1;
      run(0.001, 200, (f) => { if (down < 0 && within(-60)) down = f; });
      expect(down).toBeGreaterThanOrEqual(0);
      expect(down * 10).toBeLessThan(1000);
      ns.close();
    });
  }

  for (const sampleRate of RATES) {
    it(`${sampleRate} Hz: clicks of a typing-like train are cut, also after a pause of under 2 s; a lone click-like release and plosive-like bursts that open into a vowel are not`, () => {
      // Over white noise at -54 dBFS, every transient at four offsets (0,
      // 2.5, 5 and 7.5 ms into a 10 ms frame, as the detector treats jumps
      // early and late in a frame differently):
      // - a click: 3 ms of noise decaying with a 1 ms time constant, peak
      //   0.3 (energy about 40 dB over the noise, 17 dB down after 2 ms,
      //   gone after 3; a keystroke rings for 0.4-1.6 ms.  With a 0.5 ms
      //   decay, at 8 kHz the 1.25 ms after the jump may stay under the
      //   detector's 10 dB for a click that lasts);
      // - typing: clicks 0.2 s apart (5 a second; typists average a key
      //   every ~0.24 s, and each key sounds twice).  The suppressor cuts a
      //   click only when two others came within the second before it
      //   (the click-rate prior), so the first two of the train pass
      //   (within 1 dB); the four after them are cut by more than 10 dB; so is
      //   one more 1.7 s after the train's last (a typing episode goes on
      //   across pauses shorter than 2 s);
      // - a lone click, the same waveform 60 ms after a 200 ms vowel (a
      //   word-final stop released into silence), 1.2 s from any other
      //   transient and over 2 s after the last click of the train: no
      //   train, so it is kept within 1 dB;
      // - a plosive: a 5 ms burst of noise decaying with a 2 ms time
      //   constant, peak 0.1 (its energy falls 22 dB in 5 ms, as a click's
      //   does), opening 4 ms after it starts into a 300 ms vowel, 0.5 s
      //   after a click of the train: it goes on, so it is no click, and
      //   the burst and the vowel's start are kept within a dB.
      // Vowels: 150 Hz harmonics up to 3.5 kHz, 10 ms rise, 30 dB over the
      // noise.
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const r = rng(21);
      const at = (s: number) => Math.round(s * sampleRate);
      const offsets = [0, 0.0025, 0.005, 0.0075];
      const len = at(11);
      const noiseRms = 0.002;
      const x = Float32Array.from({ length: len }, () => noiseRms * gauss(r));
      const harmonics = Math.floor(3500 / 150);
      const vAmp = (noiseRms * 10 ** (30 / 20) * Math.SQRT2) / Math.sqrt(harmonics); // RMS 30 dB over the noise
      const addClick = (c: number) => {
        for (let i = 0; i < at(0.003); i++) x[c + i] += 0.3 * Math.exp(-i / (0.001 * sampleRate)) * gauss(r);
      };
      const addVowel = (v: number, s: number) => {
        for (let i = 0; i < at(s); i++) {
          const env = Math.min(1, i / at(0.01), (at(s) - i) / at(0.01));
          let u = 0;
          for (let h = 1; h <= harmonics; h++) u += Math.sin((2 * Math.PI * 150 * h * i) / sampleRate);
          x[v + i] += env * vAmp * u;
        }
      };
      // 1.5 s: the train (two warm-up clicks, then the four measured); from
      // 3 s the plosives, 0.8 s apart, the first while the train is still
      // within the prior's second (were it taken for a click, it would be cut)
      const warm = [at(1.5), at(1.7)];
      const train = offsets.map((off, j) => at(1.9 + 0.2 * j + off));
      train.push(train[3] + at(1.7));
      for (const c of [...warm, ...train]) addClick(c);
      const bursts = offsets.map((off, j) => at(3.0 + 0.8 * j + off));
      for (const b of bursts) {
        for (let i = 0; i < at(0.005); i++) x[b + i] += 0.1 * Math.exp(-i / (0.002 * sampleRate)) * gauss(r);
        addVowel(b + at(0.004), 0.3);
      }
      // 7 s on (2.8 s after the train): the lone releases, 1.2 s apart
      const lone = offsets.map((off, j) => at(7 + 1.2 * j + off));
      for (const c of lone) {
        addVowel(c - at(0.26), 0.2);
        addClick(c);
      }
      const y = ns.process(x);
      const d = ns.delaySamples;
      const ratioDb = (from: number, ms: number) => db(power(y.subarray(from + d, from + d + at(ms / 1000))) / power(x.subarray(from, from + at(ms / 1000))));
      for (const c of warm) expect(Math.abs(ratioDb(c, 2))).toBeLessThan(1); // the prior's cost: an episode's first two pass
      for (const c of train) expect(ratioDb(c, 2)).toBeLessThan(-10);
      for (const b of bursts) expect(Math.abs(ratioDb(b, 10))).toBeLessThan(1);
      for (const c of lone) expect(Math.abs(ratioDb(c, 2))).toBeLessThan(1);
      expect(ns.stats().transients).toBe(train.length);
      ns.close();
    });
  }

  for (const sampleRate of RATES) {
    it(`${sampleRate} Hz: a voiced phrase without pauses keeps its harmonics; a steady buzz is learnt as noise`, () => {
      // Both 20-24 dB over the noise.  The phrase voices the same low
      // harmonics for 3 s, longer than the tracker's ~1 s minimum window,
      // so the minimum rises to the voice; its harmonics must not become
      // noise (a suppressor that keeps the sound passes its power within a
      // dB).  The buzz never changes: after 7 s it is noise (the floor is
      // -22.5 dB; at least 15 dB removed).
      const d = sampleRate / 100;
      const measure = (kind: 'phrase' | 'buzz', from: number) => {
        const { sig, x } = voiced(kind, sampleRate);
        const ns = kit.createNoiseSuppressor({ sampleRate });
        const y = ns.process(x);
        ns.close();
        const a = from * sampleRate, b = x.length - d;
        return db(power(y.subarray(a + d, b + d)) / power(sig.subarray(a, b)));
      };
      expect(Math.abs(measure('phrase', 2.5))).toBeLessThan(1);
      expect(measure('buzz', 8)).toBeLessThan(-15);
    });

    it(`${sampleRate} Hz: a voiced phrase without pauses keeps its weak harmonics above 1 kHz`, () => {
      // 2.5 s of voicing from 1 s on (longer than the tracker's ~1 s minimum
      // window, shorter than the guard's 3 s limit): pitch 200 Hz with a 2 %
      // vibrato, harmonics of amplitude 0.05 / h up to 3.5 kHz, syllables
      // swelling and fading at 3.5 Hz between 0.1 and 1 of full level, over
      // white noise of RMS 0.003.  Inside the phrase the minimum rises to
      // the syllables' quiet parts; the harmonics above 1 kHz there must not
      // become noise.  Each harmonic's SNR in its 50 Hz bin follows from the
      // construction (a sine of amplitude a in a 20 ms sqrt-Hann window of N
      // samples: |X|^2 = (a N / pi)^2 against the noise's sigma^2 N / 2), so
      // a gain that knew it (Wiener, xi / (1 + xi)) would lose 0.87 / 0.48 /
      // 0.17 dB of them in the syllables' quiet halves (level <= 0.5) at 8 /
      // 16 / 48 kHz.  Measured there, from 2.2 s on, as the output's
      // component along those harmonics: within 2 dB of that loss.  With the
      // guard on harmonics below 1 kHz only (before session 7) they lost
      // 3.4-3.7 dB.
      const r = rng(9);
      const n = sampleRate / 100, len = 3.5 * sampleRate, start = sampleRate, sigma = 0.003, f0 = 200;
      const x = Float32Array.from({ length: len }, () => sigma * gauss(r));
      const hi = new Float32Array(len);
      const lvl = (i: number) => 0.55 + 0.45 * Math.sin((2 * Math.PI * 3.5 * (i - start)) / sampleRate);
      let ph = 0;
      for (let i = start; i < len; i++) {
        ph += (2 * Math.PI * f0 * (1 + 0.02 * Math.sin((2 * Math.PI * 5 * (i - start)) / sampleRate))) / sampleRate;
        let v = 0, w = 0;
        for (let h = 1; h * f0 * 1.11 < 3500; h++) {
          const s = Math.sin(h * ph) / h;
          v += s;
          if (h * f0 > 1110) w += s;
        }
        x[i] += 0.05 * lvl(i) * v;
        hi[i] = 0.05 * lvl(i) * w;
      }
      const ns = kit.createNoiseSuppressor({ sampleRate });
      const y = ns.process(x);
      ns.close();
      let num = 0, den = 0, wnum = 0, wden = 0;
      for (let i = Math.round(2.2 * sampleRate); i < len - n; i++) {
        const e = lvl(i);
        if (e > 0.5) continue;
        num += y[i + n] * hi[i];
        den += hi[i] * hi[i];
        for (let h = 1; h * f0 * 1.11 < 3500; h++) {
          if (h * f0 <= 1110) continue;
          const a = (0.05 * e) / h, xi = (2 * a * a * 2 * n) / (Math.PI * Math.PI * sigma * sigma);
          wnum += (a * a * xi) / (1 + xi);
          wden += a * a;
        }
      }
      const lossDb = -20 * Math.log10(num / den);
      const wienerDb = -20 * Math.log10(wnum / wden);
      expect(wienerDb).toBeCloseTo({ 8000: 0.87, 16000: 0.48, 48000: 0.17 }[sampleRate], 1);
      expect(lossDb).toBeGreaterThan(0);
      expect(lossDb).toBeLessThan(wienerDb + 2);
    });
  }

  for (const sampleRate of RATES) {
    it(`${sampleRate} Hz: short gliding syllables 15 dB over the noise lose little more than a Wiener gain of their SNR`, () => {
      // 60 ms voiced syllables (20 ms rise and fall), pitch 110-180 Hz
      // gliding by +-25 % within each, equal harmonics up to 3.5 kHz, 150 ms
      // apart, over white noise.  Each harmonic is built to stand 15 dB over
      // the noise in its 50 Hz bin (syllableLoss, below).  A gain that knew
      // that SNR (Wiener: the amplitude gain xi / (1 + xi), xi = 10^1.5)
      // would lose 0.27 dB of them.  Speech moves, and an a priori SNR that
      // follows the last frame lags it: with the decision-directed estimate
      // alone (before session 6) the syllables lost 1.9-2.0 dB at each rate
      // (now 1.5-1.6).  Within 1.5 dB of the Wiener loss.
      const { lossDb, wienerDb } = syllableLoss(sampleRate, 15, 0.06, 3500, 6);
      expect(wienerDb).toBeCloseTo(0.27, 2);
      expect(lossDb).toBeGreaterThan(0);
      expect(lossDb).toBeLessThan(wienerDb + 1.5);
    });

    it(`${sampleRate} Hz: a low voice's murmurs that the speech decision misses keep their one loud harmonic`, () => {
      // The same construction with one harmonic only (110-180 Hz, +-25 %
      // glide), 40 ms long (20 ms rise and fall), 18 dB over the noise in
      // its bin: a low voice's nasal murmur, whose energy lies below 300 Hz.
      // It raises at most 3-4 of the 79 bins (100 Hz - 4 kHz) the speech
      // decision counts (its bin and the window's neighbours), so most of
      // its frames are called pauses (the decision wants 10 %; noise alone
      // gives 5 %).  A Wiener gain of its SNR would
      // lose 0.14 dB.  Before session 7 a pause frame's a priori SNR was
      // the decision-directed estimate alone, from the last, floored
      // frame: the murmurs lost 2.8-3.1 dB.  A bin 10 dB over the noise
      // estimate (noise alone: e^-10 of its bins) now takes the two-step
      // estimate in pauses too: 1.7-2.0 dB (1.4-1.7 with session 8's
      // learned presence estimate).  Within 2.3 dB of the Wiener loss.  20 s of them (100 murmurs), since the loss of so few bins
      // varies with the noise.
      const { lossDb, wienerDb } = syllableLoss(sampleRate, 18, 0.04, 250, 20);
      expect(wienerDb).toBeCloseTo(0.14, 2);
      expect(lossDb).toBeGreaterThan(0);
      expect(lossDb).toBeLessThan(wienerDb + 2.3);
    });

    it(`${sampleRate} Hz: a low voice's weak syllables keep their low harmonics (the learned presence estimate)`, () => {
      // 100 ms syllables of a low voice: harmonics of 110-180 Hz (+-25 %
      // glide) up to 600 Hz only, each 10 dB over the noise in its bin, so
      // that they raise too few of the 79 counted bins above 4.8 dB for the
      // count rule to call their frames speech, and those frames got the
      // pause floor.  A Wiener gain of their SNR would lose 0.83 dB.  With
      // the count alone they lost 4.3-4.6 dB (3.4-3.7 dB over the Wiener
      // loss, session 8, before NS_LEARNED); the learned estimate calls
      // most of those frames speech and they get the speech floor below
      // 1 kHz: 3.5-3.7 dB.  Within 3.2 dB of the Wiener loss.
      const { lossDb, wienerDb } = syllableLoss(sampleRate, 10, 0.1, 600, 10);
      expect(wienerDb).toBeCloseTo(0.83, 2);
      expect(lossDb).toBeGreaterThan(0);
      expect(lossDb).toBeLessThan(wienerDb + 3.2);
    });

    it(`${sampleRate} Hz: a brown noise alone keeps its removal (the learned estimate's extra frames need a pitch peak)`, () => {
      // The learned presence estimate (session 8) calls some pause frames
      // of a stationary noise speech; its extra frames kept the speech
      // floor below 1 kHz, where a brown noise's power lies, and this noise
      // alone lost 17.5 / 17.0 / 17.0 dB at 8 / 16 / 48 kHz (a -DNS_LOWSEL=0
      // build) against session 7's 18.4 / 18.0 / 18.0 (-DNS_LEARNED=0):
      // about 1 dB, as the low-passed noise of session 8's periodicity-cue
      // test showed.  Since session 9 (NS_LOWSEL) those frames keep it only
      // where the voicing test's best lag is a peak; a brown noise's
      // autocorrelation falls from lag 0 on and peaks at the shortest lag,
      // so they no longer do.  The noise alone must keep session 7's removal
      // within 0.5 dB, half of what those frames cost it.
      const session7 = { 8000: 18.43, 16000: 18.03, 48000: 18.04 }[sampleRate];
      expect(-brownAlone(sampleRate)).toBeGreaterThan(session7 - 0.5);
    });

    it(`${sampleRate} Hz: a white noise alone loses no hangover to lone speech frames`, () => {
      // The frame count calls a frame speech when over a tenth of its bins
      // stand 4.8 dB over the noise estimate; noise alone puts 5 % of them
      // there, and ~6 % of its frames pass by chance, one at a time.  Each
      // was followed by VAD_HANG frames of hangover at the speech floor;
      // with them this noise lost 17.26 / 17.37 / 17.84 dB at 8 / 16 /
      // 48 kHz (a -DHANG_RUN=1 build, session 9's rule).  Since session 10
      // the hangover follows only two speech frames in a row (HANG_RUN):
      // 18.19 / 18.42 / 18.84 dB.  The bound is session 9's figure plus
      // 0.5 dB, half of what the lone frames' hangover cost.
      const session9 = { 8000: 17.26, 16000: 17.37, 48000: 17.84 }[sampleRate];
      expect(-noiseAloneDb(sampleRate, 0)).toBeGreaterThan(session9 + 0.5);
    });

    // 8 kHz has no band above 4 kHz: the high band's decision (HF_FLOOR) is off there.
    if (sampleRate >= 16000) {
      it(`${sampleRate} Hz: fricatives with nothing below 4 kHz keep the speech frame's floor (the high band's own decision)`, () => {
        // 100 ms hisses (4-7 kHz, 20 ms rise and fall) 5 dB over white
        // noise in their band, one every 400 ms.  The frame's speech
        // decision counts bins from 100 Hz to 4 kHz and calls them pauses
        // (as it did a fresh talker's fricatives, docs/ns.md "Session 9:
        // fresh talkers in white noise"), and they got the pause floor:
        // 8.2 / 8.7 dB lost at 16 / 48 kHz (a -DHF_FLOOR=0 build), 5.8-6.3 dB
        // over what a Wiener gain of their SNR loses (2.39 dB).  The band
        // from 3 kHz has its own count since session 9 and gives them the
        // speech floor: 6.1 / 6.4 dB.  Within 4.5 dB of the Wiener loss.
        const { lossDb, wienerDb } = fricativeLoss(sampleRate, 5);
        expect(wienerDb).toBeCloseTo(2.39, 2);
        expect(lossDb).toBeGreaterThan(0);
        expect(lossDb).toBeLessThan(wienerDb + 4.5);
      });
    }
  }

  /**
   * Crowd `seed` (crowdOf, `len` samples) at RMS 0.01 through a suppressor at
   * its defaults: the input x, the output y and the delay d.
   */
  function crowdThrough(sampleRate: NsSampleRate, len: number, seed: number) {
    const c = crowdOf(speechAt(sampleRate), len, seed);
    const g = 0.01 / Math.sqrt(power(c));
    const x = c.map((v) => v * g);
    const ns = kit.createNoiseSuppressor({ sampleRate });
    const y = ns.process(x);
    const d = ns.delaySamples;
    ns.close();
    return { x, y, d };
  }

  /**
   * The mixture x through a suppressor at its defaults; the loss (dB) of the
   * clean sig over the spans, as the output's component along it (the
   * noise is uncorrelated with it), the frame of delay taken out.
   */
  function lossAlong(sampleRate: NsSampleRate, x: Float32Array, sig: Float32Array, spans: [number, number][]): number {
    const n = sampleRate / 100;
    const ns = kit.createNoiseSuppressor({ sampleRate });
    const y = ns.process(x);
    ns.close();
    let num = 0, den = 0;
    for (const [a, b] of spans) {
      for (let i = a; i < b; i++) {
        num += y[i + n] * sig[i];
        den += sig[i] * sig[i];
      }
    }
    return -20 * Math.log10(num / den);
  }

  /**
   * Fricative-like hisses over 10 s of white noise of RMS 0.01 (seeded): one
   * every 400 ms from 1 s on, 100 ms long with 20 ms rise and fall, each a
   * sum of equal sines every 25 Hz from 4 to 7 kHz with seeded phases, built
   * to stand `snrDb` over the noise in that band (the noise's power there
   * is sigma^2 3000 / (rate / 2)).  Their loss is the output's component
   * along the clean hisses, as in syllableLoss; wienerDb is what a Wiener
   * gain that knew the SNR would lose.
   */
  function fricativeLoss(sampleRate: NsSampleRate, snrDb: number) {
    const r = rng(5);
    const n = sampleRate / 100, len = 10 * sampleRate, sigma = 0.01;
    const x = Float32Array.from({ length: len }, () => sigma * gauss(r));
    const sig = new Float32Array(len);
    const freqs: number[] = [];
    for (let f = 4000; f <= 7000; f += 25) freqs.push(f);
    const snr = 10 ** (snrDb / 10);
    const amp = Math.sqrt((2 * snr * sigma * sigma * (3000 / (sampleRate / 2))) / freqs.length);
    const dur = Math.round(0.1 * sampleRate), per = Math.round(0.4 * sampleRate), ramp = 0.02 * sampleRate;
    const spans: [number, number][] = [];
    for (let t0 = sampleRate; t0 + per < len - n; t0 += per) {
      const ph = freqs.map(() => 2 * Math.PI * r());
      for (let i = 0; i < dur; i++) {
        const env = Math.min(1, i / ramp, (dur - i) / ramp);
        let v = 0;
        for (let j = 0; j < freqs.length; j++) v += Math.sin((2 * Math.PI * freqs[j] * i) / sampleRate + ph[j]);
        sig[t0 + i] = amp * env * v;
        x[t0 + i] += sig[t0 + i];
      }
      spans.push([t0, t0 + dur]);
    }
    return { lossDb: lossAlong(sampleRate, x, sig, spans), wienerDb: -20 * Math.log10(snr / (1 + snr)) };
  }

  /**
   * The output's power over the input's (dB, negative: the noise removed)
   * after the first second of 20 s of a noise alone at RMS 0.01 (-40 dBFS,
   * seeded): white noise through a leaky integrator with its corner at
   * cornerHz (brown: 20 Hz as the evaluation corpus's, -6 dB/octave above
   * it), or white noise itself when cornerHz is 0.
   */
  function noiseAloneDb(sampleRate: NsSampleRate, cornerHz: number): number {
    const r = rng(7);
    const len = 20 * sampleRate, n = sampleRate / 100, a = cornerHz > 0 ? Math.exp((-2 * Math.PI * cornerHz) / sampleRate) : 0;
    let s = 0;
    const x = Float32Array.from({ length: len }, () => (s = a * s + gauss(r)));
    const g = 0.01 / Math.sqrt(power(x));
    for (let i = 0; i < len; i++) x[i] *= g;
    const ns = kit.createNoiseSuppressor({ sampleRate });
    const y = ns.process(x);
    ns.close();
    let pi = 0, po = 0;
    for (let i = sampleRate; i < len - n; i++) {
      pi += x[i] * x[i];
      po += y[i + n] * y[i + n];
    }
    return 10 * Math.log10(po / pi);
  }
  const brownAlone = (sampleRate: NsSampleRate) => noiseAloneDb(sampleRate, 20);

  /**
   * Voiced syllables over `seconds` of white noise of RMS 0.01 (seeded),
   * one every `sylS` + 150 ms from 1 s on: pitch 110-180 Hz gliding by
   * +-25 % within each, 20 ms rise and fall, equal harmonics h f0 while
   * h f0 1.25 < `topHz`, each built to stand `snrDb` over the noise in its
   * 50 Hz bin (a
   * sine of amplitude A in a 20 ms sqrt-Hann window of N samples:
   * |X|^2 = (A N / pi)^2 against the noise's sigma^2 N / 2).  Their loss is
   * measured as the output's component along the clean syllables (the
   * noise is uncorrelated with them); wienerDb is what a Wiener gain that
   * knew the SNR would lose.
   */
  function syllableLoss(sampleRate: NsSampleRate, snrDb: number, sylS: number, topHz: number, seconds: number) {
    const r = rng(5);
    const n = sampleRate / 100, len = seconds * sampleRate, sigma = 0.01;
    const x = Float32Array.from({ length: len }, () => sigma * gauss(r));
    const sig = new Float32Array(len);
    const snr = 10 ** (snrDb / 10);
    const amp = Math.sqrt((snr * sigma * sigma * (2 * n)) / 2) * (Math.PI / (2 * n));
    const f0s = [110, 150, 130, 170, 120, 160, 140, 180, 115, 155];
    const syl = Math.round(sylS * sampleRate), gap = Math.round(0.15 * sampleRate), ramp = 0.02 * sampleRate;
    const spans: [number, number][] = [];
    for (let t0 = sampleRate, k = 0; t0 + syl + gap < len - n; t0 += syl + gap, k++) {
      const f0 = f0s[k % f0s.length], dir = k % 2 ? -1 : 1;
      let ph = 0;
      for (let i = 0; i < syl; i++) {
        ph += (2 * Math.PI * f0 * (1 + 0.5 * dir * (i / syl - 0.5))) / sampleRate;
        const env = Math.min(1, i / ramp, (syl - i) / ramp);
        let v = 0;
        for (let h = 1; h * f0 * 1.25 < topHz; h++) v += Math.sin(h * ph);
        sig[t0 + i] = amp * env * v;
        x[t0 + i] += sig[t0 + i];
      }
      spans.push([t0, t0 + syl]);
    }
    return { lossDb: lossAlong(sampleRate, x, sig, spans), wienerDb: -10 * Math.log10(snr / (1 + snr)) * 2 };
  }

  it('NaN and infinite samples are sanitised without poisoning later frames', () => {
    const a = kit.createNoiseSuppressor({ sampleRate: 16000 });
    const b = kit.createNoiseSuppressor({ sampleRate: 16000 });
    const r = rng(3);
    const sig = Float32Array.from({ length: 16000 }, () => 0.05 * gauss(r));
    const bad = sig.slice();
    for (let i = 3200; i < 3360; i++) bad[i] = i % 3 === 0 ? NaN : i % 3 === 1 ? Infinity : -Infinity;
    const zeroed = bad.map((v) => (Number.isFinite(v) ? v : 0));
    const ya = a.process(bad);
    const yb = b.process(zeroed);
    expect(ya.every(Number.isFinite)).toBe(true);
    // Sanitising means: exactly as if those samples had been 0.
    expect(Array.from(ya)).toEqual(Array.from(yb));
    expect(a.stats().sanitizedSamples).toBe(160);
    // Later frames carry signal, not silence or garbage.
    expect(power(ya.subarray(8000))).toBeGreaterThan(0);
    // Huge finite values are clamped too, and the state recovers.
    const huge = new Float32Array(160).fill(3e38);
    a.process(huge);
    const tail = a.process(sig.slice(0, 1600));
    expect(tail.every(Number.isFinite)).toBe(true);
    a.close();
    b.close();
  });

  it('Int16 and Float32 paths agree; in place and out buffers work', () => {
    const r = rng(5);
    const f = Float32Array.from({ length: 4800 }, () => 0.05 * gauss(r));
    const i16 = Int16Array.from(f, (v) => Math.round(v * 32768));
    const f2 = Float32Array.from(i16, (v) => v / 32768);
    const a = kit.createNoiseSuppressor({ sampleRate: 48000 });
    const b = kit.createNoiseSuppressor({ sampleRate: 48000 });
    const yf = a.process(f2);
    const inPlace = i16.slice();
    const yi = b.process(inPlace, inPlace);
    expect(yi).toBe(inPlace);
    let maxd = 0;
    for (let i = 0; i < yf.length; i++) maxd = Math.max(maxd, Math.abs(yf[i] * 32768 - yi[i]));
    expect(maxd).toBeLessThanOrEqual(1);
    const big = new Float32Array(1000);
    const view = a.process(new Float32Array(480), big);
    expect(view.length).toBe(480);
    expect(view.buffer).toBe(big.buffer);
    a.reset();
    expect(a.stats().frames).toBe(0);
    a.close();
    b.close();
  });

  it('bad options and lengths give typed errors; use after close fails', () => {
    const bad = [{}, { sampleRate: 44100 }, { sampleRate: 16000, strength: 1.5 }, { sampleRate: 16000, strength: NaN },
      { sampleRate: 16000, transientSuppression: 'yes' }];
    for (const o of bad) {
      expect(() => kit.createNoiseSuppressor(o as never)).toThrow(VoipKitError);
      try { kit.createNoiseSuppressor(o as never); } catch (e) { expect((e as VoipKitError).code).toBe('invalid_argument'); }
    }
    expect(() => kit.createNoiseSuppressor(undefined as never)).toThrow(VoipKitError);
    const ns = kit.createNoiseSuppressor({ sampleRate: 8000, strength: 0.8, transientSuppression: false });
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as VoipKitError).code; } return 'none'; };
    expect(code(() => ns.process(new Int16Array(79)))).toBe('invalid_argument');
    expect(code(() => ns.process(new Int16Array(0)))).toBe('invalid_argument');
    expect(code(() => ns.process(new Float64Array(80) as never))).toBe('invalid_argument');
    expect(code(() => ns.process(new Int16Array(80), new Float32Array(80) as never))).toBe('invalid_argument');
    expect(code(() => ns.process(new Int16Array(160), new Int16Array(80)))).toBe('invalid_argument');
    const buf = new Int16Array(400);
    expect(code(() => ns.process(buf.subarray(0, 160), buf.subarray(80, 240)))).toBe('invalid_argument');
    expect(code(() => { ns.strength = -0.1; })).toBe('invalid_argument');
    ns.strength = 0.2;
    expect(ns.strength).toBe(0.2);
    expect(ns.stats().gainFloorDb).toBeCloseTo(-9, 3);
    ns.close();
    ns.close();
    expect(ns.closed).toBe(true);
    expect(code(() => ns.process(new Int16Array(80)))).toBe('closed');
    expect(code(() => ns.stats())).toBe('closed');
    expect(code(() => ns.reset())).toBe('closed');
  });
});
