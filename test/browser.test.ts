/**
 * voipkit in a browser: the public entry points (`voipkit` and `voipkit/rtp`)
 * bundled for the browser by esbuild, served from a loopback HTTP server and
 * run in Debian's headless Chromium (driven by playwright-core).
 *
 * A browser can only run the WASM build, so this file is the WASM backend's
 * browser environment check; the same capabilities are tested on both
 * backends under Node by their own test files. Expected values come from
 * outside references, as there: ITU-T G.191 vectors, libsrtp's and RFC 7714's
 * SRTP vectors, the G.711 table's fixed points, ffmpeg/tshark RTP fixtures.
 *
 * What it shows: `load()` with no options picks the WASM build in a browser
 * and finds the module next to the bundle; the bundle pulls no Node module
 * (`node:*` imports live only in the lazily loaded native and Node-file
 * chunks, never fetched here); each capability works in the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const root = fileURLToPath(new URL('../', import.meta.url));

// The page's code: plain JS, served as /smoke.js, so nothing of the test's
// own transpilation reaches the browser.
const SMOKE = `
import * as voipkit from './voipkit.js';
import * as rtp from './rtp.js';
window.smoke = {
  async load() {
    const kit = await voipkit.load();
    window.kit = kit;
    return { backend: kit.backend, features: kit.features, version: kit.version };
  },
  // Int16 vectors travel as base64 of their little-endian bytes.
  g711(law, srcB64, codesB64) {
    const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const i16 = (b64) => { const b = bytes(b64); return new Int16Array(b.buffer, 0, b.length / 2); };
    const b64 = (a) => { let s = ''; const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s); };
    const enc = kit.g711.encode(law, i16(srcB64));
    const dec = kit.g711.decode(law, Uint8Array.from(i16(codesB64)));
    return { enc: b64(enc), dec: b64(dec) };
  },
  srtp(v, rtcp, sessionKeys) {
    const hex = (s) => Uint8Array.from(s.match(/../g).map((b) => parseInt(b, 16)));
    const toHex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');
    const opts = { profile: v.suite, masterKey: hex(v.master_key ?? v.session_key), masterSalt: hex(v.master_salt ?? v.session_salt) };
    if (sessionKeys) opts.unsafeSessionKeys = true;
    const s = kit.createSrtpSession(opts);
    const r = kit.createSrtpSession(opts);
    if (v.roc) s.setRoc(parseInt(v.ssrc, 16), v.roc);
    if (rtcp) s.setRtcpIndex(0xcafebabe, 1);
    const prot = toHex(rtcp ? s.protectRtcp(hex(v.plaintext_packet)) : s.protectRtp(hex(v.plaintext_packet)));
    const back = toHex(rtcp ? r.unprotectRtcp(hex(v.protected_packet)) : r.unprotectRtp(hex(v.protected_packet)));
    // A fresh receiver: to the one above this would be a replay, refused first.
    const t = kit.createSrtpSession(opts);
    const p = hex(v.protected_packet);
    p[p.length - 1] ^= 1;
    let tampered = 'accepted';
    try { rtcp ? t.unprotectRtcp(p) : t.unprotectRtp(p); } catch (e) { tampered = e.name + ':' + e.code; }
    s.close(); r.close(); t.close();
    return { prot, back, tampered };
  },
  jitter(codes) {
    // 50 packets of 20 ms PCMU, in order, 20 ms apart; poll on the same clock.
    const jb = kit.createJitterBuffer({ clockRate: 8000, codec: 'pcmu' });
    const frames = [];
    for (let i = 0; i < 50; i++) {
      const payload = new Uint8Array(160).fill(codes[i % codes.length]);
      const pkt = new rtp.RtpBuilder({ payloadType: 0, sequenceNumber: 1000 + i, timestamp: 160 * i, ssrc: 0x1234, payload }).serialize();
      jb.push(pkt, 20 * i);
      const r = jb.poll(20 * i);
      frames.push({ op: r.op, first: r.pcm[0], last: r.pcm[159], started: r.started });
    }
    const st = jb.stats();
    jb.close();
    return { frames, stats: { ...st } };
  },
  ns(rate) {
    const ns = kit.createNoiseSuppressor({ sampleRate: rate });
    const n = rate / 100;
    let maxAbs = 0;
    for (let i = 0; i < 100; i++) {
      const out = ns.process(new Float32Array(n));
      for (const x of out) maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    const bad = new Float32Array(n).fill(NaN);
    const out = ns.process(bad);
    let finite = true;
    for (const x of out) if (!Number.isFinite(x)) finite = false;
    const after = ns.process(new Float32Array(n));
    let maxAfter = 0;
    for (const x of after) maxAfter = Math.max(maxAfter, Math.abs(x));
    ns.close();
    return { maxAbs, finite, maxAfter };
  },
  resample(n) {
    const rs = kit.createResampler({ inputRate: 8000, outputRate: 48000 });
    const out = rs.process(new Int16Array(n));
    const info = { outLength: out.length };
    rs.close();
    return info;
  },
  parseRtp(hexs) {
    const hex = (s) => Uint8Array.from(s.match(/../g).map((b) => parseInt(b, 16)));
    const v = new rtp.RtpView(hex(hexs));
    return { version: v.version, padding: v.padding, extension: v.extension, csrcCount: v.csrcCount, marker: v.marker, payloadType: v.payloadType, sequenceNumber: v.sequenceNumber, timestamp: v.timestamp, ssrc: v.ssrc };
  },
  async opus() {
    if (kit.features.opus === 'none') {
      try { kit.createOpusEncoder({ sampleRate: 48000, channels: 1, application: 'voip' }); return 'created'; }
      catch (e) { return e.name + ':' + e.code; }
    }
    const enc = kit.createOpusEncoder({ sampleRate: 48000, channels: 1, application: 'voip' });
    const dec = kit.createOpusDecoder({ sampleRate: 48000, channels: 1 });
    const pcm = new Int16Array(960);
    for (let i = 0; i < 960; i++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 48000));
    let out;
    for (let k = 0; k < 5; k++) out = dec.decode(enc.encode(pcm));
    enc.close(); dec.close();
    return 'decoded ' + out.length;
  },
};
`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };

let ctx: BrowserContext;
let profileDir: string;
let serveDir: string;
let server: Server;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium (listed in .ci/debian-packages)`).toBe(true);
  serveDir = mkdtempSync(join(tmpdir(), 'voipkit-browser-'));
  // Bundle the two public entry points as a browser would get them from a
  // bundler: ESM, code splitting so the dynamic imports stay lazy chunks.
  await build({
    entryPoints: { voipkit: join(root, 'src/index.ts'), rtp: join(root, 'src/rtp/public.ts') },
    bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022',
    outdir: serveDir, external: ['node:*'], logLevel: 'silent',
  });
  writeFileSync(join(serveDir, 'smoke.js'), SMOKE);
  writeFileSync(join(serveDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>voipkit</title><link rel="icon" href="data:,"><script type="module" src="./smoke.js"></script>');
  // The WASM module where the bundle's default URL points (the package's
  // wasm/dist/, resolved against the chunk's own URL).
  mkdirSync(join(serveDir, 'wasm/dist'), { recursive: true });
  writeFileSync(join(serveDir, 'wasm/dist/voipkit.wasm'), readFileSync(join(root, 'wasm/dist/voipkit.wasm')));

  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname));
    const file = join(serveDir, path === '/' ? 'index.html' : path);
    requests.push(path);
    if (!file.startsWith(serveDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;

  profileDir = mkdtempSync(join(tmpdir(), 'voipkit-chromium-'));
  ctx = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
  await page.waitForFunction('window.smoke !== undefined', undefined, { timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  for (const d of [profileDir, serveDir]) if (d) rmSync(d, { recursive: true, force: true });
});

function vec(name: string): Int16Array {
  const b = readFileSync(join(root, 'test/vectors/g711', name));
  return Int16Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));
}
const b64 = (a: Int16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string, Type: typeof Uint8Array | typeof Int16Array) => {
  const b = Buffer.from(s, 'base64');
  return Type === Uint8Array ? new Uint8Array(b) : Int16Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));
};

describe('voipkit in headless Chromium (WASM build, bundled by esbuild)', () => {
  it('load() with no options picks the WASM build and fetches the module beside the bundle', async () => {
    const r = await page.evaluate('window.smoke.load()') as { backend: string; features: Record<string, string>; version: string };
    expect(r.backend).toBe('wasm');
    for (const cap of ['g711', 'srtp', 'jitter', 'ns', 'resample']) expect(r.features[cap], cap).toBe('wasm');
    expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(requests).toContain('/wasm/dist/voipkit.wasm');
    // Neither Node-only chunk (the addon loader, the opusscript loader) was fetched.
    const nodeChunks = requests.filter((p) => /native|opusscript/.test(p));
    expect(nodeChunks).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('G.711: all 65,536 inputs and all 256 codes as ITU-T G.191 gives them', async () => {
    const src = vec('sweep.src');
    for (const [law, codesFile, decFile] of [['pcmu', 'sweep-r.u', 'sweep-r.u-u'], ['pcma', 'sweep-r.a', 'sweep-r.a-a']] as const) {
      const codes = vec(codesFile);
      const decoded = vec(decFile);
      const r = await page.evaluate(([l, s, c]) => (window as any).smoke.g711(l, s, c), [law, b64(src), b64(codes)] as const) as { enc: string; dec: string };
      const enc = fromB64(r.enc, Uint8Array);
      const dec = fromB64(r.dec, Int16Array);
      expect(enc.length).toBe(65536);
      expect(dec.length).toBe(65536);
      expect(enc.filter((x, i) => x !== codes[i]).length, `${law} encode mismatches`).toBe(0);
      expect(dec.filter((x, i) => x !== decoded[i]).length, `${law} decode mismatches`).toBe(0);
    }
  });

  const vectors = JSON.parse(readFileSync(join(root, 'test/vectors/srtp/vectors.json'), 'utf8')).vectors as Record<string, any>[];
  const known = vectors.filter((v) => v.type === 'srtp-packet-master' || v.type === 'srtcp-packet-master' || (v.type === 'srtp-packet' && !v.unencrypted));
  it('has SRTP vectors of every kind it runs', () => {
    expect(known.filter((v) => v.type === 'srtp-packet-master').length).toBeGreaterThanOrEqual(2);
    expect(known.filter((v) => v.type === 'srtcp-packet-master').length).toBeGreaterThanOrEqual(1);
    expect(known.filter((v) => v.type === 'srtp-packet').length).toBeGreaterThanOrEqual(2);
  });
  for (const v of known) {
    it(`SRTP ${v.id}: protect, unprotect, and a flipped tag bit refused`, async () => {
      const rtcp = v.type === 'srtcp-packet-master';
      const r = await page.evaluate(([vv, c, sk]) => (window as any).smoke.srtp(vv, c, sk), [v, rtcp, v.type === 'srtp-packet'] as const) as { prot: string; back: string; tampered: string };
      expect(r.prot).toBe(v.protected_packet.toLowerCase());
      expect(r.back).toBe(v.plaintext_packet.toLowerCase());
      expect(r.tampered).toBe('SrtpError:auth_fail');
    });
  }

  it('jitter buffer: in-order PCMU plays out decoded as the G.711 table gives (0xff → 0, 0x80 → 32124, 0x00 → −32124)', async () => {
    const codes = [0xff, 0x80, 0x00];
    const table = [0, 32124, -32124]; // ITU-T G.711 Table 2a, decoder output for these codes
    const r = await page.evaluate((c) => (window as any).smoke.jitter(c), codes) as { frames: { op: string; first: number; last: number; started: boolean }[] };
    const played = r.frames.filter((f) => f.started && f.op === 'normal');
    expect(played.length).toBeGreaterThan(40);
    // Every normal frame is one whole packet of a single code: its samples are that code's value.
    for (const f of played) {
      expect(table).toContain(f.first);
      expect(f.last).toBe(f.first);
    }
    expect(new Set(played.map((f) => f.first)).size).toBe(3);
  });

  for (const rate of [8000, 16000, 48000]) {
    it(`noise suppression at ${rate} Hz: silence stays silence, NaN is sanitised without poisoning later frames`, async () => {
      const r = await page.evaluate((x) => (window as any).smoke.ns(x), rate) as { maxAbs: number; finite: boolean; maxAfter: number };
      expect(r.maxAbs).toBe(0);
      expect(r.finite).toBe(true);
      expect(r.maxAfter).toBe(0);
    });
  }

  it('resampler 8 → 48 kHz gives 6 outputs per input', async () => {
    const r = await page.evaluate((n) => (window as any).smoke.resample(n), 1600) as { outLength: number };
    // The filter's delay is held back until flush, so at most 6 × 1600 and
    // not less than 6 × 1600 minus the documented delay.
    expect(r.outLength).toBeLessThanOrEqual(9600);
    expect(r.outLength).toBeGreaterThan(9600 - 200);
  });

  it('voipkit/rtp parses an ffmpeg packet as tshark dissected it', async () => {
    const fx = JSON.parse(readFileSync(join(root, 'test/vectors/rtp/ffmpeg-pcmu.json'), 'utf8'));
    const p = fx.packets.find((x: { socket: string }) => x.socket === 'rtp');
    const r = await page.evaluate((h) => (window as any).smoke.parseRtp(h), p.hex) as Record<string, number | boolean>;
    const t = p.tshark;
    expect(r.version).toBe(Number(t['rtp.version']));
    expect(Number(r.padding)).toBe(Number(t['rtp.padding']));
    expect(Number(r.extension)).toBe(Number(t['rtp.ext']));
    expect(r.csrcCount).toBe(Number(t['rtp.cc']));
    expect(Number(r.marker)).toBe(Number(t['rtp.marker']));
    expect(r.payloadType).toBe(Number(t['rtp.p_type']));
    expect(r.sequenceNumber).toBe(Number(t['rtp.seq']));
    expect(r.timestamp).toBe(Number(t['rtp.timestamp']));
    expect(r.ssrc).toBe(Number.parseInt(t['rtp.ssrc'], 16));
  });

  it('Opus: what kit.features.opus says is what the page gets', async () => {
    const features = await page.evaluate('window.kit.features.opus') as string;
    const r = await page.evaluate('window.smoke.opus()') as string;
    if (features === 'none') expect(r).toBe('VoipKitError:unsupported');
    else expect(r).toBe('decoded 960');
  });

  it('raised no page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
