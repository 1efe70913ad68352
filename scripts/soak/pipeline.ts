/**
 * One simulated receive pipeline for the soak harness: a G.711 sender
 * (PCM -> encode -> RTP -> SRTP protect), a network model (src/sim/network),
 * and the receiver under test (SRTP unprotect -> jitter buffer push, with
 * G.711 decode and concealment inside -> poll every 20 ms).  Everything is
 * driven by simulated time; nothing sleeps.
 *
 * Accounting, per stream: every packet sent ends up exactly one of
 *   played (its first sample was in a polled frame), lost in the network,
 *   refused by SRTP, late / overflow / dropped by the jitter buffer, or
 *   still buffered at the end.  "unexplained" is what is left: must be 0.
 * A packet played twice counts in duplicatesPlayed: must be 0.
 */
import type { VoipKit, SrtpSession, JitterBuffer } from '../../src/index.js';
import { NetworkModel, profile, type NetworkConfig } from '../../src/sim/network/index.js';

export interface StreamResult {
  sent: number;
  played: number;
  duplicatesPlayed: number;
  networkLost: number;
  networkDuplicated: number;
  srtpRefused: number;
  jbLate: number;
  jbDuplicate: number;
  jbOverflow: number;
  jbDroppedWhole: number;
  buffered: number;
  unexplained: number;
  frames: number;
  framesExpected: number;
}

const PTIME = 20;
const SAMPLES = 160;

export class SoakStream {
  readonly #tx: SrtpSession;
  readonly #rx: SrtpSession;
  readonly #jb: JitterBuffer;
  readonly #net: NetworkModel;
  readonly #kit: VoipKit;
  readonly #ssrc: number;
  readonly #pcm = new Int16Array(SAMPLES);
  readonly #codes = new Uint8Array(SAMPLES);
  readonly #plain = new Uint8Array(12 + SAMPLES);
  readonly #out = new Int16Array(SAMPLES);
  readonly #inflight = new Map<number, Uint8Array>();
  /** played count per extended sequence number, sparse: only recent ones kept */
  readonly #playedSeqs = new Set<number>();
  #lastPlayedExt = -1;
  #seq = 0;
  #sendMs = 0;
  #pollMs: number;
  #phase = 0;
  r: StreamResult = {
    sent: 0, played: 0, duplicatesPlayed: 0, networkLost: 0, networkDuplicated: 0, srtpRefused: 0,
    jbLate: 0, jbDuplicate: 0, jbOverflow: 0, jbDroppedWhole: 0, buffered: 0, unexplained: 0, frames: 0, framesExpected: 0,
  };

  constructor(kit: VoipKit, index: number, net: NetworkConfig | string, seed: number) {
    this.#kit = kit;
    this.#ssrc = (0x10000 + index * 7919) >>> 0;
    const keys = { profile: 'AES_CM_128_HMAC_SHA1_80' as const, masterKey: new Uint8Array(16).fill(index & 0xff), masterSalt: new Uint8Array(14).fill(0x5a) };
    this.#tx = kit.createSrtpSession(keys);
    this.#rx = kit.createSrtpSession(keys);
    this.#jb = kit.createJitterBuffer({ codec: 'pcmu', ptimeMs: PTIME });
    this.#net = new NetworkModel(typeof net === 'string' ? profile(net) : net, seed);
    this.#pollMs = 0;
  }

