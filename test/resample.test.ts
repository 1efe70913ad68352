import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { measureFilter, tone } from './helpers/tones.js';
import type { VoipKit, ResampleRate } from '../src/index.js';

const RATES: ResampleRate[] = [8000, 16000, 24000, 48000];
const PAIRS: Array<[ResampleRate, ResampleRate]> = [];
for (const i of RATES) for (const o of RATES) if (i !== o) PAIRS.push([i, o]);

/**
 * The figures docs/resample.md states, per quality (measured with the tone
 * method of test/helpers/tones.ts; every ratio must meet them).
 *   ripple: max - min gain over 0.02..0.75 of the lower Nyquist frequency
 *   bandwidth: -3 dB point, fraction of the lower Nyquist frequency
 *   stopband: aliases / images at >= 1.05 of the lower Nyquist frequency
 */
const SPEC: Record<number, { rippleDb: number; bandwidth: number; stopbandDb: number }> = {
  3: { rippleDb: 0.001, bandwidth: 0.87, stopbandDb: 84 },
  5: { rippleDb: 0.0001, bandwidth: 0.9, stopbandDb: 104 },
};

describe.each(BACKENDS)('Resampler on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.features.resample).toBe(backend);
  });

  function convertAll(i: ResampleRate, o: ResampleRate, q: number) {
    return (x: Float32Array): Float32Array => {
      const r = kit.createResampler({ inputRate: i, outputRate: o, quality: q });
      try {
        const a = r.process(x);
        const b = r.flush(new Float32Array(4096));
        const y = new Float32Array(a.length + b.length);
        y.set(a);
        y.set(b, a.length);
        return y;
      } finally {
        r.close();
      }
    };
  }

  for (const q of [3, 5]) {
    it(`quality ${q}: passband ripple, -3 dB bandwidth and stopband attenuation meet the stated figures on all 12 ratios`, () => {
      const spec = SPEC[q];
      for (const [i, o] of PAIRS) {
        const f = measureFilter(convertAll(i, o, q), i, o, { coarse: true });
        const where = `${i} -> ${o} q${q}: ${JSON.stringify(f)}`;
        expect(f.rippleDb, where).toBeLessThanOrEqual(spec.rippleDb);
        expect(f.bandwidth3dB, where).toBeGreaterThanOrEqual(spec.bandwidth);
        expect(f.stopbandDb, where).toBeGreaterThanOrEqual(spec.stopbandDb);
      }
    });
  }

  it('a tone sweep keeps its shape: output(n) tracks the input at time n * in / out (time-aligned, no delay)', () => {
    for (const [i, o] of PAIRS) {
      const x = tone(i / 5, 300, i, 0.5); // 200 ms at 300 Hz
      const y = convertAll(i, o, 4)(x);
      expect(y.length).toBe(Math.ceil((x.length * o) / i));
      const w = (2 * Math.PI * 300) / o;
      let worst = 0;
      for (let n = 200; n < y.length - 200; n++) worst = Math.max(worst, Math.abs(y[n] - 0.5 * Math.sin(w * n + 0.3)));
      expect(worst, `${i} -> ${o}`).toBeLessThan(1e-3);
    }
  });

  it('streams: any chunking gives the same samples as one call, and N frames give ceil(N * out / in)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [i, o] of PAIRS) {
      const x = new Float32Array(5000).map(() => rnd() - 0.5);
      const whole = convertAll(i, o, 3)(x);
      const r = kit.createResampler({ inputRate: i, outputRate: o, quality: 3 });
      const parts: Float32Array[] = [];
      for (let p = 0; p < x.length; ) {
        const n = Math.min(x.length - p, Math.floor(rnd() * 1500)); // includes 0-length calls and > one internal chunk
        const expected = r.outputFrames(n);
        const y = r.process(x.subarray(p, p + n));
        expect(y.length).toBe(expected);
        parts.push(y.slice());
        p += n;
      }
      parts.push(r.flush(new Float32Array(4096)).slice());
      r.close();
      const got = Float32Array.from(parts.flatMap((p) => Array.from(p)));
      expect(got.length).toBe(Math.ceil((x.length * o) / i));
      expect(got).toEqual(whole);
    }
  });

  it('int16 output is the float output rounded half to even and saturated, however the stream is cut', () => {
    // Four outputs at a time are converted together and leftovers one by
    // one: calls of 1..9 frames exercise both against JS's own rounding.
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const roundEven = (v: number) => {
      const f = Math.floor(v), d = v - f;
      const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
      return Math.max(-32768, Math.min(32767, r));
    };
    for (const [i, o] of PAIRS) {
      const x16 = Int16Array.from({ length: 1200 }, () => Math.round((rnd() - 0.5) * 65535)); // loud: overshoots saturate
      const rf = kit.createResampler({ inputRate: i, outputRate: o, quality: 3 });
      const yf = rf.process(Float32Array.from(x16));
      rf.close();
      const r = kit.createResampler({ inputRate: i, outputRate: o, quality: 3 });
      const parts: number[] = [];
      for (let p = 0; p < x16.length; ) {
        const n = Math.min(x16.length - p, 1 + Math.floor(rnd() * 9));
        parts.push(...r.process(x16.subarray(p, p + n)));
        p += n;
      }
      r.close();
      expect(parts.length).toBe(yf.length);
      expect(parts, `${i} -> ${o}`).toEqual(Array.from(yf, roundEven));
    }
  });

  it('int16: rounds and saturates; equal rates copy exactly', () => {
    const r = kit.createResampler({ inputRate: 8000, outputRate: 16000 });
    const loud = new Int16Array(800).map((_, n) => (n % 2 ? 32767 : -32768)); // Nyquist square: overshoots after filtering
    const y = r.process(loud);
    expect(y).toBeInstanceOf(Int16Array);
    expect(Math.max(...y)).toBeLessThanOrEqual(32767);
    expect(Math.min(...y)).toBeGreaterThanOrEqual(-32768);
    r.reset();
    const dc = r.process(new Int16Array(800).fill(1000));
    expect(Array.from(dc.subarray(100, 1500)).every((v) => v === 1000)).toBe(true);
    r.close();
    const same = kit.createResampler({ inputRate: 16000, outputRate: 16000, channels: 2 });
    const s = Int16Array.from({ length: 640 }, (_, n) => (n * 977) % 65536 - 32768);
    expect(Array.from(same.process(s))).toEqual(Array.from(s));
    expect(same.flush().length).toBe(0);
    expect(same.info.taps).toBe(0);
    same.close();
  });

  it('stereo: channels are independent and each equals the mono result', () => {
    const left = tone(4800, 1000, 48000, 0.25);
    const right = tone(4800, 3000, 48000, 0.25);
    const inter = new Float32Array(9600);
    for (let n = 0; n < 4800; n++) {
      inter[2 * n] = left[n];
      inter[2 * n + 1] = right[n];
    }
    const st = kit.createResampler({ inputRate: 48000, outputRate: 16000, channels: 2, quality: 5 });
    const y = Float32Array.from([...st.process(inter), ...st.flush(new Float32Array(2000))]);
    st.close();
    const l = convertAll(48000, 16000, 5)(left);
    const rr = convertAll(48000, 16000, 5)(right);
    expect(y.length).toBe(2 * l.length);
    for (let n = 0; n < l.length; n++) {
      expect(y[2 * n]).toBe(l[n]);
      expect(y[2 * n + 1]).toBe(rr[n]);
    }
  });

  it('reports its design and accepts caller buffers', () => {
    const r = kit.createResampler({ inputRate: 48000, outputRate: 8000, quality: 3 });
    expect(r.info.up).toBe(1);
    expect(r.info.down).toBe(6);
    expect(r.info.taps % 8).toBe(0);
    expect(r.info.taps).toBeGreaterThanOrEqual(48 * 6);
    expect(r.info.latency).toBe(r.info.taps / 2);
    const out = new Int16Array(1000).fill(-1);
    const n = r.outputFrames(960);
    const y = r.process(new Int16Array(960), out);
    expect(y.buffer).toBe(out.buffer);
    expect(y.length).toBe(n);
    expect(out[n]).toBe(-1);
    r.close();
    expect(r.closed).toBe(true);
    r.close();
  });

  it('rejects bad input with typed errors', () => {
    const r = kit.createResampler({ inputRate: 8000, outputRate: 48000, channels: 2 });
    const bad: Array<[() => unknown, string]> = [
      [() => kit.createResampler({ inputRate: 44100 as never, outputRate: 8000 }), 'invalid_argument'],
      [() => kit.createResampler({ inputRate: 8000, outputRate: 11025 as never }), 'invalid_argument'],
      [() => kit.createResampler({ inputRate: 8000, outputRate: 16000, channels: 9 }), 'invalid_argument'],
      [() => kit.createResampler({ inputRate: 8000, outputRate: 16000, quality: 11 }), 'invalid_argument'],
      [() => kit.createResampler({ inputRate: 8000, outputRate: 16000, quality: 2.5 }), 'invalid_argument'],
      [() => kit.createResampler(undefined as never), 'invalid_argument'],
      [() => r.process(new Int16Array(3)), 'invalid_argument'],
      [() => r.process(new Uint8Array(4) as never), 'invalid_argument'],
      [() => r.process(new Int16Array(320), new Int16Array(5)), 'invalid_argument'],
      [() => r.process(new Int16Array(4), new Float32Array(100) as never), 'invalid_argument'],
      [() => r.flush(new Uint8Array(100) as never), 'invalid_argument'],
      [() => r.outputFrames(-1), 'invalid_argument'],
    ];
    for (const [f, code] of bad) expect(f).toThrow(expect.objectContaining({ code }));
    r.close();
    expect(() => r.process(new Int16Array(2))).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});

describe.runIf(BACKENDS.length === 2)('Resampler: both builds', () => {
  it('native and WASM compute identical samples (same summation order in both builds)', async () => {
    const [a, b] = await Promise.all(BACKENDS.map((k) => kitFor(k)));
    let seed = 3;
    const x = Int16Array.from({ length: 4800 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 17) - 16384);
    for (const [i, o] of PAIRS) {
      const ra = a.createResampler({ inputRate: i, outputRate: o, quality: 5 });
      const rb = b.createResampler({ inputRate: i, outputRate: o, quality: 5 });
      expect(Array.from(ra.process(x)), `${i} -> ${o}`).toEqual(Array.from(rb.process(x)));
      ra.close();
      rb.close();
    }
  });
});
