/**
 * ffmpeg as a real peer over loopback UDP, on both backends:
 *  - AudioSender -> ffmpeg (RTP and SRTP, from an SDP): ffmpeg's decoding
 *    must equal, sample for sample, the G.711 decoding of what we encoded.
 *  - ffmpeg -> AudioReceiver (RTP and SRTP): ffmpeg's RTP muxer sends a
 *    tone in real time; every frame we play out must appear bit-exact in
 *    ffmpeg's own mu-law encode + decode of the same tone: every frame the
 *    jitter buffer plays as decoded ('normal') must be bit-exact; frames it
 *    time-stretched or concealed (start-up, end of stream) are counted and
 *    must be at most 25 %.
 *  - Opus (RFC 7587), over RTP and SRTP: AudioSender's stream decoded by ffmpeg's libopus
 *    decoder from an SDP equals our decoder's output on the same packets
 *    (SNR > 40 dB after alignment); ffmpeg's libopus RTP stream of a 440 Hz
 *    tone is played by AudioReceiver (the adaptive jitter buffer, Opus
 *    decoder) at 48 kHz with a median per-20-ms-frame SNR > 15 dB against
 *    the tone (each frame aligned on its own: the buffer's waits and
 *    time-stretching move the phase).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { ffmpegReceive, freePortPair, hasFfmpeg } from './helpers/ffmpeg.js';
import { AudioReceiver, AudioSender, type VoipKit } from '../src/index.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
const SALT = Uint8Array.from({ length: 14 }, (_, i) => (i * 53 + 5) & 0xff);
const INLINE = Buffer.concat([KEY, SALT]).toString('base64');

function sdp(srtp: boolean): string {
  return 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=voipkit\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=audio PORT RTP/${srtp ? 'SAVP' : 'AVP'} 0\r\na=rtpmap:0 PCMU/8000\r\n` +
    (srtp ? `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}\r\n` : '');
}

/** ffmpeg's own mu-law of the lavfi tone, decoded by ffmpeg: the reference. */
function ffmpegReference(source: string): Int16Array {
  const enc = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source, '-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-f', 'mulaw', 'pipe:1'], { maxBuffer: 1 << 24 });
  const dec = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'mulaw', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 's16le', 'pipe:1'], { input: enc.stdout, maxBuffer: 1 << 24 });
  return new Int16Array(dec.stdout.buffer.slice(dec.stdout.byteOffset, dec.stdout.byteOffset + dec.stdout.length));
}

/** Receive what ffmpeg sends to a UDP port, with arrival times (ms). */
async function ffmpegSend(source: string, srtp: boolean): Promise<Array<{ at: number; d: Uint8Array }>> {
  const port = await freePortPair();
  const sock = createSocket('udp4');
  const got: Array<{ at: number; d: Uint8Array }> = [];
  const t0 = performance.now();
  sock.on('message', (m) => got.push({ at: performance.now() - t0, d: new Uint8Array(m) }));
  await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
  const out = srtp
    ? ['-srtp_out_suite', 'AES_CM_128_HMAC_SHA1_80', '-srtp_out_params', INLINE, `srtp://127.0.0.1:${port}?rtcpport=${port}`]
    : [`rtp://127.0.0.1:${port}?rtcpport=${port}`];
  const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', source, '-ar', '8000', '-ac', '1', '-af', 'asetnsamples=n=160', '-c:a', 'pcm_mulaw', '-f', 'rtp', ...out], { stdio: 'ignore' });
  await new Promise((r) => ff.on('exit', r));
  await new Promise((r) => setTimeout(r, 100));
  sock.close();
  return got;
}

/** Share of frames found bit-exact in ref within +-200 ms of where the first one aligned. */
function exactShare(frames: Int16Array[], ref: Int16Array): { exact: number; total: number } {
  const key = (a: Int16Array, o: number) => { for (let i = 0; i < a.length; i++) if (a[i] !== ref[o + i]) return false; return true; };
  let anchor = -1, exact = 0, total = 0;
  frames.forEach((f, k) => {
    if (f.every((v) => v === 0)) return; // before the first packet / after the end
    total++;
    const lo = anchor < 0 ? 0 : Math.max(0, anchor + k * 160 - 1600);
    const hi = anchor < 0 ? ref.length - 160 : Math.min(ref.length - 160, anchor + k * 160 + 1600);
    for (let o = lo; o <= hi; o++) {
      if (key(f, o)) {
        if (anchor < 0) anchor = o - k * 160;
        exact++;
        return;
      }
    }
  });
  return { exact, total };
}

const ff = hasFfmpeg();