  /** Advance simulated time by one 20 ms tick: send one packet, deliver arrivals, poll one frame. */
  tick(): void {
    // sender: a voiced-ish signal, G.711, RTP, SRTP
    for (let i = 0; i < SAMPLES; i++) {
      this.#phase += 0.07 + 0.03 * Math.sin(this.#sendMs / 900);
      this.#pcm[i] = Math.round(6000 * Math.sin(this.#phase) * (0.6 + 0.4 * Math.sin(this.#sendMs / 2300)));
    }
    this.#kit.g711.encode('pcmu', this.#pcm, this.#codes);
    const p = this.#plain;
    const seq = this.#seq & 0xffff;
    const ts = (this.#seq * SAMPLES) >>> 0;
    p[0] = 0x80; p[1] = 0;
    p[2] = seq >> 8; p[3] = seq & 0xff;
    p[4] = ts >>> 24; p[5] = (ts >>> 16) & 0xff; p[6] = (ts >>> 8) & 0xff; p[7] = ts & 0xff;
    p[8] = this.#ssrc >>> 24; p[9] = (this.#ssrc >>> 16) & 0xff; p[10] = (this.#ssrc >>> 8) & 0xff; p[11] = this.#ssrc & 0xff;
    p.set(this.#codes, 12);
    const srtp = this.#tx.protectRtp(p);
    this.#inflight.set(this.#seq, srtp);
    this.#net.push({ id: this.#seq, sendMs: this.#sendMs, bytes: srtp.length + 28 });
    this.r.sent++;
    this.#seq++;
    this.#sendMs += PTIME;

    // network -> receiver
    for (const a of this.#net.poll(this.#pollMs)) {
      const pkt = this.#inflight.get(a.id);
      if (!pkt) continue;
      // keep it while a duplicate copy may still come (both are delivered within the reorder/delay spread)
      let plain: Uint8Array;
      try {
        plain = this.#rx.unprotectRtp(a.duplicate ? pkt.slice() : pkt);
      } catch (e) {
        // a replay of a copy already taken is the network's duplicate, not a loss
        if ((e as { code?: string }).code !== 'replay_duplicate') this.r.srtpRefused++;
        continue;
      }
      this.#jb.push(plain, a.arrivalMs);
    }
    // forget packets the network dropped long ago (bounded map)
    if (this.#inflight.size > 4000) {
      for (const k of this.#inflight.keys()) {
        if (k < this.#seq - 3000) this.#inflight.delete(k);
        else break;
      }
    }

    // playout
    const f = this.#jb.poll(this.#pollMs, this.#out);
    this.r.frames++;
    for (const pp of f.packets) {
      // unwrap the 16-bit seq against the last played one
      const ext = this.#lastPlayedExt < 0 ? pp.seq : this.#lastPlayedExt + (((pp.seq - (this.#lastPlayedExt & 0xffff) + 0x8000) & 0xffff) - 0x8000);
      if (this.#playedSeqs.has(ext)) this.r.duplicatesPlayed++;
      else {
        this.#playedSeqs.add(ext);
        this.r.played++;
      }
      if (ext > this.#lastPlayedExt) this.#lastPlayedExt = ext;
    }
    if (this.#playedSeqs.size > 8192) {
      for (const k of this.#playedSeqs) {
        if (k < this.#lastPlayedExt - 4096) this.#playedSeqs.delete(k);
        else break;
      }
    }
    this.#pollMs += PTIME;
  }

  /** Close the books: every packet sent is accounted for. */
  finish(): StreamResult {
    const n = this.#net.stats();
    const j = this.#jb.stats();
    const r = this.r;
    r.networkLost = n.lost + n.queueDropped;
    r.networkDuplicated = n.duplicated;
    r.jbLate = j.late;
    r.jbDuplicate = j.duplicate;
    r.jbOverflow = j.overflow;
    r.jbDroppedWhole = j.droppedWhole;
    r.buffered = j.bufferedPackets;
    // in flight in the network at the end (sent, not yet delivered, not lost)
    const inNetwork = n.sent + n.duplicated - n.lost - n.queueDropped - n.delivered;
    r.framesExpected = r.frames;
    r.unexplained = r.sent - r.played - r.networkLost - r.srtpRefused - r.jbLate - r.jbOverflow - r.jbDroppedWhole - r.buffered - Math.max(0, inNetwork);
    return r;
  }

  close(): void {
    this.#tx.close();
    this.#rx.close();
    this.#jb.close();
  }
}
