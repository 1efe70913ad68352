/**
 * The E-model (ITU-T G.107) against published values.  Pure TypeScript: no
 * core, so nothing to run per backend.
 */
import { describe, expect, it } from 'vitest';
import { eModel, mosFromR, delayImpairmentIdd, effectiveEquipmentImpairment, codecImpairment, burstRatio, G107_DEFAULTS } from '../src/sim/emodel.js';

describe('E-model, ITU-T G.107', () => {
  it('the Table 3 default values give R = 93.2 (G.107 §7.7), Ro 94.77 and Is 1.41', () => {
    const r = eModel();
    expect(r.R).toBeCloseTo(93.2, 1);
    expect(r.Ro).toBeCloseTo(94.77, 2);
    expect(r.Is).toBeCloseTo(1.41, 2);
    expect(r.Idd).toBe(0);
    expect(r.IeEff).toBe(0);
  });

  it('R → MOS follows G.107 Annex B, matching the R/MOS pairs of ITU-T G.109 Table 1', () => {
    // G.109 Table 1: lower limits of R with their MOS (CQE)
    for (const [R, mos] of [
      [90, 4.34],
      [80, 4.03],
      [70, 3.6],
      [60, 3.1],
      [50, 2.58],
    ]) {
      expect(Math.abs(mosFromR(R) - mos), `R ${R}`).toBeLessThan(0.0101);
    }
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(100)).toBeCloseTo(4.5, 9);
    expect(mosFromR(120)).toBe(4.5);
    expect(eModel().MOS).toBeCloseTo(4.41, 2);
  });

  it('Idd is 0 up to mT = 100 ms and follows G.107 §7.4 beyond: X = log2(Ta/mT)', () => {
    expect(delayImpairmentIdd(100)).toBe(0);
    expect(delayImpairmentIdd(50)).toBe(0);
    // Ta = 200 ms: X = 1, Idd = 25·((1+1)^(1/6) − 3·(1+(1/3)^6)^(1/6) + 2)
    const want = 25 * (Math.pow(2, 1 / 6) - 3 * Math.pow(1 + Math.pow(1 / 3, 6), 1 / 6) + 2);
    expect(delayImpairmentIdd(200)).toBeCloseTo(want, 12);
    // Ta = 800 ms: X = 3
    expect(delayImpairmentIdd(800)).toBeCloseTo(25 * (Math.pow(1 + 729, 1 / 6) - 3 * Math.pow(2, 1 / 6) + 2), 12);
    // a less delay-sensitive use (sT 0.4, mT 150) is impaired less
    expect(delayImpairmentIdd(400, 0.4, 150)).toBeLessThan(delayImpairmentIdd(400));
  });

  it('delay impairment with T = Ta, Tr = 2·Ta tracks Cole & Rosenbluth\'s fit of G.107 within 1 R point up to 300 ms', () => {
    // R. G. Cole, J. H. Rosenbluth, "Voice over IP performance monitoring", ACM SIGCOMM CCR 31(2), 2001:
    // Id ≈ 0.024·Ta + 0.11·(Ta − 177.3)·H(Ta − 177.3), fitted to the G.107 curves for default parameters.
    for (let Ta = 0; Ta <= 300; Ta += 10) {
      const full = eModel({ Ta, T: Ta, Tr: 2 * Ta }).R;
      const fit = 93.2 - (0.024 * Ta + 0.11 * Math.max(0, Ta - 177.3));
      expect(Math.abs(full - fit), `Ta ${Ta}: G.107 R ${full}, fit ${fit}`).toBeLessThan(1);
    }
  });

  it('Ie,eff with G.113 Appendix I values: 1 % random loss costs G.711+PLC about 3.6 points, G.711 without PLC about 18', () => {
    const plc = codecImpairment('pcmu', true);
    const noplc = codecImpairment('pcma', false);
    expect([plc.Ie, plc.Bpl]).toEqual([0, 25.1]);
    expect([noplc.Ie, noplc.Bpl]).toEqual([0, 4.3]);
    expect(effectiveEquipmentImpairment(plc.Ie, plc.Bpl, 1)).toBeCloseTo((95 * 1) / 26.1, 9);
    expect(effectiveEquipmentImpairment(noplc.Ie, noplc.Bpl, 1)).toBeCloseTo((95 * 1) / 5.3, 9);
    expect(eModel({ Ie: 0, Bpl: 25.1, Ppl: 1 }).R).toBeCloseTo(93.2 - 3.64, 1);
    // bursty loss hurts more at the same Ppl
    expect(eModel({ Bpl: 25.1, Ppl: 5, BurstR: 2 }).R).toBeLessThan(eModel({ Bpl: 25.1, Ppl: 5, BurstR: 1 }).R);
  });

  it('Opus values are those published for narrowband Opus (Alahmadi, Počta & Melvin, ACM TOMM 17(4):133, 2021), named with their source', () => {
    const at = (bps: number) => {
      const v = codecImpairment('opus', true, { bitrateBps: bps });
      return [v.Ie, v.Bpl];
    };
    // VBR, random loss: 6, 7, 8, 9 kbit/s
    expect(at(6000)).toEqual([23.0, 24.56]);
    expect(at(7000)).toEqual([21.26, 22.46]);
    expect(at(8000)).toEqual([16.02, 20.26]);
    expect(at(9000)).toEqual([11.74, 18.91]);
    // between measured rates: the lower rate's (larger) impairment
    expect(at(8999)).toEqual([16.02, 20.26]);
    // above the VBR range: the CBR value at the same rate, up to 11 kbit/s
    expect(at(10000)).toEqual([6.2, 15.33]);
    expect(at(11000)).toEqual([2.03, 15.95]);
    expect(at(64000)).toEqual([2.03, 15.95]);
    expect(codecImpairment('opus', true, { bitrateBps: 8000 }).source).toMatch(/^Alahmadi, Počta & Melvin, ACM TOMM 17\(4\):133, 2021 .*VBR 8 kbit\/s: Ie 16\.02, Bpl 20\.26/);
    expect(codecImpairment('opus').source).toMatch(/CBR 11 kbit\/s .* upper bound/);
    expect(() => codecImpairment('opus', true, { bitrateBps: 5999 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('burst ratio: 1 for random loss, 1/(p+q) for a 2-state pattern', () => {
    expect(burstRatio([false, true, false, true, false, false, true, false])).toBe(1);
    // alternating runs: 3 lost, 3 received → p = 1/3, q = 1/3 → BurstR 1.5
    const pat = Array.from({ length: 600 }, (_, i) => Math.floor(i / 3) % 2 === 1);
    expect(burstRatio(pat)).toBeCloseTo(1.5, 1);
    expect(burstRatio([false, false])).toBe(1);
  });

  it('bad parameters are refused with invalid_argument', () => {
    for (const bad of [{ Ppl: 101 }, { Ppl: -1 }, { BurstR: 0.5 }, { Bpl: 0 }, { Ta: -1 }, { Ta: NaN }, { nope: 1 } as never]) {
      expect(() => eModel(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
    expect(() => codecImpairment('g729')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(Object.isFrozen(G107_DEFAULTS)).toBe(true);
  });
});
