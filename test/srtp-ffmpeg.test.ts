/**
 * ffmpeg as a real SRTP peer over loopback UDP (Debian's ffmpeg):
 *  - ffmpeg sends an SRTP stream (-srtp_out_suite / -srtp_out_params) that
 *    voipkit decrypts; the payload must equal ffmpeg's own plain encoding of
 *    the same source;
 *  - voipkit sends an SRTP stream that ffmpeg decodes from an SDP carrying
 *    a=crypto; the audio must equal ffmpeg's own decoding of the payload.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { formatSdesCrypto, generateSdesCrypto, parseSdesCrypto, sdesToSessionOptions, type SrtpProfile, type VoipKit } from '../src/index.js';

const FFMPEG = 'ffmpeg';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bind(port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

/** An even port p with p and p+1 free, both bound. */
async function rtpPair(): Promise<[Socket, Socket]> {
  for (let i = 0; i < 20; i++) {
    const a = await bind();
    const p = a.address().port;
    if (p % 2 === 0 && p < 65534) {
      try { return [a, await bind(p + 1)]; } catch { /* taken: try another */ }
    }
    a.close();
  }
  throw new Error('no free even UDP port pair on 127.0.0.1');
}

function run(args: string[], input?: Buffer): Buffer {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...args], { input, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe.each(BACKENDS)('ffmpeg SRTP interop on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => { kit = await kitFor(backend); });

  for (const profile of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as SrtpProfile[]) {
    it(`ffmpeg sends ${profile}, voipkit decrypts`, async () => {
      const sdes = generateSdesCrypto(profile);
      const params = formatSdesCrypto(sdes).split('inline:')[1];
      const src = ['-f', 'lavfi', '-i', 'sine=frequency=1000:duration=0.5', '-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw'];
      const reference = run([...src, '-f', 'mulaw', '-']);
      const [rtpSock, rtcpSock] = await rtpPair();
      const port = rtpSock.address().port;
      const got: Buffer[] = [], gotRtcp: Buffer[] = [];
      rtpSock.on('message', (m) => got.push(m));
      rtcpSock.on('message', (m) => gotRtcp.push(m));
      const ff = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...src, '-f', 'rtp', '-srtp_out_suite', profile, '-srtp_out_params', params,
        `srtp://127.0.0.1:${port}?pkt_size=172`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      ff.stderr.on('data', (d) => { err += d; });
      const code = await new Promise<number | null>((r) => ff.on('exit', r));
      expect(code, err).toBe(0);
      await sleep(100);
      rtpSock.close(); rtcpSock.close();

      const rx = kit.createSrtpSession(sdesToSessionOptions(sdes));
      const plain = got.map((p) => rx.unprotectRtp(new Uint8Array(p)));
      expect(plain.length).toBeGreaterThanOrEqual(20);
      const seqs = plain.map((p) => (p[2] << 8) | p[3]);
      seqs.forEach((s, i) => i && expect(s).toBe((seqs[i - 1] + 1) & 0xffff));
      expect(plain.every((p) => (p[1] & 0x7f) === 0)).toBe(true); // PCMU
      const payload = Buffer.concat(plain.map((p) => p.subarray(12)));
      expect(payload.equals(reference)).toBe(true);
      // ffmpeg's libavformat/srtp.c uses the suite's short tag for SRTCP too
      // (4 bytes with _32), where RFC 3711 7.5 / RFC 4568 and libsrtp use 80
      // bits; voipkit follows libsrtp, so ffmpeg's _32 SRTCP does not verify.
      expect(gotRtcp.length).toBeGreaterThanOrEqual(1); // ffmpeg sends a sender report
      for (const r of gotRtcp) {
        if (profile.endsWith('_80')) expect(rx.unprotectRtcp(new Uint8Array(r)).length).toBeGreaterThanOrEqual(8);
        else expect(() => rx.unprotectRtcp(new Uint8Array(r))).toThrow(/auth fail/);
      }
      expect(rx.stats().rtpUnprotected).toBe(plain.length);
      rx.close();
    });
  }

  it('voipkit sends AES_CM_128_HMAC_SHA1_80, ffmpeg decodes it from an SDP with a=crypto', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voipkit-srtp-'));
    // payload: ffmpeg's own mu-law of a 440 Hz tone; expected audio: ffmpeg's own decoding of it
    const payload = run(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.6', '-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-f', 'mulaw', '-']);
    const expected = run(['-f', 'mulaw', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 's16le', '-'], payload);
    const line = formatSdesCrypto(generateSdesCrypto('AES_CM_128_HMAC_SHA1_80'));
    const [probe, probe2] = await rtpPair();
    const port = probe.address().port;
    probe.close(); probe2.close();
    const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=voipkit', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${port} RTP/SAVP 0`, 'a=rtpmap:0 PCMU/8000', line, ''].join('\n');
    writeFileSync(join(dir, 'in.sdp'), sdp);
    const out = join(dir, 'out.raw');
    const ff = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-listen_timeout', '2', '-i', join(dir, 'in.sdp'),
      '-f', 's16le', '-ar', '8000', '-ac', '1', '-y', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    ff.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number | null>((r) => ff.on('exit', r));
    // wait until ffmpeg has bound the RTP port (our probe bind then fails)
    for (let i = 0; i < 200; i++) {
      const bound = await bind(port).then((s) => { s.close(); return false; }, () => true);
      if (bound) break;
      await sleep(25);
    }

    const tx = kit.createSrtpSession(sdesToSessionOptions(parseSdesCrypto(line)));
    const sock = createSocket('udp4');
    const ssrc = 0x1234abcd;
    const frame = 160;
    for (let i = 0; i * frame < payload.length; i++) {
      const chunk = payload.subarray(i * frame, (i + 1) * frame);
      const p = new Uint8Array(12 + chunk.length);
      const v = new DataView(p.buffer);
      p[0] = 0x80; p[1] = i === 0 ? 0x80 : 0; // marker on the first packet, PT 0
      v.setUint16(2, (65500 + i) & 0xffff); // crosses the 16-bit wrap
      v.setUint32(4, 1000 + i * frame);
      v.setUint32(8, ssrc);
      p.set(chunk, 12);
      const s = tx.protectRtp(p);
      await new Promise<void>((r) => sock.send(s, port, '127.0.0.1', () => r()));
      await sleep(5);
    }
    // ffmpeg ends by itself once no packet came for listen_timeout
    const code = await exited;
    sock.close();
    tx.close();
    expect(code, err).toBe(0);
    const audio = readFileSync(out);
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.equals(expected)).toBe(true);
  });
});
