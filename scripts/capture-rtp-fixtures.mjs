#!/usr/bin/env node
/**
 * Capture RTP/RTCP fixtures from ffmpeg over loopback UDP (run once, by hand;
 * the tests read the committed JSON and never need ffmpeg).
 *
 *   node scripts/capture-rtp-fixtures.mjs [pcmu] [opus] [gst] [gst-pli] [gst-fir]   # writes test/vectors/rtp/*.json (default: all)
 *
 * 1. pcmu / opus: ffmpeg's RTP muxer sends a 6 s sine to 127.0.0.1:PORT (RTP)
 *    and PORT+1 (RTCP SR + SDES, and BYE at the end with -rtpflags send_bye);
 *    we record every datagram in arrival order.
 * 2. tshark captures the same datagrams on lo into a pcap and decodes them
 *    (-d udp.port==PORT,rtp / PORT+1,rtcp); its field values are stored next
 *    to each datagram as an independent decoding for the tests to compare to.
 * 3. gst: GStreamer's rtpbin as the *receiver* (AVPF profile, retransmission
 *    requests on): we replay ffmpeg-pcmu.json to it at 20 ms pacing, drop a
 *    few packets on purpose, forward the SRs, and record the RTCP it sends
 *    back (RR + SDES compounds, generic NACKs), again with tshark's decoding.
 *    (ffmpeg 5.1 as a receiver never sent us an RR over loopback, hence
 *    GStreamer for this side.)
 * 4. gst-pli / gst-fir: ffmpeg sends H.264 through a relay here that drops
 *    every 40th packet to GStreamer (rtph264depay request-keyframe=true, caps
 *    offering rtcp-fb-nack-pli or rtcp-fb-ccm-fir); GStreamer asks for a key
 *    frame with PSFB PLI or FIR, which we record with tshark's decoding.
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
  return startTsharkFilter(`udp and (port ${port} or port ${port + 1})`, pcap);
}

async function startTsharkFilter(filter, pcap) {
  const p = spawn('tshark', ['-i', 'lo', '-f', filter, '-w', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
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
function tsharkDecode(pcap, port, decodeFields = [...RTP_FIELDS, ...RTCP_FIELDS]) {
  const fields = ['udp.dstport', 'udp.payload', ...decodeFields];
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

const RR_FIELDS = ['rtcp.pt', 'rtcp.rc', 'rtcp.length', 'rtcp.senderssrc', 'rtcp.ssrc.identifier', 'rtcp.ssrc.fraction', 'rtcp.ssrc.cum_nr',
  'rtcp.ssrc.ext_high', 'rtcp.ssrc.jitter', 'rtcp.ssrc.lsr', 'rtcp.ssrc.dlsr', 'rtcp.sdes.type', 'rtcp.sdes.text', 'rtcp.rtpfb.fmt', 'rtcp.mediassrc',
  'rtcp.rtpfb.nack_pid', 'rtcp.rtpfb.nack_blp'];

/** Sequence numbers the relay drops on purpose when replaying ffmpeg-pcmu.json to GStreamer. */
const GST_DROP = [65510, 65511, 65530, 2, 5, 100];

