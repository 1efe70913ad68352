/**
 * The E-model of ITU-T G.107 (06/2015): transmission rating R and the MOS
 * estimate of its Annex B.
 *
 *   R = Ro − Is − Id − Ie,eff + A
 *
 * Every term is computed as G.107 §7 gives it, from the parameters of its
 * Table 3 (whose defaults give R = 93.2): Ro from the noise sum No; Is from
 * Iolr, Ist and Iq; Id = Idte + Idle + Idd with the full Idd formula for
 * Ta > mT (delay sensitivity sT and minimum perceivable delay mT, defaults 1
 * and 100 ms); Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl).
 *
 * Codec values ({@link CODEC_IMPAIRMENTS}) name their source.
 */
import { VoipKitError } from '../errors.js';

/** G.107 input parameters. Units: dB (loudness ratings, levels in dBm0/dB(A)), ms (times), percent (Ppl). */
export interface EModelParams {
  /** Send loudness rating, dB. Default 8. */
  SLR: number;
  /** Receive loudness rating, dB. Default 2. */
  RLR: number;
  /** Sidetone masking rating, dB. Default 15. */
  STMR: number;
  /** Listener sidetone rating, dB. Default 18. */
  LSTR: number;
  /** D-value of telephone, send side. Default 3. */
  Ds: number;
  /** D-value of telephone, receive side. Default 3. */
  Dr: number;
  /** Talker echo loudness rating, dB. Default 65. */
  TELR: number;
  /** Weighted echo path loss, dB. Default 110. */
  WEPL: number;
  /** Mean one-way delay of the echo path, ms. Default 0. */
  T: number;
  /** Round-trip delay in a 4-wire loop, ms. Default 0. */
  Tr: number;
  /** Absolute (mouth-to-ear) delay, ms. Default 0. */
  Ta: number;
  /** Number of quantizing distortion units. Default 1. */
  qdu: number;
  /** Equipment impairment factor. Default 0. */
  Ie: number;
  /** Packet-loss robustness factor. Default 4.3 (G.711 without PLC, G.113 Appendix I). */
  Bpl: number;
  /** Random packet-loss probability, percent. Default 0. */
  Ppl: number;
  /** Burst ratio (1 for random loss). Default 1. */
  BurstR: number;
  /** Circuit noise referred to the 0 dBr point, dBm0p. Default −70. */
  Nc: number;
  /** Noise floor at the receive side, dBmp. Default −64. */
  Nfor: number;
  /** Room noise at the send side, dB(A). Default 35. */
  Ps: number;
  /** Room noise at the receive side, dB(A). Default 35. */
  Pr: number;
  /** Advantage factor. Default 0. */
  A: number;
  /** Delay sensitivity. Default 1. */
  sT: number;
  /** Minimum perceivable delay, ms. Default 100. */
  mT: number;
}

/** G.107 (06/2015) Table 3 default values. */
export const G107_DEFAULTS: Readonly<EModelParams> = Object.freeze({
  SLR: 8,
  RLR: 2,
  STMR: 15,
  LSTR: 18,
  Ds: 3,
  Dr: 3,
  TELR: 65,
  WEPL: 110,
  T: 0,
  Tr: 0,
  Ta: 0,
  qdu: 1,
  Ie: 0,
  Bpl: 4.3,
  Ppl: 0,
  BurstR: 1,
  Nc: -70,
  Nfor: -64,
  Ps: 35,
  Pr: 35,
  A: 0,
  sT: 1,
  mT: 100,
});

/** R and its terms. */
export interface EModelResult {
  R: number;
  /** MOS (conversational quality, estimated) from R, G.107 Annex B. */
  MOS: number;
  Ro: number;
  Is: number;
  Id: number;
  Idte: number;
  Idle: number;
  Idd: number;
  IeEff: number;
  A: number;
}

const lg = Math.log10;

