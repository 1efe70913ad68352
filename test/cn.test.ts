import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { ffmpegComfortNoisePayloads, ffmpegReceive, hasFfmpeg } from './helpers/ffmpeg.js';
import { rtpPacket } from './helpers/pcap.js';
import { buildComfortNoise, levelDbov, parseComfortNoise, EnergyVad, type VoipKit } from '../src/index.js';

/** Deterministic noise: white, or low-passed (one pole at `pole`), scaled to `rms`. */
function noise(n: number, rms: number, pole = 0, seed = 1): Int16Array {
  let s = seed >>> 0;
  const x = new Float64Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const w = s / 2 ** 32 - 0.5;
    y = pole * y + w;
    x[i] = y;
  }
  const cur = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / n);
  return Int16Array.from(x, (v) => Math.round((v * rms) / cur));
}

/** Energy below 1 kHz over energy above 2 kHz at 8 kHz, dB (a crude spectral tilt). */
function tiltDb(x: Int16Array): number {
  // Goertzel-free: average periodogram over 256-sample blocks via a DFT of a few bins.
  let low = 0, high = 0;
  const N = 256;
  for (let b = 0; b + N <= x.length; b += N) {
    for (let k = 1; k < N / 2; k++) {
      let re = 0, im = 0;
      for (let i = 0; i < N; i++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N);
        re += w * x[b + i] * Math.cos((2 * Math.PI * k * i) / N);
        im -= w * x[b + i] * Math.sin((2 * Math.PI * k * i) / N);
      }
      const f = (k * 8000) / N;
      if (f < 1000) low += re * re + im * im;
      else if (f > 2000) high += re * re + im * im;
    }
  }
  return 10 * Math.log10(low / high);
}

const rmsToDbov = (r: number) => 20 * Math.log10(r / 32768);

