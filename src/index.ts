/**
 * voipkit: a VoIP media toolkit for Node.js and the browser.
 *
 * ```ts
 * import { load } from 'voipkit';
 * const kit = await load();            // native addon if built, else WASM
 * const codes = kit.g711.encode('pcmu', pcm);
 * ```
 */
import type { Backend, BackendKind } from './backend/types.js';
import { VoipKitError } from './errors.js';
import { G711 } from './codec/g711.js';
import { SequenceTracker, type SequenceTrackerOptions } from './seq.js';
import { JitterBuffer, type JitterBufferOptions } from './jitter/jitter-buffer.js';
import { NoiseSuppressor, type NoiseSuppressorOptions } from './dsp/ns.js';
import type { WasmSource } from './backend/wasm/index.js';
import { SrtpSession, type SrtpSessionOptions } from './srtp/session.js';
import { Resampler, type ResamplerOptions } from './dsp/resample.js';
import type { OpusBackendStats, OpusProvider } from './backend/types.js';
import type { OpusscriptSource } from './backend/opusscript.js';
import { OpusEncoder, OpusDecoder, type OpusEncoderOptions, type OpusDecoderOptions } from './codec/opus.js';
import { ComfortNoiseGenerator, DtxController, analyzeComfortNoise, type ComfortNoiseGeneratorOptions, type DtxOptions } from './pipeline/cn.js';

export type BackendChoice = 'auto' | BackendKind;

export interface LoadOptions {
  /**
   * Which build serves the core. 'auto' (default) prefers the native addon
   * and falls back to WASM. The environment variable VOIPKIT_BACKEND
   * overrides this option when set.
   */
  backend?: BackendChoice;
  /** Where to get the WASM module (bytes, a compiled module, or a URL). Default: the committed wasm/dist/voipkit.wasm. */
  wasm?: WasmSource;
  /**
   * Where Opus comes from when the build has no libopus (WASM) in a runtime
   * without Node's module resolution (browsers, bundles): opusscript's glue
   * and module, `{ glue, wasm }` (docs/opus.md, "Browsers").  Default: found
   * through Node's module resolution; without it Opus is 'none'.
   */
  opusscript?: OpusscriptSource;
}

/** What serves each capability. */
export interface Features {
  /** The build serving the C core capabilities (G.711, sequence tracking, ...). */
  core: BackendKind;
  g711: BackendKind;
  seq: BackendKind;
  srtp: BackendKind;
  jitter: BackendKind;
  ns: BackendKind;
  resample: BackendKind;
  /** Opus: 'native' (system libopus in the addon), 'opusscript', or 'none' (neither available). */
  opus: OpusProvider | 'none';
  /** Whether OpusDecoder.decodeFec() decodes in-band FEC: true with libopus, false with opusscript (its build cannot; decodeFec conceals there; docs/opus.md). */
  opusFec: boolean;
  cng: BackendKind;
}

export interface VoipKit {
  /** The build that serves the C core. */
  readonly backend: BackendKind;
  readonly features: Readonly<Features>;
  /** Core version string (major.minor.patch). */
  readonly version: string;
  /** G.711 mu-law / A-law. */
  readonly g711: G711;
  /** RFC 3550 A.1 sequence tracking for one source. */
  createSequenceTracker(options?: SequenceTrackerOptions): SequenceTracker;
  /** An SRTP / SRTCP session (RFC 3711, 6188, 7714); see docs/srtp.md. @throws SrtpError invalid_argument */
  createSrtpSession(options: SrtpSessionOptions): SrtpSession;
  /** Adaptive jitter buffer with concealment and time-stretching (docs/jitter.md). */
  createJitterBuffer(options?: JitterBufferOptions): JitterBuffer;
  /** Noise suppression for 8 / 16 / 48 kHz speech, 10 ms frames (docs/ns.md). */
  createNoiseSuppressor(options: NoiseSuppressorOptions): NoiseSuppressor;
  /** A streaming resampler between 8, 16, 24 and 48 kHz (docs/resample.md). */
  createResampler(options: ResamplerOptions): Resampler;
  /** An Opus encoder (see docs/opus.md). @throws VoipKitError `unsupported` when features.opus is 'none'. */
  createOpusEncoder(options: OpusEncoderOptions): OpusEncoder;
  /** An Opus decoder with concealment and FEC recovery. */
  createOpusDecoder(options: OpusDecoderOptions): OpusDecoder;
  /** Live Opus objects (and opusscript module instances / heap bytes). */
  opusStats(): OpusBackendStats;
  /** RFC 3389: analyse a silent frame into a CN payload (level + `order` reflection coefficients, default 10). */
  analyzeComfortNoise(pcm: Int16Array, order?: number): Uint8Array;
  /** RFC 3389: a comfort-noise generator for the receive side. */
  createComfortNoiseGenerator(options?: ComfortNoiseGeneratorOptions): ComfortNoiseGenerator;
  /** Energy VAD + the decision of when a G.711 sender sends a SID. */
  createDtx(options?: DtxOptions): DtxController;
}

