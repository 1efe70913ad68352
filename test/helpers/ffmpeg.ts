/**
 * ffmpeg as a real RTP peer over loopback UDP (tests and examples only).
 *
 * ffmpegReceive: ffmpeg reads an SDP, listens on a port, and decodes what we
 * send into raw s16le PCM for a given duration; we send our datagrams at
 * their times.  Quirk of ffmpeg 5.1's RTP demuxer: a stream whose first
 * sequence number is 0 is held back until the read timeout, so senders here
 * start elsewhere (voipkit's senders start at random values anyway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasFfmpeg(): boolean {
  return spawnSync('ffmpeg', ['-version']).status === 0;
}

/** Resolves once `port` (UDP, 127.0.0.1) is bound by someone else. */
async function waitBound(port: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const inUse = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(true); });
      s.bind(port, '127.0.0.1', () => { s.close(); resolve(false); });
    });
    if (inUse) return true;
    await new Promise((r) => setTimeout(r, 30));
  }
  return false;
}

/** A random even port in 20000..59998 (ffmpeg uses port and port + 1). */
export function randomPortPair(): number {
  return 20000 + 2 * Math.floor(Math.random() * 20000);
}

/** Can a UDP socket bind 127.0.0.1:port right now? */
function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * An even loopback port whose successor is free too (RTP + RTCP), checked by
 * binding both: random pairs collided with other jobs' sockets on a busy
 * machine ("address already in use").
 */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomPortPair();
    if ((await udpFree(port)) && (await udpFree(port + 1))) return port;
  }
  throw new Error('no free UDP port pair on 127.0.0.1 after 50 tries');
}

export interface ReceiveOptions {
  /** SDP text with the literal PORT where the media port goes. */
  sdp: string;
  /** Datagrams to send to the RTP port, each at its time (ms from the first). */
  packets: Array<{ atMs: number; data: Uint8Array }>;
  /** Output sample rate, Hz. */
  rate: number;
  /** SSRC for the BYE. */
  ssrc: number;
  /** Extra ffmpeg input options (before -i, e.g. a forced decoder). */
  inputArgs?: string[];
  /** Extra ffmpeg output options. */
  args?: string[];
  /**
   * Output duration, s: ffmpeg stops by itself after this much output
   * (neither an RTCP BYE nor SIGINT ends ffmpeg 5.1's SDP input promptly:
   * it waits for its 10 s read timeout).
   */
  durationSec: number;
}

/**
 * Another process can take the free pair between our check and ffmpeg's bind
 * (seen on a busy machine: "bind failed: Address already in use"); then the
 * whole receive is tried again on another pair, up to four times.
 */
export async function ffmpegReceive(o: ReceiveOptions): Promise<Int16Array> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ffmpegReceiveOnce(o, await freePortPair());
    } catch (e) {
      if (attempt >= 4 || !/Address already in use/.test((e as Error).message)) throw e;
    }
  }
}

async function ffmpegReceiveOnce(o: ReceiveOptions, port: number): Promise<Int16Array> {
  const dir = mkdtempSync(join(tmpdir(), 'voipkit-ff-'));
  writeFileSync(join(dir, 'in.sdp'), o.sdp.replace(/PORT/g, String(port)));
  const out = join(dir, 'out.raw');
  const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', process.env.FF_DEBUG ? 'debug' : 'error', '-protocol_whitelist', 'file,udp,rtp',
    ...(o.inputArgs ?? []), '-i', join(dir, 'in.sdp'), ...(o.args ?? []), '-t', String(o.durationSec), '-f', 's16le', '-ac', '1', '-ar', String(o.rate), '-y', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const tSpawn = Date.now();
  ff.stderr.on('data', (d) => { stderr += d; if (process.env.FF_DEBUG) for (const l of String(d).split('\n')) if (l.trim()) console.error(Date.now() - tSpawn, l.slice(0, 140)); });
  const exited = new Promise<number | null>((resolve) => ff.on('exit', (code) => resolve(code)));
  let sock: Socket | undefined;
  try {
    if (!(await waitBound(port, 10_000))) throw new Error(`ffmpeg did not bind 127.0.0.1:${port}: ${stderr}`);
    sock = createSocket('udp4');
    await new Promise<void>((r) => sock!.bind(0, '127.0.0.1', () => r()));
    const t0 = Date.now();
    for (const p of o.packets) {
      const wait = t0 + p.atMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sock.send(p.data, port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 200));
    const bye = new Uint8Array(8);
    new DataView(bye.buffer).setUint32(0, 0x81cb0001);
    new DataView(bye.buffer).setUint32(4, o.ssrc >>> 0);
    sock.send(bye, port + 1, '127.0.0.1');
    const timer = setTimeout(() => ff.kill('SIGINT'), 15000);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0 && code !== 255 && code !== null) throw new Error(`ffmpeg exited with ${code}: ${stderr}`);
    const b = readFileSync(out);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~1)));
  } finally {
    sock?.close();
    if (ff.exitCode === null) ff.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ffmpeg's own RFC 3389 encoder on 8 kHz PCM: its CN payloads (11 bytes, 640-sample frames). */
export function ffmpegComfortNoisePayloads(pcm: Int16Array): Uint8Array[] {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0',
    '-map', '0:a', '-c:a', 'comfortnoise', '-f', 'data', 'pipe:1'], { input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ffmpeg comfortnoise encode failed: ${r.stderr}`);
  const out: Uint8Array[] = [];
  for (let i = 0; i + 11 <= r.stdout.length; i += 11) out.push(new Uint8Array(r.stdout.subarray(i, i + 11)));
  return out;
}