/** Idd of G.107 §7.4: 0 up to mT, then the sT-shaped curve. Ta in ms. */
export function delayImpairmentIdd(Ta: number, sT = 1, mT = 100): number {
  if (Ta <= mT) return 0;
  const X = lg(Ta / mT) / lg(2);
  const e = 6 * sT;
  return 25 * (Math.pow(1 + Math.pow(X, e), 1 / e) - 3 * Math.pow(1 + Math.pow(X / 3, e), 1 / e) + 2);
}

/** Ie,eff of G.107 §7.5: equipment impairment under packet loss (Ppl in percent). */
export function effectiveEquipmentImpairment(Ie: number, Bpl: number, Ppl: number, BurstR = 1): number {
  return Ie + ((95 - Ie) * Ppl) / (Ppl / BurstR + Bpl);
}

/** MOS from R, G.107 Annex B (B.4). */
export function mosFromR(R: number): number {
  if (R < 0) return 1;
  if (R > 100) return 4.5;
  return 1 + 0.035 * R + R * (R - 60) * (100 - R) * 7e-6;
}

/**
 * Compute R and MOS.
 * @param params any subset of the G.107 parameters; the rest take Table 3 defaults.
 * @throws VoipKitError `invalid_argument` for a non-finite parameter, Ppl outside [0, 100], BurstR < 1 or Bpl ≤ 0.
 */