describe.each(BACKENDS)('interop with ffmpeg over loopback UDP (%s)', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  for (const srtp of [false, true]) {
    it.skipIf(!ff)(`AudioSender -> ffmpeg, PCMU over ${srtp ? 'SRTP' : 'RTP'}: ffmpeg's decoding equals the G.711 decoding of what we sent, sample for sample`, async () => {
      const session = srtp ? kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT }) : undefined;
      const sender = new AudioSender(kit, 0, { srtp: session });
      const src = Int16Array.from({ length: 8000 * 1.2 }, (_, i) => Math.round(7000 * Math.sin(2 * Math.PI * 440 * i / 8000) + 3000 * Math.sin(2 * Math.PI * 1250 * i / 8000)));
      const packets = [];
      for (let f = 0; f < 60; f++) for (const d of sender.send(src.subarray(f * 160, f * 160 + 160), f * 20)) packets.push({ atMs: f * 20, data: d });
      const got = await ffmpegReceive({ sdp: sdp(srtp), packets, rate: 8000, ssrc: sender.ssrc, durationSec: 1.0 });
      const ref = kit.g711.decode('pcmu', kit.g711.encode('pcmu', src));
      expect(got.length).toBe(8000);
      let diff = 0;
      for (let i = 0; i < got.length; i++) if (got[i] !== ref[i]) diff++;
      expect(diff).toBe(0);
      sender.close();
      session?.close();
    });

    it.skipIf(!ff)(`ffmpeg -> AudioReceiver, PCMU over ${srtp ? 'SRTP' : 'RTP'}: the frames we play are ffmpeg's own mu-law decoding`, async () => {
      const source = 'sine=f=440:d=1.5:sample_rate=8000';
      const [received, ref] = [await ffmpegSend(source, srtp), ffmpegReference(source)];
      expect(received.length).toBeGreaterThan(50);
      // What is checked here is ffmpeg's bytes, not this machine's scheduling:
      // ffmpeg -re on a loaded machine sends in bursts, and the adaptive buffer
      // then rightly time-stretches (seen once: 45 frames played as decoded).
      // So the RTP packets are given to the receiver at the times their RTP
      // timestamps say (a jitter-free network from the first arrival on);
      // real jitter is the jitter-trace tests' subject. RTCP keeps its time.
      const isRtp = (d: Uint8Array) => d[1] < 192 || d[1] > 223;
      const first = received.find((g) => isRtp(g.d))!;
      const ts = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(4);
      const datagrams = received
        .map((g) => (isRtp(g.d) ? { at: first.at + ((ts(g.d) - ts(first.d)) >>> 0) / 8, d: g.d } : g))
        .sort((a, b) => a.at - b.at);
      const session = srtp ? kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT }) : undefined;
      const r = new AudioReceiver(kit, 0, { srtp: session });
      const frames: Int16Array[] = [];
      const ops: string[] = [];
      const start = datagrams[0].at;
      let i = 0;
      for (let t = start + 40; t < datagrams[datagrams.length - 1].at + 200; t += 20) {
        while (i < datagrams.length && datagrams[i].at <= t) r.receive(datagrams[i++].d, datagrams[i - 1].at);
        const p = r.poll(t);
        frames.push(p.pcm.slice());
        ops.push(p.op);
      }
      const st = r.stats();
      expect(st.dropped.srtp + st.dropped.notRtp + st.dropped.unknownPayloadType).toBe(0);
      expect(st.rtp).toBeGreaterThan(50);
      // Frames the jitter buffer played as decoded ('normal') must all be
      // ffmpeg's own decoding; time-stretched / concealed ones are counted.
      const normal = frames.filter((_, k) => ops[k] === 'normal');
      const { exact, total } = exactShare(normal, ref);
      expect(total).toBeGreaterThan(50);
      expect(total / frames.length, `ops: ${ops.join(',')}`).toBeGreaterThanOrEqual(0.75);
      expect(exact, `${exact} of ${total} normal frames bit-exact`).toBe(total);
      r.close();
      session?.close();
    });
  }

  /** Best SNR (dB) of y against x over lags in [-maxLag, maxLag], on the overlap after `skip` samples. */
  function alignedSnr(x: Int16Array, y: Int16Array, maxLag: number, skip: number): { snr: number; lag: number } {
    let bestSnr = -Infinity, bestLag = 0;
    for (let lag = -maxLag; lag <= maxLag; lag++) {
      let sig = 0, err = 0;
      for (let i = skip; i < x.length - skip; i++) {
        const j = i + lag;
        if (j < 0 || j >= y.length) continue;
        sig += x[i] * x[i];
        err += (x[i] - y[j]) ** 2;
      }
      const snr = 10 * Math.log10(sig / Math.max(err, 1e-9));
      if (snr > bestSnr) { bestSnr = snr; bestLag = lag; }
    }
    return { snr: bestSnr, lag: bestLag };
  }

  for (const srtp of [false, true]) {
  it.skipIf(!ff)(`AudioSender -> ffmpeg, Opus over ${srtp ? 'SRTP' : 'RTP'} (RFC 7587): ffmpeg (libopus decoder, from an SDP) decodes our stream to what our decoder makes of the same packets`, async () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const session = srtp ? kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT }) : undefined;
    const plain = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const sender = new AudioSender(kit, 0, { codec: 'opus', opus: { bitrate: 48000 }, srtp: session });
    const src = Int16Array.from({ length: 48000 * 1.2 }, (_, i) => Math.round(7000 * Math.sin(2 * Math.PI * 440 * i / 48000) + 3000 * Math.sin(2 * Math.PI * 1250 * i / 48000)));
    const packets: Array<{ atMs: number; data: Uint8Array }> = [];
    const dec = kit.createOpusDecoder({ sampleRate: 48000 });
    const mine: number[] = [];
    for (let f = 0; f < 60; f++) {
      for (const d of sender.send(src.subarray(f * 960, f * 960 + 960), f * 20)) {
        packets.push({ atMs: f * 20, data: d });
        mine.push(...(dec.decode((srtp ? plain.unprotectRtp(d) : d).subarray(12)) as Int16Array));
      }
    }
    const sdpOpus = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=voipkit\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      `m=audio PORT RTP/${srtp ? 'SAVP' : 'AVP'} 111\r\na=rtpmap:111 opus/48000/2\r\n` + (srtp ? `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}\r\n` : '');
    // ffmpeg's libopus decoder, so that both sides run the reference decoder.
    const got = await ffmpegReceive({ sdp: sdpOpus, packets, rate: 48000, ssrc: sender.ssrc, durationSec: 1.0, inputArgs: ['-c:a', 'libopus'] });
    expect(got.length).toBeGreaterThanOrEqual(45000);
    const ref = Int16Array.from(mine);
    const { snr } = alignedSnr(ref.subarray(0, 45000), got, 400, 2000);
    // ffmpeg's libopus vs ours (libopus, or opusscript on WASM) on the same packets.
    expect(snr, `ffmpeg vs our decoder: ${snr.toFixed(1)} dB`).toBeGreaterThan(40);
    // and the stream carries the source (Opus at 48 kbit/s)
    expect(alignedSnr(src.subarray(0, 45000), got, 1000, 2000).snr).toBeGreaterThan(10);
    sender.close();
    dec.close();
    session?.close();
    plain.close();
  });

  it.skipIf(!ff)(`ffmpeg -> AudioReceiver, Opus (libopus) over ${srtp ? 'SRTP' : 'RTP'}: the tone comes out at 48 kHz close to the source`, async () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const port = await freePortPair();
    const sock = createSocket('udp4');
    const got: Array<{ at: number; d: Uint8Array }> = [];
    const t0 = performance.now();
    sock.on('message', (m) => got.push({ at: performance.now() - t0, d: new Uint8Array(m) }));
    await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
    const ffp = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=f=440:d=1.5:sample_rate=48000', '-ac', '1', '-c:a', 'libopus', '-b:a', '48k', '-payload_type', '111', '-f', 'rtp', ...(srtp ? ['-srtp_out_suite', 'AES_CM_128_HMAC_SHA1_80', '-srtp_out_params', INLINE, `srtp://127.0.0.1:${port}?rtcpport=${port}`] : [`rtp://127.0.0.1:${port}?rtcpport=${port}`])], { stdio: 'ignore' });
    await new Promise((r) => ffp.on('exit', r));
    await new Promise((r) => setTimeout(r, 100));
    sock.close();
    const rtp = got.filter((g) => g.d[1] < 192 || g.d[1] > 223);
    expect(rtp.length).toBeGreaterThan(60);
    const rxs = srtp ? kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT }) : undefined;
    const r = new AudioReceiver(kit, 0, { sampleRate: 48000, srtp: rxs });
    const frames: Int16Array[] = [];
    let i = 0;
    for (let t = got[0].at + 40; t < got[got.length - 1].at + 200; t += 20) {
      while (i < got.length && got[i].at <= t) { r.receive(got[i].d, got[i].at); i++; }
      frames.push(r.poll(t).pcm.slice());
    }
    const st = r.stats();
    expect(st.dropped.notRtp + st.dropped.unknownPayloadType + st.dropped.srtp).toBe(0);
    expect(st.opus!.played).toBeGreaterThan(60);
    const out = Int16Array.from(frames.flatMap((f) => Array.from(f)));
    const src = Int16Array.from({ length: 48000 }, (_, k) => Math.round(32767 * 0.125 * Math.sin(2 * Math.PI * 440 * k / 48000))); // lavfi sine: amplitude 1/8
    // The adaptive buffer moves the tone's phase wherever it waits or
    // time-stretches (the arrival times are real, from a loaded machine), so
    // each 20 ms frame is aligned on the tone on its own (any phase: best SNR
    // over one period of lags); the median frame of the middle second counts.
    const per: number[] = [];
    for (let f = 12000; f + 960 <= Math.min(out.length, 60000); f += 960) {
      let best = -Infinity;
      for (let lag = 0; lag < 110; lag++) best = Math.max(best, alignedSnr(out.subarray(f, f + 960), src.subarray(lag), 0, 0).snr);
      per.push(best);
    }
    per.sort((a, b) => a - b);
    expect(per[per.length >> 1], 'median per-frame SNR of the played tone against a 440 Hz sine at -18 dBFS').toBeGreaterThan(15);
    r.close();
    rxs?.close();
  });
  }
});
