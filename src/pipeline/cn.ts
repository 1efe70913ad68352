/**
 * RFC 3389 comfort noise for codecs without their own (G.711): the payload
 * format, analysis and generation (C core), a simple energy VAD, and the
 * discontinuous-transmission decision of when to send a SID.
 *
 * Payload (RFC 3389 §3):
 *
 * ```
 *  0 1 2 3 4 5 6 7   byte 1 .. p
 * +-+-+-+-+-+-+-+-+ +-+-+-+-+-+-+-+-+
 * |0|   level     | | N1 | N2 | ... |     level: noise level, −level dBov
 * +-+-+-+-+-+-+-+-+ +-+-+-+-+-+-+-+-+     Ni: reflection coefficient ki = (Ni − 127) / 128
 * ```
 *
 * 0 dBov is the RMS of a full-scale square wave (32768 in 16-bit PCM), the
 * convention ffmpeg's comfortnoise codec uses too.
 */
import type { Backend, Handle } from '../backend/types.js';
import { PacketError, check, invalidArg } from '../errors.js';
import { CoreResource } from '../resource.js';
import { finiteArg, objectArg, optionsArg, typedArrayArg } from '../guard.js';

/** Highest model order analysis produces (the core's VK_CN_MAX_ORDER). */
export const CN_MAX_ORDER = 16;

export interface ComfortNoiseParams {
  /** Noise level L, 0..127: the noise is at −L dBov (127: silence). */
  level: number;
  /** Reflection coefficients k1..kp, each in [−0.992, 0.992]. May be empty. */
  reflection: number[];
}

/** Parse a CN payload. @throws PacketError `bad_length` when empty. */
export function parseComfortNoise(payload: Uint8Array): ComfortNoiseParams {
  payload = typedArrayArg(payload, Uint8Array, 'parseComfortNoise: payload');
  if (payload.length < 1) throw new PacketError('bad_length', 'CN payload must hold at least the noise-level byte');
  const reflection: number[] = [];
  for (let i = 1; i < payload.length; i++) reflection.push((Math.min(payload[i], 254) - 127) / 128);
  return { level: payload[0] & 0x7f, reflection };
}

/** Build a CN payload (coefficients are quantized to the nearest step). */
export function buildComfortNoise(p: ComfortNoiseParams): Uint8Array {
  objectArg(p, 'buildComfortNoise: params');
  if (!Array.isArray(p.reflection)) invalidArg('CN: reflection must be an array of coefficients (may be empty)');
  if (!Number.isInteger(p.level) || p.level < 0 || p.level > 127) invalidArg(`CN: level must be an integer 0..127 (−dBov), got ${p.level}`);
  const out = new Uint8Array(1 + p.reflection.length);
  out[0] = p.level;
  p.reflection.forEach((k, i) => {
    if (!(k >= -1 && k <= 1)) invalidArg(`CN: reflection coefficient ${i + 1} must be in [-1, 1], got ${k}`);
    out[i + 1] = Math.max(0, Math.min(254, Math.round(k * 128 + 127)));
  });
  return out;
}

/** Level of a frame in dBov (0 dBov = RMS 32768), −Infinity for digital silence. */
export function levelDbov(pcm: Int16Array): number {
  pcm = typedArrayArg(pcm, Int16Array, 'levelDbov: pcm');
  let e = 0;
  for (let i = 0; i < pcm.length; i++) e += pcm[i] * pcm[i];
  return pcm.length ? 10 * Math.log10(e / pcm.length / (32768 * 32768)) : -Infinity;
}

/** Analyse a (silent) frame into a CN payload: level + `order` coefficients. */
export function analyzeComfortNoise(backend: Backend['cng'], pcm: Int16Array, order = 10): Uint8Array {
  pcm = typedArrayArg(pcm, Int16Array, 'analyzeComfortNoise: pcm');
  if (pcm.length === 0) invalidArg('analyzeComfortNoise: pcm must not be empty');
  if (!Number.isInteger(order) || order < 0 || order > CN_MAX_ORDER) invalidArg(`analyzeComfortNoise: order must be an integer 0..${CN_MAX_ORDER}, got ${order}`);
  const out = new Uint8Array(1 + order);
  check(backend.analyze(pcm, order, out), 'analyzeComfortNoise');
  return out;
}