describe('RFC 3389 CN payload', () => {
  it('level byte and reflection coefficients as in RFC 3389 §3', () => {
    expect(Array.from(buildComfortNoise({ level: 42, reflection: [-0.8, 0, 0.5] }))).toEqual([42, Math.round(-0.8 * 128 + 127), 127, 191]);
    const p = parseComfortNoise(Uint8Array.of(0x80 | 60, 0, 127, 255));
    expect(p.level).toBe(60); // the unused MSB is ignored
    expect(p.reflection).toEqual([-127 / 128, 0, 127 / 128]);
    expect(() => parseComfortNoise(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'bad_length' }));
    expect(() => buildComfortNoise({ level: 128, reflection: [] })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe.each(BACKENDS)('comfort noise on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.features.cng).toBe(backend);
  });

  it('analysis: the level is the frame RMS in -dBov; reflection coefficients describe the spectrum', () => {
    for (const rms of [3000, 300, 30]) {
      const x = noise(640, rms);
      const p = kit.analyzeComfortNoise(x, 10);
      expect(p.length).toBe(11);
      expect(p[0]).toBe(Math.round(-rmsToDbov(rms)));
    }
    // white noise: k ~ 0; low-passed noise: k1 strongly negative
    expect(Math.abs(parseComfortNoise(kit.analyzeComfortNoise(noise(640, 1000), 4)).reflection[0])).toBeLessThan(0.15);
    expect(parseComfortNoise(kit.analyzeComfortNoise(noise(640, 1000, 0.9), 4)).reflection[0]).toBeLessThan(-0.6);
    expect(kit.analyzeComfortNoise(new Int16Array(160), 0)).toEqual(Uint8Array.of(127));
  });

  it('generation: output level matches the SID level, the spectrum follows the coefficients, silence before the first SID', () => {
    const g = kit.createComfortNoiseGenerator({ seed: 7 });
    expect(Array.from(g.generate(160)).every((v) => v === 0)).toBe(true);
    for (const level of [20, 40, 60]) {
      g.update(Uint8Array.of(level));
      const y = g.generate(8000).subarray(400);
      expect(levelDbov(y)).toBeGreaterThan(-level - 0.5);
      expect(levelDbov(y)).toBeLessThan(-level + 0.5);
    }
    const src = noise(8000, 1500, 0.9, 3);
    g.update(kit.analyzeComfortNoise(src.subarray(0, 1600), 10));
    const y = g.generate(8000).subarray(400);
    expect(Math.abs(levelDbov(y) - levelDbov(src))).toBeLessThan(1);
    expect(Math.abs(tiltDb(y) - tiltDb(src))).toBeLessThan(3);
    expect(tiltDb(src)).toBeGreaterThan(10); // the check above is about a real tilt
    g.close();
    expect(() => g.generate(10)).toThrow(expect.objectContaining({ code: 'closed' }));
  });

  it('VAD and DTX: speech while the tone lasts (plus hangover), SIDs at the start of silence and every 10 frames', () => {
    const dtx = kit.createDtx();
    const frames: Int16Array[] = [];
    const bg = noise(8000 * 3, 100, 0.5, 9); // about -50 dBov
    for (let f = 0; f < 150; f++) {
      const x = bg.slice(f * 160, f * 160 + 160);
      if (f >= 50 && f < 80) for (let i = 0; i < 160; i++) x[i] += Math.round(6000 * Math.sin((2 * Math.PI * 440 * (f * 160 + i)) / 8000));
      frames.push(x);
    }
    const kinds = frames.map((x) => dtx.process(x).kind);
    expect(kinds.slice(50, 80).every((k) => k === 'speech')).toBe(true);
    expect(kinds.slice(80, 90).every((k) => k === 'speech')).toBe(true); // 200 ms hangover
    expect(kinds[90]).toBe('sid');
    expect(kinds[0]).toBe('sid');
    expect(kinds.slice(0, 50).filter((k) => k === 'sid').length).toBe(5);
    expect(kinds.slice(0, 50).filter((k) => k === 'speech').length).toBe(0);
    expect(() => new EnergyVad({ hangoverFrames: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe.each(BACKENDS)('comfort noise interop with ffmpeg (%s)', (backend) => {
  const ff = hasFfmpeg();
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it.skipIf(!ff)('voipkit analysis agrees with ffmpeg\'s comfortnoise encoder on the same frames', () => {
    const src = noise(6400, 800, 0.8, 5);
    const theirs = ffmpegComfortNoisePayloads(src);
    expect(theirs.length).toBeGreaterThanOrEqual(9);
    for (let f = 0; f < 9; f++) {
      const mine = kit.analyzeComfortNoise(src.subarray(f * 640, f * 640 + 640), 10);
      expect(Math.abs(mine[0] - theirs[f][0]), `frame ${f}: ${mine} vs ${theirs[f]}`).toBeLessThanOrEqual(1);
      const k1 = parseComfortNoise(mine).reflection[0], t1 = parseComfortNoise(theirs[f]).reflection[0];
      expect(Math.abs(k1 - t1), `frame ${f} k1`).toBeLessThan(0.08);
    }
  });

  it.skipIf(!ff)('voipkit plays ffmpeg\'s SIDs at the source level and tilt; ffmpeg plays voipkit\'s SIDs as it plays its own (RTP, PT 13)', async () => {
    const src = noise(8000, 800, 0.8, 11);
    const theirs = ffmpegComfortNoisePayloads(src);
    const g = kit.createComfortNoiseGenerator();
    g.update(theirs[2]);
    const y = g.generate(8000).subarray(400);
    g.close();
    // the SID describes frame 2 (samples 1280..1919): its level, within the
    // byte's 1 dB step plus the estimation spread of 7600 random samples
    expect(Math.abs(levelDbov(y) - levelDbov(src.subarray(1280, 1920)))).toBeLessThan(1.5);
    expect(Math.abs(tiltDb(y) - tiltDb(src))).toBeLessThan(3);

    const mine = kit.analyzeComfortNoise(src.subarray(1280, 1920), 10);
    const sdp = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cn\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio PORT RTP/AVP 13\r\na=rtpmap:13 CN/8000\r\n';
    const play = async (payload: Uint8Array) => {
      const packets = Array.from({ length: 12 }, (_, i) => ({
        atMs: i * 20,
        data: rtpPacket({ payloadType: 13, sequenceNumber: 7000 + i, timestamp: 90000 + i * 160, ssrc: 99, marker: i === 0, payload }),
      }));
      // ffmpeg's CN decoder writes 640 samples per packet, but its clock
      // advances by the RTP timestamps: 12 packets = 0.24 s.
      return ffmpegReceive({ sdp, packets, rate: 8000, ssrc: 99, durationSec: 0.2, inputArgs: ['-c:a', 'comfortnoise'] });
    };
    const [a, b] = await Promise.all([play(mine), play(theirs[2])]);
    expect(a.length).toBeGreaterThan(3000);
    expect(Math.abs(levelDbov(a.subarray(640)) - levelDbov(b.subarray(640)))).toBeLessThan(1.5);
    expect(Math.abs(tiltDb(a) - tiltDb(b))).toBeLessThan(3);
  });
});
