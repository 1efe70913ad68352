/**
 * npm run example:call — a two-party call over loopback UDP for a few
 * seconds: two softphones, SRTP both ways (a key per direction), Opus one way
 * (Alice, 48 kHz) and G.711 μ-law the other (Bob), RTCP (SR with report
 * blocks, RTT) and a DTMF digit from Bob; prints both sides' statistics.
 *
 * With `--relay`, a transcoding (Opus <-> PCMU through the resampler),
 * re-keying RtpRelay sits between them (npm run example:relay): each phone
 * then receives the other's audio in its own codec. The relay terminates the
 * media on each leg, so it makes its own RTCP there (SR, report blocks,
 * CNAME, BYE): each phone's round-trip time is then the one to the relay,
 * and the relay prints each leg's loss, jitter and round-trip time.
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
      a: { codec: 'opus', cname: 'relay-a@voipkit.example', rtcp: { minIntervalMs: 1000 }, srtpIn: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kA }), srtpOut: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRa }) },
      b: { codec: 'pcmu', cname: 'relay-b@voipkit.example', rtcp: { minIntervalMs: 1000 }, srtpIn: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kB }), srtpOut: kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...kRb }) },
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
        if (relay && relaySock) {
          // the relay's own RTCP on each leg
          const ra = relay.pollRtcp('a', now);
          if (ra) relaySock.a.send(ra, sa.address().port, '127.0.0.1');
          const rb = relay.pollRtcp('b', now);
          if (rb) relaySock.b.send(rb, sb.address().port, '127.0.0.1');
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
    console.log(`  round-trip time${relay ? ' to the relay' : ''} ${s.roundTripMs === undefined ? 'not yet measured' : s.roundTripMs.toFixed(2) + ' ms'}; DTMF heard: ${ev.join(', ') || 'none'}`);
    console.log(`  playout RMS ${(rms.reduce((x, y) => x + y, 0) / rms.length).toFixed(0)} (tone sent at RMS ${(6000 / Math.SQRT2).toFixed(0)})`);
  }
  if (relay) {
    const st = relay.stats();
    for (const leg of ['a', 'b'] as const) {
      const l = st[leg], r = l.rtcp;
      const who = leg === 'a' ? 'alice' : 'bob';
      console.log(`\nrelay leg ${leg} (${who}): received ${l.received} datagrams (${l.rtcpIn} RTCP), sent ${l.sent} RTP (${l.transcoded} transcoded) + ${l.rtcpOut} RTCP, dropped ${JSON.stringify(l.dropped)}`);
      if (r) {
        const rec = r.reception;
        console.log(`  its RTCP as ${r.cname}: SR ${r.packetsSent} packets / ${r.octetsSent} octets; loss from ${who} ${rec?.cumulativeLost ?? '-'} of ${rec?.expected ?? '-'}, jitter ${rec?.jitterMs.toFixed(2) ?? '-'} ms; round-trip time ${r.roundTripMs === undefined ? 'not yet measured' : r.roundTripMs.toFixed(2) + ' ms'}`);
      }
    }
  }
  // BYE (RFC 3550 §6.6) from both phones, and from the relay on both legs
  for (const p of [a, b]) p.sock.send(p.sender.bye(performance.now(), 'call ended'), p.peerPort, '127.0.0.1');
  if (relay && relaySock) {
    relaySock.a.send(relay.bye('a', performance.now(), 'call ended')!, sa.address().port, '127.0.0.1');
    relaySock.b.send(relay.bye('b', performance.now(), 'call ended')!, sb.address().port, '127.0.0.1');
  }
  await new Promise((r) => setTimeout(r, 50));
  for (const p of [a, b]) {
    p.sender.close();
    p.receiver.close();
    p.srtp.forEach((s) => s.close());
    p.sock.close();
  }
  relay?.close();
  relaySock?.a.close();
  relaySock?.b.close();
}

await main();
