/**
 * A minimal Ogg (RFC 3533) reader and writer for Ogg Opus files (RFC 7845),
 * for the interop tests: packets out of files made by ffmpeg / opusenc, and
 * files of our packets for ffmpeg to decode.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, initial 0). */
export function oggCrc(b: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < b.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff]) >>> 0;
  return crc;
}

export interface OggOpus {
  /** OpusHead fields (RFC 7845 5.1). */
  channels: number;
  preSkip: number;
  inputRate: number;
  /** Audio packets, in order. */
  packets: Uint8Array[];
  /** Granule position of the last page. */
  lastGranule: number;
}

/** Split an Ogg file into its packets (one logical stream), checking CRCs. */
export function oggPackets(file: Uint8Array): { packets: Uint8Array[]; lastGranule: number } {
  const packets: Uint8Array[] = [];
  let pending: number[] = [];
  let at = 0;
  let lastGranule = 0;
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  while (at + 27 <= file.length) {
    if (dv.getUint32(at) !== 0x4f676753) throw new Error(`no Ogg page at ${at}`); // "OggS"
    const nseg = file[at + 26];
    const lacing = file.subarray(at + 27, at + 27 + nseg);
    let size = 0;
    for (const l of lacing) size += l;
    const page = file.slice(at, at + 27 + nseg + size);
    const crc = dv.getUint32(at + 22, true);
    page.fill(0, 22, 26);
    if (oggCrc(page) !== crc) throw new Error(`bad CRC in the Ogg page at ${at}`);
    lastGranule = Number(dv.getBigInt64(at + 6, true));
    let p = at + 27 + nseg;
    for (const l of lacing) {
      for (let i = 0; i < l; i++) pending.push(file[p + i]);
      p += l;
      if (l < 255) {
        packets.push(Uint8Array.from(pending));
        pending = [];
      }
    }
    at += 27 + nseg + size;
  }
  return { packets, lastGranule };
}

/** Read an Ogg Opus file: its OpusHead and audio packets. */
export function readOggOpus(file: Uint8Array): OggOpus {
  const { packets, lastGranule } = oggPackets(file);
  const head = packets[0];
  const magic = new TextDecoder().decode(head.subarray(0, 8));
  if (magic !== 'OpusHead') throw new Error('not an Ogg Opus file');
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return {
    channels: head[9],
    preSkip: dv.getUint16(10, true),
    inputRate: dv.getUint32(12, true),
    packets: packets.slice(2), // after OpusHead and OpusTags
    lastGranule,
  };
}

function page(serial: number, seq: number, granule: number, flags: number, data: Uint8Array[]): Uint8Array {
  const lacing: number[] = [];
  for (const d of data) {
    let n = d.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('too many segments for one page');
  const body = data.reduce((s, d) => s + d.length, 0);
  const out = new Uint8Array(27 + lacing.length + body);
  const dv = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53, 0, flags]);
  dv.setBigInt64(6, BigInt(granule), true);
  dv.setUint32(14, serial, true);
  dv.setUint32(18, seq, true);
  out[26] = lacing.length;
  out.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const d of data) {
    out.set(d, at);
    at += d.length;
  }
  dv.setUint32(22, oggCrc(out), true);
  return out;
}

/**
 * Write an Ogg Opus file (RFC 7845): OpusHead, OpusTags, then one audio
 * packet per page with its granule position (48 kHz samples, pre-skip
 * included).  samples48k gives each packet's duration.
 */
export function writeOggOpus(packets: Uint8Array[], samples48k: (p: Uint8Array) => number, o: { channels: number; preSkip: number; inputRate: number }): Uint8Array {
  const serial = 0x766b6f70;
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  const hv = new DataView(head.buffer);
  head[8] = 1;
  head[9] = o.channels;
  hv.setUint16(10, o.preSkip, true);
  hv.setUint32(12, o.inputRate, true);
  const vendor = new TextEncoder().encode('voipkit');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const pages = [page(serial, 0, 0, 0x02, [head]), page(serial, 1, 0, 0, [tags])];
  let granule = 0;
  packets.forEach((p, i) => {
    granule += samples48k(p);
    pages.push(page(serial, i + 2, granule, i === packets.length - 1 ? 0x04 : 0, [p]));
  });
  const total = pages.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
