/**
 * npm run example:call — a two-party call over loopback UDP for a few
 * seconds: two softphones, SRTP both ways (a key per direction), Opus one way
 * (Alice, 48 kHz) and G.711 μ-law the other (Bob), RTCP (SR with report
 * blocks, RTT) and a DTMF digit from Bob; prints both sides' statistics.
 *
 * With `--relay`, a transcoding (Opus <-> PCMU through the resampler),
 * re-keying RtpRelay sits between them (npm run example:relay): each phone
 * then receives the other's audio in its own codec.
 */
import { createSocket, type Socket } from 'node:dgram';
import { load, AudioSender, AudioReceiver, FramePacer, RtpRelay, type VoipKit, type SrtpSession } from '../src/index.js';

const SECONDS = Number(process.env.CALL_SECONDS ?? 4);
const useRelay = process.argv.includes('--relay');

function key(): { masterKey: Uint8Array; masterSalt: Uint8Array } {
  return { masterKey: crypto.getRandomValues(new Uint8Array(16)), masterSalt: crypto.getRandomValues(new Uint8Array(14)) };
}

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

interface Phone {
  name: string;
  sock: Socket;
  sender: AudioSender;
  receiver: AudioReceiver;
  srtp: SrtpSession[];
  peerPort: number;
  tone: number;
}

function phone(kit: VoipKit, name: string, sock: Socket, codec: 'pcmu' | 'pcma' | 'opus', txKey: ReturnType<typeof key>, rxKey: ReturnType<typeof key>, tone: number): Phone {
  const tx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...txKey });
  const rx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...rxKey });
  const rtcp = { minIntervalMs: 1000 };
  const sender = new AudioSender(kit, performance.now(), { codec, srtp: tx, cname: `${name}@voipkit.example`, rtcp });
  const receiver = new AudioReceiver(kit, performance.now(), { srtp: rx, rtcpSession: sender.rtcp, cname: `${name}-rx@voipkit.example`, rtcp });
  return { name, sock, sender, receiver, srtp: [tx, rx], peerPort: 0, tone };
}

