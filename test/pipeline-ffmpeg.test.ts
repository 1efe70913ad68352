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
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { ffmpegReceive, hasFfmpeg, randomPortPair } from './helpers/ffmpeg.js';
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
  const port = randomPortPair();
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
      const [datagrams, ref] = [await ffmpegSend(source, srtp), ffmpegReference(source)];
      expect(datagrams.length).toBeGreaterThan(50);
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
});
