/**
 * In-band FEC vs concealment on a stream with 10 % loss (seeded, i.i.d.).
 * Receiver A conceals every lost packet; receiver B recovers a lost packet
 * from the FEC of the next one when that one arrived (decodeFec), and
 * conceals otherwise.  Both decode the received packets normally.
 * Measure, against the source at the encoder's delay: SNR over the lost
 * frames (where the receivers differ), SNR over the whole signal, and
 * segmental SNR (20 ms segments with speech, each clamped to [-10, 35] dB,
 * averaged).  Reproduce with SEED=<n>.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { speech48k, downsample, prng, concat16, snrAt } from './helpers/audio.js';
import { inspectOpusPacket, type VoipKit } from '../src/index.js';

const SEED = Number(process.env.SEED ?? 7);
const LOSS = 0.1;

/** SNR over the lost frames only (where the two receivers differ). */
function lostSnr(src: Int16Array, out: Int16Array, lag: number, frame: number, lost: boolean[]): number {
  let p = 0;
  let e = 0;
  lost.forEach((l, k) => {
    if (!l) return;
    for (let i = k * frame - lag; i < (k + 1) * frame - lag; i++) {
      if (i < 0 || i >= src.length) continue;
      p += src[i] * src[i];
      e += (src[i] - out[i + lag]) ** 2;
    }
  });
  return 10 * Math.log10(p / (e || 1e-9));
}

function segSnr(src: Int16Array, out: Int16Array, lag: number, seg: number): number {
  let sum = 0;
  let n = 0;
  for (let at = seg; at + seg + lag <= out.length && at + seg <= src.length; at += seg) {
    let p = 0;
    let e = 0;
    for (let i = at; i < at + seg; i++) {
      p += src[i] * src[i];
      e += (src[i] - out[i + lag]) ** 2;
    }
    if (p < seg * 100) continue; // skip silence
    sum += Math.min(35, Math.max(-10, 10 * Math.log10(p / (e || 1e-9))));
    n++;
  }
  return sum / n;
}

describe.each(BACKENDS)('Opus FEC on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  for (const rate of [16000, 48000] as const) {
    it(`10 % loss at ${rate} Hz: FEC recovery beats concealment alone (seed ${SEED})`, () => {
      const src = downsample(speech48k(), 48000, rate);
      const frame = rate / 50;
      const enc = kit.createOpusEncoder({ sampleRate: rate, application: 'voip', bitrate: rate === 16000 ? 24000 : 32000, fec: true, packetLossPercent: 10 });
      const packets: Uint8Array[] = [];
      for (let at = 0; at + frame <= src.length; at += frame) packets.push(enc.encode(src.subarray(at, at + frame)));
      const lag = enc.lookahead;
      enc.close();
      const withFec = packets.filter((p) => inspectOpusPacket(p).fec).length;
      expect(withFec / packets.length).toBeGreaterThan(0.5);

      const rnd = prng(SEED);
      const lost = packets.map((_, i) => i > 0 && rnd() < LOSS);
      const a = kit.createOpusDecoder({ sampleRate: rate });
      const b = kit.createOpusDecoder({ sampleRate: rate });
      const outA: Int16Array[] = [];
      const outB: Int16Array[] = [];
      let recovered = 0;
      for (let i = 0; i < packets.length; i++) {
        if (!lost[i]) {
          outA.push(a.decode(packets[i]) as Int16Array);
          outB.push(b.decode(packets[i]) as Int16Array);
          continue;
        }
        outA.push(a.decode(null) as Int16Array);
        const next = packets[i + 1];
        if (next && !lost[i + 1]) {
          outB.push(b.decodeFec(next) as Int16Array);
          recovered++;
        } else {
          outB.push(b.decode(null) as Int16Array);
        }
      }
      const pa = concat16(outA);
      const pb = concat16(outB);
      const losses = lost.filter(Boolean).length;
      const r = {
        plc: { snr: snrAt(src, pa, lag, frame * 5), seg: segSnr(src, pa, lag, frame), lost: lostSnr(src, pa, lag, frame, lost) },
        fec: { snr: snrAt(src, pb, lag, frame * 5), seg: segSnr(src, pb, lag, frame), lost: lostSnr(src, pb, lag, frame, lost) },
      };
      console.log(
        `[${backend}] ${rate} Hz, seed ${SEED}: ${losses}/${packets.length} lost, ${recovered} from FEC (${withFec} packets carry FEC); ` +
          `PLC only: SNR ${r.plc.snr.toFixed(2)} dB, segSNR ${r.plc.seg.toFixed(2)} dB, SNR of the lost frames ${r.plc.lost.toFixed(2)} dB; ` +
          `with FEC: SNR ${r.fec.snr.toFixed(2)} dB, segSNR ${r.fec.seg.toFixed(2)} dB, SNR of the lost frames ${r.fec.lost.toFixed(2)} dB` +
          (b.canDecodeFec ? '' : ' (opusscript cannot decode FEC: decodeFec conceals)'),
      );
      expect(losses / packets.length).toBeGreaterThan(0.06);
      // kit.features says the same as the decoder: libopus decodes FEC, opusscript cannot.
      expect(b.canDecodeFec).toBe(kit.features.opusFec);
      expect(kit.features.opusFec).toBe(kit.features.opus === 'native');
      if (b.canDecodeFec) {
        // Gains over seeds 3, 7, 11, 12345: 1.7-3.6 dB on the lost frames, 0.4-2.6 dB overall
        // (at 48 kHz the stream is hybrid: FEC carries the SILK band only, the rest is concealed).
        expect(r.fec.lost).toBeGreaterThan(r.plc.lost + 1);
        expect(r.fec.snr).toBeGreaterThan(r.plc.snr + 0.2);
        expect(r.fec.seg).toBeGreaterThan(r.plc.seg + 0.2);
      } else {
        // opusscript (the WASM build's Opus) cannot decode FEC: its module
        // has no decode_fec path left (docs/opus.md, "In-band FEC").
        // decodeFec must then be exactly concealment, which this checks.
        expect(backend).toBe('wasm');
        expect(Array.from(pb)).toEqual(Array.from(pa));
      }
      a.close();
      b.close();
    });
  }

  it('decodeFec of a packet without FEC conceals, and durations follow the options', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 48000, application: 'audio', bitrate: 96000 });
    const src = new Int16Array(960 * 10).map((_, i) => Math.round(5000 * Math.sin(i / 7)));
    const pk: Uint8Array[] = [];
    for (let at = 0; at < src.length; at += 960) pk.push(enc.encode(src.subarray(at, at + 960)));
    expect(inspectOpusPacket(pk[9]).mode).toBe('celt');
    expect(inspectOpusPacket(pk[9]).fec).toBe(false);
    const a = kit.createOpusDecoder({ sampleRate: 48000 });
    const b = kit.createOpusDecoder({ sampleRate: 48000 });
    for (let i = 0; i < 8; i++) {
      a.decode(pk[i]);
      b.decode(pk[i]);
    }
    expect(Array.from(a.decodeFec(pk[9]))).toEqual(Array.from(b.conceal(20)));
    expect(a.decodeFec(pk[9], undefined, { durationMs: 40 }).length).toBe(1920);
    expect(() => a.decodeFec(new Uint8Array([(31 << 3) | 1, 1, 2, 3]))).toThrow(expect.objectContaining({ code: 'corrupt' }));
    expect(() => a.decodeFec(null as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    a.close();
    b.close();
    enc.close();
  });
});