async function main(): Promise<void> {
  const kit = await load();
  console.log(`voipkit ${kit.version}, backend ${kit.backend}; ${SECONDS} s call over 127.0.0.1${useRelay ? ' through a transcoding relay' : ''}`);
  const kA = key(), kB = key();
  const sa = await bind(), sb = await bind();
  const a = phone(kit, 'alice', sa, 'opus', kA, kB, 440);
  const b = phone(kit, 'bob', sb, 'pcmu', kB, kA, 660);
  let relaySock: { a: Socket; b: Socket } | undefined;
  let relay: RtpRelay | undefined;
  if (useRelay) {
    // The relay holds both legs' keys: it unprotects what Alice sends with her
    // key and protects it for Bob with a key of its own, and vice versa.
    const kRa = key(), kRb = key();
    // Re-key: Bob now receives with the relay's key for leg b, Alice with leg a's.
    a.srtp[1].close();
    b.srtp[1].close();
    const aRx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRa });
    const bRx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRb });
    a.receiver.close();
    b.receiver.close();
    a.receiver = new AudioReceiver(kit, performance.now(), { srtp: aRx, rtcpSession: a.sender.rtcp, rtcp: { minIntervalMs: 1000 } });
    b.receiver = new AudioReceiver(kit, performance.now(), { srtp: bRx, rtcpSession: b.sender.rtcp, rtcp: { minIntervalMs: 1000 } });
    a.srtp[1] = aRx;
    b.srtp[1] = bRx;
    relay = new RtpRelay(kit, {
      mode: 'transcode',
      a: { codec: 'opus', srtpIn: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kA }), srtpOut: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRa }) },
      b: { codec: 'pcmu', srtpIn: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kB }), srtpOut: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRb }) },
    });
    relaySock = { a: await bind(), b: await bind() };
    a.peerPort = relaySock.a.address().port;
    b.peerPort = relaySock.b.address().port;
    const r = relay;
    relaySock.a.on('message', (m) => { for (const o of r.relay('a', new Uint8Array(m), performance.now())) relaySock!.b.send(o, sb.address().port, '127.0.0.1'); });
    relaySock.b.on('message', (m) => { for (const o of r.relay('b', new Uint8Array(m), performance.now())) relaySock!.a.send(o, sa.address().port, '127.0.0.1'); });
  } else {
    a.peerPort = sb.address().port;
    b.peerPort = sa.address().port;
  }
  for (const p of [a, b]) p.sock.on('message', (m) => p.receiver.receive(new Uint8Array(m), performance.now()));

  const t0 = performance.now();
  const pacer = new FramePacer(t0, 20);
  const playout = new FramePacer(t0 + 60, 20);
  let frame = 0;
  let dtmfSent = false;
  const heard: Record<string, number[]> = { alice: [], bob: [] };
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      for (let k = pacer.due(now); k > 0; k--, frame++) {
        for (const p of [a, b]) {
          const n = p.sender.frameSamples, rate = p.sender.sampleRate;
          const pcm = Int16Array.from({ length: n }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * p.tone * (frame * n + i)) / rate)));
          for (const d of p.sender.send(pcm, now)) p.sock.send(d, p.peerPort, '127.0.0.1');
          const r = p.sender.pollRtcp(now);
          if (r) p.sock.send(r, p.peerPort, '127.0.0.1');
        }
        if (!dtmfSent && now - t0 > 1000) {
          b.sender.sendDtmf('5', 160);
          dtmfSent = true;
        }
      }
      for (let k = playout.due(now); k > 0; k--) {
        for (const p of [a, b]) {
          const f = p.receiver.poll(now);
          let e = 0;
          for (const v of f.pcm) e += v * v;
          heard[p.name].push(Math.sqrt(e / f.pcm.length));
        }
      }
      if (now - t0 > SECONDS * 1000) {
        clearInterval(timer);
        done();
      }
    }, 5);
  });

  for (const p of [a, b]) {
    const s = p.sender.stats();
    const r = p.receiver.stats();
    const rec = r.reception;
    const ev = p.receiver.events().filter((e) => e.type === 'end').map((e) => `${e.digit} (${e.durationMs} ms)`);
    const rms = heard[p.name].slice(20);
    console.log(`\n${p.name}: sent ${p.sender.codec} ${s.audioPackets} audio + ${s.dtmfPackets} DTMF packets (${s.octets} payload octets) over SRTP`);
    console.log(`  received ${r.rtp} RTP / ${r.rtcp} RTCP datagrams, dropped ${JSON.stringify(r.dropped)}`);
    const playout = r.jitter ? `jitter buffer delay ${r.jitter.currentDelayMs.toFixed(1)} ms, expand rate ${r.jitter.expandRate.toFixed(3)}` : r.opus ? `Opus playout: ${r.opus.played} decoded, ${r.opus.concealed} concealed, ${r.opus.fec} from FEC, ${r.opus.late} late` : '';
    console.log(`  loss ${rec?.cumulativeLost ?? '-'} of ${rec?.expected ?? '-'}, jitter ${rec?.jitterMs.toFixed(2) ?? '-'} ms; ${playout}`);
    console.log(`  round-trip time ${s.roundTripMs === undefined ? 'not yet measured' : s.roundTripMs.toFixed(2) + ' ms'}; DTMF heard: ${ev.join(', ') || 'none'}`);
    console.log(`  playout RMS ${(rms.reduce((x, y) => x + y, 0) / rms.length).toFixed(0)} (tone sent at RMS ${(6000 / Math.SQRT2).toFixed(0)})`);
  }
  if (relay) console.log('\nrelay:', JSON.stringify(relay.stats()));
  for (const p of [a, b]) {
    p.sender.close();
    p.receiver.close();
    p.srtp.forEach((s) => s.close());
    p.sock.close();
  }
  relaySock?.a.close();
  relaySock?.b.close();
}

await main();