async function captureGstReceiver(port) {
  // GStreamer listens on PORT (RTP) / PORT+1 (RTCP); we send from and listen on PORT+10 / PORT+11.
  const pcmu = JSON.parse(execFileSync('cat', [join(OUT, 'ffmpeg-pcmu.json')]).toString());
  const ours = port + 10;
  const pcap = join(mkdtempSync(join(tmpdir(), 'voipkit-rtp-')), 'gst.pcap');
  const stopTshark = await startTsharkFilter(`udp and port ${ours + 1}`, pcap);
  const [rtp, rtcp] = await bindPair(ours);
  const packets = [];
  const t0 = Date.now();
  rtcp.on('message', (m) => packets.push({ socket: 'rtcp', t: Date.now() - t0, hex: m.toString('hex') }));
  const args = ['-q', 'rtpbin', 'name=rb', 'do-retransmission=true', 'rtp-profile=avpf',
    'udpsrc', `address=${HOST}`, `port=${port}`, 'caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0', '!', 'rb.recv_rtp_sink_0',
    'udpsrc', `address=${HOST}`, `port=${port + 1}`, 'caps=application/x-rtcp', '!', 'rb.recv_rtcp_sink_0',
    'rb.', '!', 'rtppcmudepay', '!', 'fakesink',
    'rb.send_rtcp_src_0', '!', 'udpsink', `host=${HOST}`, `port=${ours + 1}`, 'sync=false', 'async=false'];
  const startedAt = new Date().toISOString();
  const gst = spawn('gst-launch-1.0', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const gstExited = new Promise((r) => gst.on('exit', r));
  await new Promise((r) => setTimeout(r, 1500)); // let the pipeline start
  const sent = [];
  for (const p of pcmu.packets) {
    const b = Buffer.from(p.hex, 'hex');
    if (p.socket === 'rtcp') {
      rtcp.send(b, port + 1, HOST);
      sent.push({ socket: 'rtcp', t: Date.now() - t0, hex: p.hex });
      continue;
    }
    const seq = b.readUInt16BE(2);
    if (!GST_DROP.includes(seq)) {
      rtp.send(b, port, HOST);
      sent.push({ socket: 'rtp', t: Date.now() - t0, seq, ts: b.readUInt32BE(4) });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // keep the session alive until a regular report with a report block arrives (RTCP interval ~5 s), at most 12 s
  const hasBlock = () => packets.some((p) => p.hex.slice(2, 4) === 'c9' && (parseInt(p.hex.slice(0, 2), 16) & 0x1f) > 0);
  for (let i = 0; i < 60 && !hasBlock(); i++) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 300));
  if (gst.exitCode === null) gst.kill('SIGINT');
  await gstExited;
  rtp.close();
  rtcp.close();
  await stopTshark();
  const decoded = tsharkDecode(pcap, ours, RR_FIELDS);
  for (const p of packets) {
    const list = decoded.get(p.hex);
    if (!list || list.length === 0) throw new Error(`tshark did not see datagram ${p.hex.slice(0, 40)}...`);
    p.tshark = list.shift();
  }
  const gstVersion = execFileSync('gst-launch-1.0', ['--version']).toString().split('\n').slice(0, 2).join(' / ');
  return {
    name: 'gstreamer-receiver', gstVersion, tsharkVersion, capturedAt: startedAt, command: `gst-launch-1.0 ${args.join(' ')}`,
    replayed: 'test/vectors/rtp/ffmpeg-pcmu.json at 20 ms pacing (RTCP forwarded as captured)', dropped: GST_DROP,
    tsharkCommand: `tshark -r gst.pcap -d udp.port==${ours + 1},rtcp -T fields -e <field>...`,
    captureWallClockMs: t0, sent, packets,
  };
}

const PSFB_FIELDS = ['rtcp.pt', 'rtcp.rc', 'rtcp.length', 'rtcp.senderssrc', 'rtcp.ssrc.identifier', 'rtcp.psfb.fmt', 'rtcp.mediassrc',
  'rtcp.psfb.fir.fci.ssrc', 'rtcp.psfb.fir.fci.csn', 'rtcp.sdes.text'];

async function captureGstKeyframeRequest(name, port, fb) {
  // ffmpeg -> us (PORT, PORT+1) -> GStreamer (PORT+100, PORT+101); GStreamer's RTCP -> us (PORT+110, PORT+111).
  const gstPort = port + 100;
  const ours = port + 110;
  const pcap = join(mkdtempSync(join(tmpdir(), 'voipkit-rtp-')), `${name}.pcap`);
  const stopTshark = await startTsharkFilter(`udp and port ${ours + 1}`, pcap);
  const [inRtp, inRtcp] = await bindPair(port);
  const [outRtp, outRtcp] = await bindPair(ours);
  const packets = [];
  const forwarded = [];
  const dropped = [];
  const t0 = Date.now();
  let n = 0;
  inRtp.on('message', (m) => {
    n++;
    const rec = { t: Date.now() - t0, seq: m.readUInt16BE(2), ts: m.readUInt32BE(4), marker: m[1] >> 7 };
    if (n % 40 === 0) dropped.push(rec);
    else {
      forwarded.push(rec);
      outRtp.send(m, gstPort, HOST);
    }
  });
  inRtcp.on('message', (m) => outRtcp.send(m, gstPort + 1, HOST));
  outRtcp.on('message', (m) => packets.push({ socket: 'rtcp', t: Date.now() - t0, hex: m.toString('hex') }));
  const caps = `application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96,${fb}=(boolean)true`;
  const gstArgs = ['-q', 'rtpbin', 'name=rb', 'rtp-profile=avpf',
    'udpsrc', `address=${HOST}`, `port=${gstPort}`, `caps=${caps}`, '!', 'rb.recv_rtp_sink_0',
    'udpsrc', `address=${HOST}`, `port=${gstPort + 1}`, 'caps=application/x-rtcp', '!', 'rb.recv_rtcp_sink_0',
    'rb.', '!', 'rtph264depay', 'request-keyframe=true', 'wait-for-keyframe=true', '!', 'fakesink',
    'rb.send_rtcp_src_0', '!', 'udpsink', `host=${HOST}`, `port=${ours + 1}`, 'sync=false', 'async=false'];
  const ffArgs = ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=5', '-c:v', 'libx264', '-tune', 'zerolatency', '-g', '250',
    '-f', 'rtp', '-ssrc', '305419896', '-seq', '100', `rtp://${HOST}:${port}?pkt_size=600`];
  const startedAt = new Date().toISOString();
  const gst = spawn('gst-launch-1.0', gstArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const gstExited = new Promise((r) => gst.on('exit', r));
  await new Promise((r) => setTimeout(r, 1500));
  await run(ffArgs);
  await new Promise((r) => setTimeout(r, 1500));
  if (gst.exitCode === null) gst.kill('SIGINT');
  await gstExited;
  for (const x of [inRtp, inRtcp, outRtp, outRtcp]) x.close();
  await stopTshark();
  const decoded = tsharkDecode(pcap, ours, PSFB_FIELDS);
  for (const p of packets) {
    const list = decoded.get(p.hex);
    if (!list || list.length === 0) throw new Error(`tshark did not see datagram ${p.hex.slice(0, 40)}...`);
    p.tshark = list.shift();
  }
  const gstVersion = execFileSync('gst-launch-1.0', ['--version']).toString().split('\n').slice(0, 2).join(' / ');
  return {
    name, ffmpegVersion, gstVersion, tsharkVersion, capturedAt: startedAt,
    senderCommand: `ffmpeg ${ffArgs.join(' ')}`, receiverCommand: `gst-launch-1.0 ${gstArgs.join(' ')}`,
    note: 'RTP as summaries (seq, ts, marker read with Buffer.readUInt*): forwarded to GStreamer, or dropped (every 40th); packets: the RTCP GStreamer sent back',
    captureWallClockMs: t0, forwarded, dropped, packets,
  };
}

const only = process.argv.slice(2); // e.g. "opus"; default: all
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
if (want('gst')) {
  const gst = await captureGstReceiver(47100);
  writeFileSync(join(OUT, 'gstreamer-receiver.json'), JSON.stringify(gst, null, 1) + '\n');
  console.log(`gst: ${gst.packets.length} RTCP datagrams from GStreamer`);
}
for (const [name, fb, port] of [['gst-pli', 'rtcp-fb-nack-pli', 47200], ['gst-fir', 'rtcp-fb-ccm-fir', 47220]]) {
  if (!want(name)) continue;
  const cap = await captureGstKeyframeRequest(name, port, fb);
  writeFileSync(join(OUT, `gstreamer-${name.slice(4)}.json`), JSON.stringify(cap, null, 1) + '\n');
  console.log(`${name}: ${cap.packets.length} RTCP datagrams from GStreamer, ${cap.dropped.length} RTP packets dropped`);
}
