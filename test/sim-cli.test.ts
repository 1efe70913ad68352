/**
 * `voipkit sim` with the simulated network and with captures: the quick
 * start, determinism by seed, the exported trace replayed through
 * `--trace` and through the jitter-buffer replay giving the same playout
 * log, the JSON report, pcap replay (the capture reader checked against
 * tshark's dissection of the same file), the sweep, and bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { parseTrace, replayTrace, formatPlayoutLog } from '../src/sim/trace.js';
import { parsePcapRtp, pickStream } from '../src/sim/pcap.js';
import { captureToTrace } from '../src/sim/capture.js';
import { parseNetemSpec } from '../src/sim/network/netem-spec.js';
import { runNetsimCommand } from '../src/cli/netsim.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'voipkit-simcli-'));
const cli = (backend: string, args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/voipkit.js'), ...args], { encoding: 'utf8', env: { ...process.env, VOIPKIT_BACKEND: backend }, timeout: 120_000 });

// ---- a pcap writer for the tests (the file is then read by tshark as the reference) ----
function be16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function rtp(pt: number, seq: number, ts: number, ssrc: number, payload: number[]): number[] {
  return [0x80, pt, ...be16(seq), ...be32(ts), ...be32(ssrc), ...payload];
}
function udp(sport: number, dport: number, body: number[]): number[] {
  return [...be16(sport), ...be16(dport), ...be16(8 + body.length), 0, 0, ...body];
}
function ipv4(proto: number, body: number[]): number[] {
  const h = [0x45, 0, ...be16(20 + body.length), 0, 0, 0x40, 0, 64, proto, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const c = ~sum & 0xffff;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return [...h, ...body];
}
function ipv6(next: number, body: number[]): number[] {
  const lo = [...new Array(15).fill(0), 1];
  return [0x60, 0, 0, 0, ...be16(body.length), next, 64, ...lo, ...lo, ...body];
}
function eth(type: number, body: number[], vlan?: number): number[] {
  const macs = new Array(12).fill(0);
  return vlan === undefined ? [...macs, ...be16(type), ...body] : [...macs, 0x81, 0x00, ...be16(vlan), ...be16(type), ...body];
}
function pcap(frames: { t: number; bytes: number[] }[]): Uint8Array {
  const out: number[] = [];
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  out.push(...le32(0xa1b2c3d4), 2, 0, 4, 0, ...le32(0), ...le32(0), ...le32(65535), ...le32(1));
  for (const f of frames) {
    const sec = Math.floor(f.t / 1000);
    const usec = Math.round((f.t - sec * 1000) * 1000);
    out.push(...le32(sec), ...le32(usec), ...le32(f.bytes.length), ...le32(f.bytes.length), ...f.bytes);
  }
  return Uint8Array.from(out);
}

/** A G.711 stream of n packets (20 ms) with loss, one duplicate, one reordering, over IPv4, IPv6 and VLAN, plus noise. */
function makeCapture(n: number): { file: string; sent: number; lost: number[] } {
  const frames: { t: number; bytes: number[] }[] = [];
  const t0 = 1_700_000_000_000;
  const lost = [7, 8, 30];
  const ssrc = 0x11223344;
  const payload = (i: number) => Array.from({ length: 160 }, (_, k) => 0x80 ^ ((i * 7 + k * 3) & 0x3f));
  for (let i = 0; i < n; i++) {
    if (lost.includes(i)) continue;
    const seq = (65530 + i) & 0xffff; // wraps
    const ts = (4294967000 + i * 160) >>> 0; // wraps
    const arrival = t0 + i * 20 + 30 + ((i * 37) % 11) + (i === 12 ? 45 : 0); // packet 12 arrives after 13 and 14
    const r = rtp(0, seq, ts, ssrc, payload(i));
    const bytes = i % 3 === 0 ? eth(0x86dd, ipv6(17, udp(40000, 40002, r))) : i % 3 === 1 ? eth(0x0800, ipv4(17, udp(40000, 40002, r)), 5) : eth(0x0800, ipv4(17, udp(40000, 40002, r)));
    frames.push({ t: arrival, bytes });
    if (i === 20) frames.push({ t: arrival + 1, bytes }); // a duplicate
  }
  // noise: another RTP stream with fewer packets, RTCP, TCP, a non-RTP datagram
  for (let i = 0; i < 5; i++) frames.push({ t: t0 + 5 + i * 20, bytes: eth(0x0800, ipv4(17, udp(40010, 40012, rtp(8, i, i * 160, 0x55, payload(i))))) });
  frames.push({ t: t0 + 2, bytes: eth(0x0800, ipv4(17, udp(40001, 40003, [0x81, 200, 0, 6, ...be32(ssrc), ...new Array(20).fill(0)]))) });
  frames.push({ t: t0 + 3, bytes: eth(0x0800, ipv4(6, new Array(20).fill(0))) });
  frames.push({ t: t0 + 4, bytes: eth(0x0800, ipv4(17, udp(53, 5353, [1, 2, 3, 4]))) });
  frames.sort((a, b) => a.t - b.t);
  const file = join(work, 'call.pcap');
  writeFileSync(file, pcap(frames));
  return { file, sent: n, lost };
}