export interface ComfortNoiseGeneratorOptions {
  /** Seed of the noise sequence (32-bit). Default 1. */
  seed?: number;
}

/**
 * Plays comfort noise on receive: update() with each received CN payload,
 * generate() as many samples as the playout needs. Before the first update
 * it generates silence. The level moves to a new SID's over 80 samples.
 */
export class ComfortNoiseGenerator extends CoreResource {
  readonly #b: Backend['cng'];

  /** @internal use kit.createComfortNoiseGenerator() */
  constructor(backend: Backend['cng'], options?: ComfortNoiseGeneratorOptions) {
    options = optionsArg(options, 'createComfortNoiseGenerator: options');
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) invalidArg(`createComfortNoiseGenerator: seed must be a 32-bit unsigned integer, got ${seed}`);
    const h = backend.create(seed);
    if (typeof h === 'number') check(h, 'createComfortNoiseGenerator');
    super(h as Handle, (x) => backend.destroy(x), 'ComfortNoiseGenerator');
    this.#b = backend;
  }

  /** Take the parameters of a received CN payload. @throws PacketError `bad_length` for an empty payload. */
  update(payload: Uint8Array): void {
    payload = typedArrayArg(payload, Uint8Array, 'ComfortNoiseGenerator.update: payload');
    if (payload.length < 1) throw new PacketError('bad_length', 'CN payload must hold at least the noise-level byte');
    check(this.#b.update(this.handle, payload), 'ComfortNoiseGenerator.update');
  }

  /** `n` samples of comfort noise (or fill `out`). */
  generate(n: number): Int16Array;
  generate(out: Int16Array): Int16Array;
  generate(arg: number | Int16Array): Int16Array {
    let out: Int16Array;
    if (typeof arg === 'number') {
      if (!Number.isInteger(arg) || arg < 0 || arg > 1 << 24) invalidArg(`ComfortNoiseGenerator.generate: n must be an integer 0..16777216, got ${arg}`);
      out = new Int16Array(arg);
    } else out = typedArrayArg(arg, Int16Array, 'ComfortNoiseGenerator.generate: out');
    if (out.length) check(this.#b.generate(this.handle, out), 'ComfortNoiseGenerator.generate');
    return out;
  }
}

export interface EnergyVadOptions {
  /** Speech when the frame is this many dB above the tracked noise floor. Default 9. */
  marginDb?: number;
  /** Frames below this level (dBov) are never speech. Default −55. */
  floorDbov?: number;
  /** Frames of speech kept after the level drops (hangover). Default 10 (200 ms of 20 ms frames). */
  hangoverFrames?: number;
}

/**
 * A simple energy voice-activity detector: it tracks the noise floor (fast
 * down, slow up: +0.5 dB per frame at most) and calls a frame speech when
 * it is `marginDb` above the floor and above `floorDbov`, holding the
 * decision for `hangoverFrames` frames after the last loud one.
 */
export class EnergyVad {
  readonly marginDb: number;
  readonly floorDbov: number;
  readonly hangoverFrames: number;
  #noise = NaN;
  #hang = 0;

  constructor(options?: EnergyVadOptions) {
    options = optionsArg(options, 'EnergyVad: options');
    if (options.marginDb !== undefined) finiteArg(options.marginDb, 'EnergyVad: options.marginDb');
    if (options.floorDbov !== undefined) finiteArg(options.floorDbov, 'EnergyVad: options.floorDbov');
    this.marginDb = options.marginDb ?? 9;
    this.floorDbov = options.floorDbov ?? -55;
    this.hangoverFrames = options.hangoverFrames ?? 10;
    if (!(this.marginDb >= 0 && this.marginDb <= 60)) invalidArg(`EnergyVad: marginDb must be in 0..60, got ${this.marginDb}`);
    if (!(this.floorDbov >= -127 && this.floorDbov <= 0)) invalidArg(`EnergyVad: floorDbov must be in -127..0, got ${this.floorDbov}`);
    if (!Number.isInteger(this.hangoverFrames) || this.hangoverFrames < 0 || this.hangoverFrames > 1000) invalidArg(`EnergyVad: hangoverFrames must be an integer 0..1000, got ${this.hangoverFrames}`);
  }

  /** The current noise-floor estimate, dBov (NaN before the first frame). */
  get noiseFloorDbov(): number {
    return this.#noise;
  }

  /** Classify one frame. */
  process(pcm: Int16Array): { speech: boolean; levelDbov: number } {
    pcm = typedArrayArg(pcm, Int16Array, 'EnergyVad.process: pcm');
    if (pcm.length === 0) invalidArg('EnergyVad.process: pcm must not be empty');
    const level = Math.max(levelDbov(pcm), -127);
    if (Number.isNaN(this.#noise)) this.#noise = level;
    else if (level < this.#noise) this.#noise = level;
    else this.#noise = Math.min(level, this.#noise + 0.5);
    const loud = level > this.floorDbov && level > this.#noise + this.marginDb;
    let speech = loud;
    if (loud) this.#hang = this.hangoverFrames;
    else if (this.#hang > 0) {
      this.#hang--;
      speech = true;
    }
    return { speech, levelDbov: level };
  }
}

export interface DtxOptions extends EnergyVadOptions {
  /** Model order of the SIDs. Default 10. */
  order?: number;
  /** Resend a SID at least this often during silence, in frames. Default 10 (200 ms). */
  sidIntervalFrames?: number;
  /** Resend earlier when the level moves by this many dB. Default 3. */
  levelChangeDb?: number;
}

/**
 * Decides, frame by frame, what a G.711 sender with DTX transmits: the
 * audio ('speech'), a CN payload ('sid': at the start of silence, every
 * `sidIntervalFrames`, or when the noise level moves), or nothing.
 */
export class DtxController extends CoreResource {
  readonly vad: EnergyVad;
  readonly order: number;
  readonly sidIntervalFrames: number;
  readonly levelChangeDb: number;
  readonly #b: Backend['cng'];
  #sinceSid = Infinity;
  #lastLevel = NaN;

  /** @internal use kit.createDtx() */
  constructor(backend: Backend['cng'], options?: DtxOptions) {
    options = optionsArg(options, 'createDtx: options');
    // No core memory of its own: a CoreResource for the uniform close() / `closed` contract.
    super({}, () => {}, 'DtxController');
    this.#b = backend;
    this.vad = new EnergyVad(options);
    this.order = options.order ?? 10;
    this.sidIntervalFrames = options.sidIntervalFrames ?? 10;
    this.levelChangeDb = options.levelChangeDb ?? 3;
    if (!Number.isInteger(this.order) || this.order < 0 || this.order > CN_MAX_ORDER) invalidArg(`DTX: order must be an integer 0..${CN_MAX_ORDER}, got ${this.order}`);
    if (!Number.isInteger(this.sidIntervalFrames) || this.sidIntervalFrames < 1) invalidArg(`DTX: sidIntervalFrames must be a positive integer, got ${this.sidIntervalFrames}`);
  }

  /** Decide for one frame. @throws VoipKitError `invalid_argument` for a non-Int16Array or empty frame, `closed`. */
  process(pcm: Int16Array): { kind: 'speech' } | { kind: 'sid'; payload: Uint8Array } | { kind: 'none' } {
    void this.handle; // throws `closed` after close()
    pcm = typedArrayArg(pcm, Int16Array, 'DtxController.process: pcm');
    if (pcm.length === 0) invalidArg('DtxController.process: pcm must not be empty');
    const v = this.vad.process(pcm);
    if (v.speech) {
      this.#sinceSid = Infinity;
      return { kind: 'speech' };
    }
    this.#sinceSid++;
    if (this.#sinceSid >= this.sidIntervalFrames || Math.abs(v.levelDbov - this.#lastLevel) >= this.levelChangeDb || Number.isNaN(this.#lastLevel)) {
      this.#sinceSid = 0;
      this.#lastLevel = v.levelDbov;
      return { kind: 'sid', payload: analyzeComfortNoise(this.#b, pcm, this.order) };
    }
    return { kind: 'none' };
  }
}