function envChoice(): BackendChoice | undefined {
  const v = typeof process !== 'undefined' ? process.env?.VOIPKIT_BACKEND : undefined;
  if (v === undefined || v === '') return undefined;
  if (v === 'auto' || v === 'native' || v === 'wasm') return v;
  throw new VoipKitError('invalid_argument', `VOIPKIT_BACKEND must be auto, native or wasm, got ${JSON.stringify(v)}`);
}

async function loadBackend(choice: BackendChoice, options: LoadOptions): Promise<Backend> {
  if (choice === 'wasm') {
    const { loadWasm } = await import('./backend/wasm/index.js');
    return loadWasm(options.wasm);
  }
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (choice === 'native' || isNode) {
    try {
      const { loadNative } = await import('./backend/native/index.js');
      return loadNative();
    } catch (err) {
      if (choice === 'native') throw err;
    }
  }
  const { loadWasm } = await import('./backend/wasm/index.js');
  return loadWasm(options.wasm);
}

function versionString(v: number): string {
  return `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`;
}

function backendArg(backend: Backend, what: string): void {
  if (backend === null || typeof backend !== 'object' || (backend.kind !== 'native' && backend.kind !== 'wasm')) {
    throw new VoipKitError('invalid_argument', `${what}: backend must be a Backend object (use load())`);
  }
}

/** Build the public object over a backend. */
export function createKit(backend: Backend): VoipKit {
  backendArg(backend, 'createKit');
  const opus = backend.opus;
  const noOpus = (): never => {
    throw new VoipKitError('unsupported', 'Opus is not available: build the addon with libopus (pkg-config opus) or install the opusscript package');
  };
  const k = backend.kind;
  // One line per capability, so that adding one is a one-line change.
  const features: Features = Object.freeze({
    core: k,
    g711: k,
    seq: k,
    srtp: k,
    jitter: k,
    ns: k,
    resample: k,
    cng: k,
    opus: backend.opus?.provider ?? 'none',
    opusFec: backend.opus?.canDecodeFec ?? false,
  });
  return Object.freeze({
    backend: backend.kind,
    features,
    version: versionString(backend.core.version()),
    g711: new G711(backend.g711),
    createSequenceTracker: (o?: SequenceTrackerOptions) => new SequenceTracker(backend.seq, o),
    createSrtpSession: (o: SrtpSessionOptions) => new SrtpSession(backend.srtp, o),
    createJitterBuffer: (o?: JitterBufferOptions) => new JitterBuffer(backend.jitter, o, opus ? (r) => new OpusDecoder(opus, { sampleRate: r as 48000, channels: 1 }) : undefined),
    createNoiseSuppressor: (o: NoiseSuppressorOptions) => new NoiseSuppressor(backend.ns, o),
    createResampler: (o: ResamplerOptions) => new Resampler(backend.resample, o),
    createOpusEncoder: (o: OpusEncoderOptions) => (opus ? new OpusEncoder(opus, o) : noOpus()),
    createOpusDecoder: (o: OpusDecoderOptions) => (opus ? new OpusDecoder(opus, o) : noOpus()),
    opusStats: () => opus?.stats() ?? { encoders: 0, decoders: 0, modules: 0, heapBytes: 0 },
    analyzeComfortNoise: (pcm: Int16Array, order?: number) => analyzeComfortNoise(backend.cng, pcm, order),
    createComfortNoiseGenerator: (o?: ComfortNoiseGeneratorOptions) => new ComfortNoiseGenerator(backend.cng, o),
    createDtx: (o?: DtxOptions) => new DtxController(backend.cng, o),
  });
}

/**
 * @internal A backend without libopus (the WASM build, or an addon built
 * without it) gets Opus from opusscript, when that package is installed.
 */
export async function withOpusFallback(backend: Backend, source?: OpusscriptSource): Promise<Backend> {
  backendArg(backend, 'withOpusFallback');
  checkOpusscriptOption(source);
  if (backend.opus) return backend;
  if (source === undefined) {
    // opusscript is found through Node's module resolution; a browser page
    // has none, and trying would only put a failed import in its console.
    if (typeof process === 'undefined' || !process.versions?.node) return backend;
    const { loadOpusscript } = await import('./backend/opusscript.js');
    return { ...backend, opus: await loadOpusscript().catch(() => null) };
  }
  const { loadOpusscript } = await import('./backend/opusscript.js');
  try {
    return { ...backend, opus: await loadOpusscript(source) };
  } catch (err) {
    throw new VoipKitError('load_failed', `load: opusscript did not load from the given glue and wasm (${(err as Error).message}); see docs/opus.md, "Browsers"`, { cause: err });
  }
}

function checkOpusscriptOption(o: unknown): void {
  if (o === undefined) return;
  const src = o as { glue?: unknown; wasm?: unknown } | null;
  const w = src?.wasm;
  if (src === null || typeof src !== 'object' || typeof src.glue !== 'function' ||
      !(w instanceof WebAssembly.Module || w instanceof URL || typeof w === 'string' || w instanceof ArrayBuffer || ArrayBuffer.isView(w))) {
    throw new VoipKitError('invalid_argument', 'load: opusscript must be { glue, wasm }: glue the function opusscript/build/opusscript_native_wasm.js exports, wasm its .wasm as bytes, a WebAssembly.Module or a URL');
  }
}

