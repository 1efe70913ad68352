#!/usr/bin/env node
/**
 * Capture RTP/RTCP fixtures from ffmpeg over loopback UDP (run once, by hand;
 * the tests read the committed JSON and never need ffmpeg).
 *
 *   node scripts/capture-rtp-fixtures.mjs [pcmu] [opus]   # writes test/vectors/rtp/ffmpeg-*.json (default: both)
 *
 * 1. pcmu / opus: ffmpeg's RTP muxer sends a 6 s sine to 127.0.0.1:PORT (RTP)
 *    and PORT+1 (RTCP SR + SDES, and BYE at the end with -rtpflags send_bye);
 *    we record every datagram in arrival order.
 * 2. tshark captures the same datagrams on lo into a pcap and decodes them
 *    (-d udp.port==PORT,rtp / PORT+1,rtcp); its field values are stored next
 *    to each datagram as an independent decoding for the tests to compare to.
 *
 * (ffmpeg 5.1 as an RTP *receiver* never sent us an RR in a loopback setup
 * with -sdp_flags rtcp_to_source, so receiver reports are covered by the
 * hand-written RFC layouts in test/rtcp.test.ts instead.)
 */
import dgram from 'node:dgram';
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'vectors', 'rtp');
const HOST = '127.0.0.1';
const ffmpegVersion = execFileSync('ffmpeg', ['-version']).toString().split('\n')[0];
const tsharkVersion = execFileSync('tshark', ['-v']).toString().split('\n')[0];

function bindPair(port) {
  return Promise.all([port, port + 1].map((p) => new Promise((res, rej) => {
    const s = dgram.createSocket('udp4');
    s.once('error', rej);
    s.bind(p, HOST, () => res(s));
  })));
}

function run(args) {
  return new Promise((res, rej) => {
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? res(err) : rej(new Error(`ffmpeg exited ${code}:\n${err}`))));
  });
}

const RTP_FIELDS = ['rtp.version', 'rtp.padding', 'rtp.ext', 'rtp.cc', 'rtp.marker', 'rtp.p_type', 'rtp.seq', 'rtp.timestamp', 'rtp.ssrc'];
const RTCP_FIELDS = ['rtcp.pt', 'rtcp.length', 'rtcp.senderssrc', 'rtcp.timestamp.ntp.msw', 'rtcp.timestamp.ntp.lsw', 'rtcp.timestamp.rtp',
  'rtcp.sender.packetcount', 'rtcp.sender.octetcount', 'rtcp.sdes.type', 'rtcp.sdes.text', 'rtcp.ssrc.identifier'];

async function startTshark(port, pcap) {
  const p = spawn('tshark', ['-i', 'lo', '-f', `udp and (port ${port} or port ${port + 1})`, '-w', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => p.on('exit', r));
  await new Promise((res, rej) => {
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
      if (err.includes('Capturing on')) res();
    });
    setTimeout(() => rej(new Error(`tshark did not start:\n${err}`)), 10000);
  });
  return async () => {
    await new Promise((r) => setTimeout(r, 500));
    p.kill('SIGINT');
    await exited;
  };
}

/** tshark's decoding of each UDP payload in the pcap: payload hex -> list of { field: value } (in order). */
function tsharkDecode(pcap, port) {
  const fields = ['udp.dstport', 'udp.payload', ...RTP_FIELDS, ...RTCP_FIELDS];
  const out = execFileSync('tshark', ['-r', pcap, '-d', `udp.port==${port},rtp`, '-d', `udp.port==${port + 1},rtcp`, '-T', 'fields', '-E', 'separator=|',
    ...fields.flatMap((f) => ['-e', f])], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
  const byPayload = new Map();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const v = line.split('|');
    const rec = {};
    fields.forEach((f, i) => {
      if (i >= 2 && v[i] !== '') rec[f] = v[i];
    });
    const key = v[1].replace(/:/g, '');
    if (!byPayload.has(key)) byPayload.set(key, []);
    byPayload.get(key).push(rec);
  }
  return byPayload;
}

async function captureSender(name, port, codecArgs) {
  const pcap = join(mkdtempSync(join(tmpdir(), 'voipkit-rtp-')), `${name}.pcap`);
  const stopTshark = await startTshark(port, pcap);
  const [rtp, rtcp] = await bindPair(port);
  const packets = [];
  const t0 = Date.now();
  rtp.on('message', (m) => packets.push({ socket: 'rtp', t: Date.now() - t0, hex: m.toString('hex') }));
  rtcp.on('message', (m) => packets.push({ socket: 'rtcp', t: Date.now() - t0, hex: m.toString('hex') }));
  const args = ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6', ...codecArgs,
    '-f', 'rtp', '-ssrc', '305419896', '-seq', '65500', '-cname', 'voipkit-fixture@127.0.0.1', '-rtpflags', 'send_bye', `rtp://${HOST}:${port}?pkt_size=1200`];
  const startedAt = new Date().toISOString();
  await run(args);
  await new Promise((r) => setTimeout(r, 300));
  rtp.close();
  rtcp.close();
  await stopTshark();
  const decoded = tsharkDecode(pcap, port);
  for (const p of packets) {
    const list = decoded.get(p.hex);
    if (!list || list.length === 0) throw new Error(`tshark did not see datagram ${p.hex.slice(0, 40)}...`);
    p.tshark = list.shift();
  }
  return {
    name, ffmpegVersion, tsharkVersion, capturedAt: startedAt, command: `ffmpeg ${args.join(' ')}`,
    tsharkCommand: `tshark -r ${name}.pcap -d udp.port==${port},rtp -d udp.port==${port + 1},rtcp -T fields -e <field>...`,
    captureWallClockMs: t0, packets,
  };
}

const only = process.argv.slice(2); // e.g. "opus"; default: both
const want = (n) => only.length === 0 || only.includes(n);
if (want('pcmu')) {
  const pcmu = await captureSender('ffmpeg-pcmu', 47000, ['-af', 'aresample=8000,asetnsamples=n=160', '-c:a', 'pcm_mulaw', '-ac', '1']);
  writeFileSync(join(OUT, 'ffmpeg-pcmu.json'), JSON.stringify(pcmu, null, 1) + '\n');
  console.log(`pcmu: ${pcmu.packets.length} datagrams`);
}
if (want('opus')) {
  const opus = await captureSender('ffmpeg-opus', 47010, ['-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-frame_duration', '20']);
  writeFileSync(join(OUT, 'ffmpeg-opus.json'), JSON.stringify(opus, null, 1) + '\n');
  console.log(`opus: ${opus.packets.length} datagrams`);
}