describe('netem option text', () => {
  it('parses tc-netem(8) syntax into the model configuration', () => {
    expect(parseNetemSpec('delay 100ms 10ms 25% distribution normal loss gemodel 1% 30% 70% 0.1% duplicate 1% reorder 25% 50% gap 5 rate 96kbit limit 20 slot 800us 8ms packets 8 bytes 6000')).toEqual({
      delay: { ms: 100, jitterMs: 10, correlation: 25, distribution: 'normal' },
      loss: { model: 'gemodel', p: 1, r: 30, oneMinusH: 70, oneMinusK: 0.1 },
      duplicate: { percent: 1, correlation: 0 },
      reorder: { percent: 25, correlation: 50, gap: 5 },
      rate: { bytesPerSecond: 12000, packetOverhead: undefined, queuePackets: 20 },
      slot: { minMs: 0.8, maxMs: 8, packets: 8, bytes: 6000 },
    });
    expect(parseNetemSpec('loss state 1% 30% 10% 20% 0.5%').loss).toEqual({ model: 'state', p13: 1, p31: 30, p32: 10, p23: 20, p14: 0.5 });
    expect(parseNetemSpec('loss 2%').loss).toEqual({ model: 'random', percent: 2, correlation: 0 });
    expect(parseNetemSpec('stall 10s 500ms route 30s 150ms spikes 6s 14s 200ms 800ms')).toEqual({
      stalls: [{ atMs: 10000, durationMs: 500 }],
      routeChanges: [{ atMs: 30000, extraDelayMs: 150 }],
      spikes: { everyMs: [6000, 14000], durationMs: [200, 800] },
    });
    for (const bad of ['delay', 'delay 10parsecs', 'loss 120%', 'corrupt 1%', 'limit 10', 'rate 10furlongs', 'frobnicate 3', 'slot distribution normal 1ms 1ms']) {
      expect(() => parseNetemSpec(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });
});

describe('capture reader', () => {
  it('finds the same RTP packets as tshark in a capture with IPv4, IPv6, VLAN, loss, a duplicate, reordering and noise', () => {
    const cap = makeCapture(60);
    const t = spawnSync('tshark', ['-r', cap.file, '-d', 'udp.port==40002,rtp', '-d', 'udp.port==40012,rtp', '-Y', 'rtp', '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'rtp.ssrc', '-e', 'rtp.seq', '-e', 'rtp.timestamp', '-e', 'rtp.p_type'], { encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const ref = t.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([time, ssrc, seq, ts, pt]) => ({ timeMs: Math.round(Number(time) * 1e6) / 1e3, ssrc: Number(ssrc), seq: Number(seq), ts: Number(ts), pt: Number(pt) }));
    const ours = parsePcapRtp(readFileSync(cap.file)).map((p) => ({ timeMs: Math.round(p.timeMs * 1e3) / 1e3, ssrc: p.ssrc, seq: p.seq, ts: p.timestamp, pt: p.payloadType }));
    expect(ours).toEqual(ref);
    const stream = pickStream(parsePcapRtp(readFileSync(cap.file)));
    expect(stream[0].ssrc).toBe(0x11223344);
    const tr = captureToTrace(stream);
    expect(tr.missing).toBe(cap.lost.length);
    expect(tr.received).toBe(cap.sent - cap.lost.length + 1);
    expect(tr.rows.length).toBe(cap.sent + 1);
    expect(tr.rows.filter((r) => r.arrivalMs === null).length).toBe(3);
    expect(Math.min(...tr.rows.filter((r) => r.arrivalMs !== null).map((r) => (r.arrivalMs as number) - r.sendMs))).toBeCloseTo(0, 9);
  });

  it('refuses what it cannot read, in one line', () => {
    const bad = (b: Uint8Array) => () => parsePcapRtp(b);
    expect(bad(new Uint8Array(10))).toThrow(/too short/);
    expect(bad(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(40).fill(0)]))).toThrow(/pcapng.*tshark -F pcap/);
    const good = readFileSync(makeCapture(10).file);
    expect(bad(good.subarray(0, good.length - 5))).toThrow(/runs past the end/);
  });
});

describe.each(BACKENDS)('voipkit sim with a simulated network (%s)', (backend) => {
  let kit: Awaited<ReturnType<typeof kitFor>>;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('the quick start prints a meaningful report, and the same seed gives the same report', () => {
    const t0 = Date.now();
    const a = cli(backend, ['sim']);
    const took = Date.now() - t0;
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^voipkit sim: profile wifi, seed 1; 60\.0 s of built-in speech-like signal; pcmu; /);
    expect(a.stdout).toMatch(/quality {2}R \d+\.\d, MOS [1-4]\.\d\d \(ITU-T G\.107/);
    expect(took).toBeLessThan(30_000); // "within seconds" on a loaded 2-core CI machine
    const b = cli(backend, ['sim', '--seed', '1']);
    expect(b.stdout).toBe(a.stdout);
    const c = cli(backend, ['sim', '--seed', '2']);
    expect(c.stdout).not.toBe(a.stdout);
  }, 120_000);

  it('an exported trace replays through --trace and through replayTrace with the same playout log as the simulation', () => {
    const tr = join(work, `net-${backend}.csv`);
    const simLog = join(work, `simlog-${backend}.csv`);
    const trLog = join(work, `trlog-${backend}.csv`);
    const rep = join(work, `rep-${backend}.json`);
    const html = join(work, `rep-${backend}.html`);
    const a = cli(backend, ['sim', '--profile', 'mobile', '--netem', 'duplicate 1% reorder 2% gap 4', '--seed', '9', '--duration', '20', '--export-trace', tr, '--playout-log', simLog, '--report', rep, '--html', html]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const b = cli(backend, ['sim', '--trace', tr, '--playout-log', trLog]);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const inProcess = formatPlayoutLog(replayTrace(kit, parseTrace(readFileSync(tr, 'utf8'))).log);
    expect(readFileSync(trLog, 'utf8')).toBe(inProcess);
    expect(readFileSync(simLog, 'utf8')).toBe(inProcess);
    const r = JSON.parse(readFileSync(rep, 'utf8'));
    expect(r.backend).toBe(backend);
    expect(r.seed).toBe(9);
    expect(r.network.config.duplicate).toEqual({ percent: 1, correlation: 0 });
    expect(r.network.stats.duplicated).toBeGreaterThan(0);
    expect(r.network.stats.reordered).toBeGreaterThan(0);
    expect(r.quality.emodel.source).toMatch(/G\.113 Appendix I/);
    expect(r.quality.emodel.MOS).toBeGreaterThan(1);
    expect(r.jitterBuffer.duplicate).toBeGreaterThan(0);
    expect(readFileSync(html, 'utf8')).toMatch(/<svg id="plot-delay"/);
  }, 120_000);

  it('--jb fixed:MS holds the playout delay at MS above the fastest packets', () => {
    const rep = join(work, `jb-${backend}.json`);
    const r = cli(backend, ['sim', '--profile', 'lan', '--duration', '10', '--jb', 'fixed:100', '--ns', '--report', rep]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(rep, 'utf8'));
    expect(j.jitterBufferMode).toBe('fixed:100');
    expect(j.sendPath.noiseSuppression).toBe(0.5);
    // lan: ~1 ms ± 0.5 ms of network delay, so send → play ≈ 100 ms plus the fastest packets' delay
    expect(Math.abs(j.quality.e2eMeanMs - 100)).toBeLessThan(5);
    expect(j.quality.e2eP95Ms - j.quality.e2eMeanMs).toBeLessThan(3);
  }, 60_000);

  it('--srtp: the call protected end to end plays exactly as the plain one', () => {
    const plain = join(work, `plain-${backend}.csv`);
    const prot = join(work, `srtp-${backend}.csv`);
    const a = cli(backend, ['sim', '--profile', 'wifi', '--duration', '10', '--playout-log', plain]);
    const b = cli(backend, ['sim', '--profile', 'wifi', '--duration', '10', '--srtp', 'AES_CM_128_HMAC_SHA1_80', '--playout-log', prot]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(readFileSync(prot, 'utf8')).toBe(readFileSync(plain, 'utf8'));
    expect(b.stdout.split('\n').slice(1)).toEqual(a.stdout.split('\n').slice(1));
  }, 60_000);

  it('--codec opus runs the Opus encoder and decoder of the kit; the same seed gives the same report', () => {
    if (kit.features.opus === 'none') {
      const r = cli(backend, ['sim', '--codec', 'opus', '--duration', '2']);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^voipkit: --codec opus: Opus is not available/)]);
      return;
    }
    const rep = join(work, `opus-${backend}.json`);
    const a = cli(backend, ['sim', '--codec', 'opus', '--duration', '10', '--seed', '4', '--report', rep]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/; opus 20\.0 kbit\/s, 20 ms; /);
    const b = cli(backend, ['sim', '--codec', 'opus', '--duration', '10', '--seed', '4']);
    expect(b.stdout).toBe(a.stdout);
    const j = JSON.parse(readFileSync(rep, 'utf8'));
    expect(j.codec).toBe('opus');
    expect(j.sendPath).toMatchObject({ codec: 'opus', ptimeMs: 20, bitrate: 20000, fecExpectedLossPct: null, audioPackets: 500 });
    // the Opus encoder's output, not 160-byte G.711 payloads: about 20 kbit/s
    expect(j.sendPath.payloadBitrate).toBeGreaterThan(12000);
    expect(j.sendPath.payloadBitrate).toBeLessThan(24000);
    expect(j.quality.emodel.source).toMatch(/^Alahmadi, Počta & Melvin/);
    expect([j.quality.emodel.Ie, j.quality.emodel.Bpl]).toEqual([2.03, 15.95]);
    expect(j.quality.packets).toBe(500);
    // played, after arriving, and only the lost packets concealed
    expect(j.quality.e2eMeanMs).toBeGreaterThan(j.quality.networkDelayMeanMs);
    expect(j.quality.concealmentPct).toBeLessThanOrEqual(j.quality.networkLossPct + j.quality.lateLossPct + 0.5);
  }, 120_000);

  it('--fec on a lossy network: packets carry in-band FEC, lost ones are rebuilt from it where the decoder can, and the estimate is no worse', () => {
    if (kit.features.opus === 'none') return; // covered by the previous test's refusal
    const run = (fec: boolean) => {
      const rep = join(work, `fec-${fec}-${backend}.json`);
      const r = cli(backend, ['sim', '--codec', 'opus', '--netem', 'delay 20ms loss 5%', '--duration', '20', '--seed', '3', '--report', rep, ...(fec ? ['--fec'] : [])]);
      expect(r.status, r.stderr).toBe(0);
      return { out: r.stdout, j: JSON.parse(readFileSync(rep, 'utf8')) };
    };
    const off = run(false);
    const on = run(true);
    expect(off.j.sendPath.fecPackets).toBe(0);
    expect(on.j.sendPath.fecExpectedLossPct).toBe(10);
    // LBRR is spent on active speech: roughly the half of the built-in signal that is voiced
    expect(on.j.sendPath.fecPackets).toBeGreaterThan(on.j.sendPath.audioPackets / 4);
    // the same network either way (no byte-dependent stage): the same packets lost
    expect(on.j.quality.networkLossPct).toBe(off.j.quality.networkLossPct);
    expect(on.j.quality.networkLossPct).toBeGreaterThan(2);
    expect(off.j.quality.fecRecovered).toBe(0);
    const decoder = kit.createOpusDecoder({ sampleRate: 8000, channels: 1 });
    const canDecodeFec = decoder.canDecodeFec;
    decoder.close();
    expect(on.j.sendPath.fecDecoding).toBe(canDecodeFec);
    if (canDecodeFec) {
      expect(on.j.quality.fecRecovered).toBeGreaterThan(0);
      expect(on.j.quality.emodel.Ppl).toBeLessThan(off.j.quality.emodel.Ppl);
      expect(on.out).toMatch(new RegExp(`; ${on.j.quality.fecRecovered} lost or late packets rebuilt from it\n`));
    } else {
      // opusscript conceals instead of decoding FEC: nothing is claimed as rebuilt, and the summary says why
      expect(on.j.quality.fecRecovered).toBe(0);
      expect(on.out).toMatch(/cannot decode FEC: it conceals instead/);
    }
    expect(on.j.quality.emodel.R).toBeGreaterThanOrEqual(off.j.quality.emodel.R);
  }, 120_000);

  it('--ptime changes the packetisation end to end: 40 ms sends half the packets of 20 ms, 10 ms twice as many', () => {
    const run = (args: string[]) => {
      const rep = join(work, `ptime-${args.join('')}-${backend}.json`);
      const r = cli(backend, ['sim', '--profile', 'lan', '--duration', '10', '--report', rep, ...args]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(rep, 'utf8'));
    };
    const p20 = run([]);
    const p40 = run(['--ptime', '40']);
    const p10 = run(['--ptime', '10']);
    expect(p20.quality.packets).toBe(500);
    expect(p40.quality.packets).toBe(250);
    expect(p10.quality.packets).toBe(1000);
    const p60 = run(['--ptime', '60']);
    expect(p60.quality.packets).toBe(166); // whole 60 ms packets in 10 s
    expect(p60.quality.concealmentPct).toBeLessThan(0.5);
    expect(p40.network.stats.sent).toBe(p20.network.stats.sent / 2);
    // 320-byte payloads: the same 64 kbit/s of G.711
    expect(p40.sendPath.payloadBitrate).toBe(64000);
    // every packet played once, whole: nothing lost or concealed on the lan profile
    for (const p of [p10, p20, p40]) {
      expect(p.quality.lateLossPct).toBe(0);
      expect(p.quality.concealmentPct).toBeLessThan(0.5);
    }
    // packetisation is part of the mouth-to-ear delay
    expect(p40.quality.emodel.assumptions).toMatch(/\+ 40 ms packetisation/);
    if (kit.features.opus !== 'none') {
      const o10 = run(['--codec', 'opus', '--ptime', '10']);
      expect(o10.quality.packets).toBe(1000);
      expect(o10.quality.lateLossPct).toBe(0);
      expect(o10.quality.concealmentPct).toBeLessThan(0.5);
      expect(o10.quality.e2eMeanMs).toBeGreaterThan(o10.quality.networkDelayMeanMs);
    }
  }, 120_000);

  it('replays a pcap capture: its packets, arrival times and losses', () => {
    const cap = makeCapture(300);
    const rep = join(work, `pcap-${backend}.json`);
    const log = join(work, `pcaplog-${backend}.csv`);
    const r = cli(backend, ['sim', '--pcap', cap.file, '--report', rep, '--playout-log', log]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/capture call\.pcap \(SSRC 0x11223344, 298 packets received, 3 missing\)/);
    const j = JSON.parse(readFileSync(rep, 'utf8'));
    expect(j.quality.packets).toBe(300);
    expect(j.quality.networkLossPct).toBeCloseTo(1, 9);
    expect(j.jitterBuffer.duplicate).toBe(1);
    // the same log as replaying the capture's trace and packets in-process
    const tr = captureToTrace(pickStream(parsePcapRtp(readFileSync(cap.file))));
    expect(readFileSync(log, 'utf8')).toBe(formatPlayoutLog(replayTrace(kit, tr.rows, { codec: tr.codec, packets: tr.packets }).log));
    const other = cli(backend, ['sim', '--pcap', cap.file, '--ssrc', '0x55']);
    expect(other.status).toBe(0);
    expect(other.stdout).toMatch(/SSRC 0x55, 5 packets received/);
  }, 120_000);
});

describe('voipkit sim sweep and bad input', () => {
  const backend = BACKENDS[0];
  it('sweeps loss × jitter on worker threads, prints the MOS table and writes the heat map', () => {
    const html = join(work, 'sweep.html');
    const rep = join(work, 'sweep.json');
    const r = cli(backend, ['sim', 'sweep', '--duration', '4', '--x-values', '0,40', '--y-values', '0,5', '--workers', '2', '--html', html, '--report', rep]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/MOS \(ITU-T G\.107\) by loss \(%\) and jitter \(ms\)/);
    const j = JSON.parse(readFileSync(rep, 'utf8'));
    expect(j.mos.length).toBe(2);
    // more loss and more jitter never help
    expect(j.mos[0][0]).toBeGreaterThan(j.mos[1][0]);
    expect(j.mos[0][0]).toBeGreaterThan(j.mos[0][1]);
    expect(existsSync(html)).toBe(true);
    expect((readFileSync(html, 'utf8').match(/class="cell"/g) ?? []).length).toBe(4);
    // the worker threads and the main thread compute the same cells
    const r0 = cli(backend, ['sim', 'sweep', '--duration', '4', '--x-values', '0,40', '--y-values', '0,5', '--workers', '0', '--report', rep]);
    expect(r0.status).toBe(0);
    expect(JSON.parse(readFileSync(rep, 'utf8')).mos).toEqual(j.mos);
  }, 180_000);

  it('without Opus (kit.features.opus none), --codec opus is refused with one line before anything runs', async () => {
    const real = await kitFor(backend);
    const noOpus = { ...real, features: { ...real.features, opus: 'none' as const } };
    const printed: string[] = [];
    const err = await runNetsimCommand({ codec: 'opus', duration: '1', progress: false }, (t) => printed.push(t), noOpus).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unsupported' });
    expect((err as Error).message).toMatch(/^--codec opus: Opus is not available on the \w+ backend \(build the addon with libopus/);
    expect((err as Error).message).not.toMatch(/\n/);
    expect(printed).toEqual([]);
  });

  it('bad input: one clear line, non-zero exit, no stack trace', () => {
    const notWav = join(work, 'x.wav');
    writeFileSync(notWav, 'hello');
    const cases: [string[], RegExp][] = [
      [['sim', '--trace', 'x.csv', '--profile', 'lan'], /--trace replays a recorded network; --profile describes a simulated one/],
      [['sim', '--pcap', 'a.pcap', '--trace', 'b.csv'], /--trace and --pcap are contradictory/],
      [['sim', '--pcap', join(root, 'package.json')], /pcap: not a pcap file/],
      [['sim', '--netem', 'delay 10ms loss banana'], /netem: loss model must be random, state or gemodel/],
      [['sim', '--netem', 'reorder 5%'], /reordering needs a delay/],
      [['sim', '--seed', 'x'], /--seed must be a number/],
      [['sim', '--profile', 'moon'], /argument 'moon' is invalid/],
      [['sim', '--input', notWav], /not a WAV file/],
      [['sim', '--duration', '0'], /--duration must be/],
      [['sim', '--jb', 'fixed:5'], /--jb must be adaptive or fixed:MS/],
      [['sim', '--ns', '3'], /--ns must be a number in \[0, 1\]/],
      [['sim', '--srtp', 'ROT13'], /argument 'ROT13' is invalid/],
      [['sim', '--trace', join(root, 'test/vectors/jitter-traces/a_lan.csv'), '--srtp', 'AEAD_AES_128_GCM'], /--srtp applies to the simulated pipeline/],
      [['sim', 'sweep', '--x', 'loss', '--y', 'loss'], /--x and --y must differ/],
      [['sim', 'sweep', '--x-values', '1,,2'], /--x-values must be a comma-separated list/],
      [['sim', '--codec', 'g729'], /--codec must be pcmu, pcma or opus, got "g729"/],
      [['sim', '--bitrate', '16000'], /--bitrate applies to opus; pcmu is 64 kbit\/s/],
      [['sim', '--codec', 'pcma', '--fec'], /--fec \(Opus in-band FEC\) applies to opus, not pcma/],
      [['sim', '--codec', 'opus', '--bitrate', '100'], /--bitrate must be an integer in 6000\.\.510000/],
      [['sim', '--codec', 'opus', '--fec', '0'], /--fec expected loss must be an integer in 1\.\.100/],
      [['sim', '--codec', 'opus', '--ptime', '40'], /--ptime 40 ms with opus: AudioReceiver's Opus playout conceals a lost packet \(when the next one is missing too\) with one 10 or 20 ms frame/],
      [['sim', '--codec', 'opus', '--ptime', '30'], /--ptime must be one of 10, 20 ms for opus/],
      [['sim', '--ptime', '25'], /--ptime must be one of 10, 20, 30, 40, 60 ms for pcmu/],
      [['sim', '--ptime', 'x'], /--ptime must be a whole number/],
      [['sim', '--trace', join(root, 'test/vectors/jitter-traces/a_lan.csv'), '--ptime', '40'], /--trace replays a recorded network .*; --ptime shapes the simulated send path/],
      [['sim', '--trace', join(root, 'test/vectors/jitter-traces/a_lan.csv'), '--codec', 'opus'], /--codec opus needs the simulated network/],
      [['sim', '--pcap', 'a.pcap', '--dtx'], /--pcap replays the captured packets; --dtx shapes the simulated send path/],
      [['sim', '--ptime', '40', '--export-trace', join(work, 'x.csv')], /--export-trace writes the trace format of 20 ms G\.711 packets .* --ptime 40/],
    ];
    for (const [args, re] of cases) {
      const r = cli(backend, args);
      expect(r.status, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(/^voipkit: /);
      expect(lines[0], args.join(' ')).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 180_000);
});