/**
 * Load voipkit.
 * @throws VoipKitError `load_failed` with what is missing and how to fix it,
 *   `invalid_argument` for an unknown backend choice.
 */
export async function load(options: LoadOptions = {}): Promise<VoipKit> {
  if (options === null || typeof options !== 'object') {
    throw new VoipKitError('invalid_argument', `load: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const choice = envChoice() ?? options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'native' && choice !== 'wasm') {
    throw new VoipKitError('invalid_argument', `backend must be 'auto', 'native' or 'wasm', got ${JSON.stringify(choice)}`);
  }
  checkOpusscriptOption(options.opusscript);
  return createKit(await withOpusFallback(await loadBackend(choice, options), options.opusscript));
}

export { VoipKitError, PacketError, type ErrorCode } from './errors.js';
export type { G711Law } from './codec/g711.js';
export { G711 } from './codec/g711.js';
export { SequenceTracker, type SeqResult, type SeqUpdate, type SeqStats, type SequenceTrackerOptions } from './seq.js';
export * from './rtp/public.js';
export {
  SrtpSession, SrtpError, SRTP_PROFILES, SRTP_KEY_LENGTHS, SRTP_OVERHEAD,
  type SrtpProfile, type SrtpSessionOptions, type SrtpStats, type SrtpStreamInfo, type SrtpBatchOp,
} from './srtp/session.js';
export {
  JitterBuffer,
  type JitterBufferOptions,
  type JitterOp,
  type PushResult,
  type PollResult,
  type PlayedPacket,
  type JitterStats,
  type JitterDecoder,
  type JitterCodecStats,
} from './jitter/jitter-buffer.js';
export {
  NoiseSuppressor,
  NS_DEFAULT_STRENGTH,
  NS_DELAY_MS,
  type NoiseSuppressorOptions,
  type NoiseSuppressorStats,
  type NsSampleRate,
} from './dsp/ns.js';
export { Resampler, type ResamplerOptions, type ResamplerInfo, type ResampleRate } from './dsp/resample.js';
export {
  parseSdesCrypto, formatSdesCrypto, generateSdesCrypto, sdesToSessionOptions, sdesMkiBytes,
  type SdesCrypto, type SdesKey,
} from './srtp/sdes.js';
export type { BackendKind, OpusProvider } from './backend/types.js';
export type { OpusscriptSource } from './backend/opusscript.js';
export {
  OpusEncoder,
  OpusDecoder,
  type OpusEncoderOptions,
  type OpusDecoderOptions,
  type OpusDecodeOptions,
  type OpusSampleRate,
  type OpusApplication,
  type OpusFrameMs,
  type OpusSignal,
} from './codec/opus.js';
export { inspectOpusPacket, opusPacketSamples48k, type OpusPacketInfo, type OpusMode, type OpusBandwidth } from './codec/opus-packet.js';
export {
  OPUS_RTP_CLOCK_RATE,
  OPUS_RTPMAP,
  parseOpusFmtp,
  formatOpusFmtp,
  opusEncoderOptionsFromSdp,
  opusDecoderOptionsFromSdp,
  opusFmtpFor,
  opusRtpTimestampIncrement,
  bandwidthForRate,
  frameMsForPtime,
  type OpusFmtp,
  type OpusSdpEncoderContext,
} from './codec/opus-sdp.js';
export {
  DtmfEncoder, DtmfDecoder, parseTelephoneEvents, buildTelephoneEvent, dtmfEventCode, dtmfDigit, DTMF_DIGITS,
  type TelephoneEvent, type TelephoneEventPacket, type DtmfReport, type DtmfEncoderOptions, type DtmfDecoderOptions,
} from './pipeline/dtmf.js';
export {
  ComfortNoiseGenerator, DtxController, EnergyVad, parseComfortNoise, buildComfortNoise, levelDbov, CN_MAX_ORDER,
  type ComfortNoiseParams, type ComfortNoiseGeneratorOptions, type DtxOptions, type EnergyVadOptions,
} from './pipeline/cn.js';
export {
  RtcpSession, RtcpScheduler, ReceptionTracker, roundTripMs,
  type RtcpSessionOptions, type RtcpIntervalOptions, type ReceptionStats, type SenderStats, type ReceivedBye,
} from './pipeline/rtcp-session.js';
export { AudioSender, FramePacer, type AudioSenderOptions, type AudioSenderStats, type G711Codec, type AudioCodec } from './pipeline/sender.js';
export { AudioReceiver, type AudioReceiverOptions, type AudioReceiverStats, type ReceivedFrame, type DropCounts } from './pipeline/receiver.js';
export { RtpRelay, type RtpRelayOptions, type RelayLegOptions, type RelayLegStats, type RelayLegRtcp, type LegName } from './pipeline/relay.js';