export function eModel(params: Partial<EModelParams> = {}): EModelResult {
  const p: EModelParams = { ...G107_DEFAULTS };
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (!(k in G107_DEFAULTS)) throw new VoipKitError('invalid_argument', `unknown E-model parameter ${k}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new VoipKitError('invalid_argument', `E-model parameter ${k} must be a finite number, got ${v}`);
    (p as unknown as Record<string, number>)[k] = v;
  }
  if (p.Ppl < 0 || p.Ppl > 100) throw new VoipKitError('invalid_argument', `Ppl must be a percentage in [0, 100], got ${p.Ppl}`);
  if (p.BurstR < 1) throw new VoipKitError('invalid_argument', `BurstR must be at least 1, got ${p.BurstR}`);
  if (p.Bpl <= 0) throw new VoipKitError('invalid_argument', `Bpl must be positive, got ${p.Bpl}`);
  if (p.Ta < 0 || p.T < 0 || p.Tr < 0) throw new VoipKitError('invalid_argument', 'delays Ta, T and Tr must not be negative');
  if (p.qdu < 1) throw new VoipKitError('invalid_argument', `qdu must be at least 1, got ${p.qdu}`);

  // §7.2 basic signal-to-noise ratio
  const OLR = p.SLR + p.RLR;
  const Nfo = p.Nfor + p.RLR;
  const Pre = p.Pr + 10 * lg(1 + Math.pow(10, (10 - p.LSTR) / 10));
  const Nor = p.RLR - 121 + Pre + 0.008 * (Pre - 35) ** 2;
  const Nos = p.Ps - p.SLR - p.Ds - 100 + 0.004 * (p.Ps - OLR - p.Ds - 14) ** 2;
  const No = 10 * lg(Math.pow(10, p.Nc / 10) + Math.pow(10, Nos / 10) + Math.pow(10, Nor / 10) + Math.pow(10, Nfo / 10));
  const Ro = 15 - 1.5 * (p.SLR + No);

  // §7.3 simultaneous impairment
  const Xolr = OLR + 0.2 * (64 + No - p.RLR);
  const Iolr = 20 * (Math.pow(1 + Math.pow(Xolr / 8, 8), 1 / 8) - Xolr / 8);
  const STMRo = -10 * lg(Math.pow(10, -p.STMR / 10) + Math.exp(-p.T / 4) * Math.pow(10, -p.TELR / 10));
  const Ist =
    12 * Math.pow(1 + Math.pow((STMRo - 13) / 6, 8), 1 / 8) -
    28 * Math.pow(1 + Math.pow((STMRo + 1) / 19.4, 35), 1 / 35) -
    13 * Math.pow(1 + Math.pow((STMRo - 3) / 33, 13), 1 / 13) +
    29;
  const Q = 37 - 15 * lg(p.qdu);
  const G = 1.07 + 0.258 * Q + 0.0602 * Q * Q;
  const Z = 46 / 30 - G / 40;
  const Y = (Ro - 100) / 15 + 46 / 8.4 - G / 9;
  const Iq = 15 * lg(1 + Math.pow(10, Y) + Math.pow(10, Z));
  const Is = Iolr + Ist + Iq;

  // §7.4 delay impairment
  const Roe = -1.5 * (No - p.RLR);
  let TERV = p.TELR - 40 * lg((1 + p.T / 10) / (1 + p.T / 150)) + 6 * Math.exp(-0.3 * p.T * p.T);
  if (p.STMR < 9) TERV += Ist / 2; // low sidetone: TERVs replaces TERV
  const Re = 80 + 2.5 * (TERV - 14);
  const Idte = ((Roe - Re) / 2 + Math.sqrt((Roe - Re) ** 2 / 4 + 100) - 1) * (1 - Math.exp(-p.T));
  const Rle = 10.5 * (p.WEPL + 7) * Math.pow(p.Tr + 1, -0.25);
  const Idle = (Ro - Rle) / 2 + Math.sqrt((Ro - Rle) ** 2 / 4 + 169);
  const Idd = delayImpairmentIdd(p.Ta, p.sT, p.mT);
  const Id = Idte + Idle + Idd;

  // §7.5 equipment impairment under packet loss
  const IeEff = effectiveEquipmentImpairment(p.Ie, p.Bpl, p.Ppl, p.BurstR);

  const R = Ro - Is - Id - IeEff + p.A;
  return { R, MOS: mosFromR(R), Ro, Is, Id, Idte, Idle, Idd, IeEff, A: p.A };
}

/** A codec's E-model values with where they come from. */
export interface CodecImpairment {
  Ie: number;
  Bpl: number;
  source: string;
}

/**
 * Ie and Bpl per codec.  G.711 values are ITU-T's (G.113 Appendix I).  ITU-T
 * has no Opus entry; Opus values come from {@link opusImpairment}.
 */
export const CODEC_IMPAIRMENTS: Readonly<Record<string, CodecImpairment>> = Object.freeze({
  'g711-plc': { Ie: 0, Bpl: 25.1, source: 'ITU-T G.113 Appendix I (G.711 with the packet loss concealment of G.711 Appendix I, random loss): Ie 0, Bpl 25.1' },
  'g711-noplc': { Ie: 0, Bpl: 4.3, source: 'ITU-T G.113 Appendix I (G.711 without packet loss concealment, random loss): Ie 0, Bpl 4.3' },
});

/**
 * Narrowband Opus (SILK mode, 20 ms frames), E-model values measured by
 * M. Alahmadi, P. Počta and H. Melvin, "An Adaptive Bitrate Switching
 * Algorithm for Speech Applications in Context of WebRTC", ACM TOMM 17(4),
 * Article 133, 2021 (doi:10.1145/3458751); Bpl under random loss.  Figures as
 * published in the authors' companion tables
 * (github.com/mohaoahmadi/Opus_Codec_Quality_Evaluation): kbit/s → [Ie, Bpl].
 */
export const OPUS_NB_VALUES: Readonly<{ vbr: Readonly<Record<number, readonly [number, number]>>; cbr: Readonly<Record<number, readonly [number, number]>> }> = Object.freeze({
  vbr: Object.freeze({ 6: [23.0, 24.56], 7: [21.26, 22.46], 8: [16.02, 20.26], 9: [11.74, 18.91] } as const),
  cbr: Object.freeze({ 6: [46.27, 8.94], 7: [31.73, 18.18], 8: [19.25, 15.13], 9: [13.21, 17.24], 10: [6.2, 15.33], 11: [2.03, 15.95] } as const),
});

/**
 * E-model values of narrowband Opus at a target bitrate (the encoder in its
 * default VBR mode), from {@link OPUS_NB_VALUES}: the published VBR value at
 * the bitrate rounded down to a measured one (6..9 kbit/s; Ie falls as the
 * rate grows in every row, so rounding down errs on the pessimistic side).
 * Above 9 kbit/s, where no VBR value was published, the CBR value at the same
 * rounded-down rate (up to 11 kbit/s, the highest measured) stands in: CBR at
 * a given mean rate is taken to be no better than VBR, so this too bounds the
 * impairment from above.  Measured without in-band FEC.
 * @param bitrateBps target bitrate, bit/s, at least 6000.
 */
export function opusImpairment(bitrateBps: number): CodecImpairment {
  if (!(bitrateBps >= 6000)) throw new VoipKitError('invalid_argument', `no E-model values for Opus below 6 kbit/s, got ${bitrateBps} bit/s`);
  const k = Math.floor(bitrateBps / 1000);
  const ref = 'Alahmadi, Počta & Melvin, ACM TOMM 17(4):133, 2021 (narrowband Opus, Bpl under random loss)';
  if (k <= 9) {
    const [Ie, Bpl] = OPUS_NB_VALUES.vbr[k];
    return { Ie, Bpl, source: `${ref}: VBR ${k} kbit/s: Ie ${Ie}, Bpl ${Bpl}${bitrateBps % 1000 ? ` (the rate rounded down to a measured one)` : ''}; measured without in-band FEC` };
  }
  const c = Math.min(11, k);
  const [Ie, Bpl] = OPUS_NB_VALUES.cbr[c];
  return {
    Ie,
    Bpl,
    source: `${ref}: no VBR value above 9 kbit/s; CBR ${c} kbit/s (Ie ${Ie}, Bpl ${Bpl}) stands in for VBR at ${(bitrateBps / 1000).toFixed(1)} kbit/s as an upper bound of its impairment; measured without in-band FEC`,
  };
}

/**
 * The impairment entry for a codec name (pcmu / pcma / opus) and whether the
 * receiver conceals losses; Opus needs its target bitrate (bit/s, default 20000).
 */
export function codecImpairment(codec: string, plc = true, opts: { bitrateBps?: number } = {}): CodecImpairment {
  if (codec === 'pcmu' || codec === 'pcma' || codec === 'g711') return CODEC_IMPAIRMENTS[plc ? 'g711-plc' : 'g711-noplc'];
  if (codec === 'opus') return opusImpairment(opts.bitrateBps ?? 20000);
  throw new VoipKitError('invalid_argument', `no E-model values for codec ${JSON.stringify(codec)} (pcmu, pcma or opus)`);
}

/**
 * G.107's burst ratio from a loss pattern, through the 2-state Markov fit
 * G.107 §7.5 gives: BurstR = 1/(p + q), with p the probability that a packet
 * is lost after a received one and q that a packet is received after a lost
 * one.  1 for random loss, above 1 for bursty loss.  Returns 1 when there is
 * no loss (or no recovery) to measure.
 * @param lost one entry per packet in sending order, true when lost.
 */
export function burstRatio(lost: ArrayLike<boolean>): number {
  let found = 0;
  let foundToLost = 0;
  let lostN = 0;
  let lostToFound = 0;
  for (let i = 1; i < lost.length; i++) {
    if (lost[i - 1]) {
      lostN++;
      if (!lost[i]) lostToFound++;
    } else {
      found++;
      if (lost[i]) foundToLost++;
    }
  }
  if (found === 0 || lostN === 0) return 1;
  const p = foundToLost / found;
  const q = lostToFound / lostN;
  if (p + q === 0) return 1;
  return Math.max(1, 1 / (p + q));
}
