#!/usr/bin/env python3
"""Write the hand-made seed inputs of the fuzz targets into fuzz/corpus/<target>/.

The seeds are committed; this script documents what each one is and
regenerates them (python3 fuzz/seeds.py).  Inputs the fuzzer finds are kept
in build/fuzz/corpus/<target>/ (not committed); minimised ones worth keeping
can be copied into fuzz/corpus/<target>/ by hand.
"""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(here, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(bytes(data))


def u16(*seqs):
    return b''.join(struct.pack('<H', s & 0xFFFF) for s in seqs)


# g711: byte 0 = law (bit 0); 0xFE/0xFF = the refused law 2.
write('g711', 'ulaw-all-codes', b'\x00' + bytes(range(256)))
write('g711', 'alaw-all-codes', b'\x01' + bytes(range(256)))
write('g711', 'ulaw-extremes', b'\x00' + struct.pack('<8h', -32768, -32767, -1, 0, 1, 32766, 32767, 8159))
write('g711', 'alaw-extremes', b'\x01' + struct.pack('<8h', -32768, -32767, -1, 0, 1, 32766, 32767, 4095))
write('g711', 'bad-law', b'\xfe\x01\x02')
write('g711', 'empty-payload', b'\x00')

# seq: byte 0 = probation, then little-endian uint16 sequence numbers.
write('seq', 'in-order', b'\x02' + u16(*range(100, 120)))
write('seq', 'wrap', b'\x00' + u16(65533, 65534, 65535, 0, 1, 2, 65535, 3))
write('seq', 'probation-broken', b'\x02' + u16(100, 200, 202, 203, 204))
write('seq', 'jump-restart', b'\x00' + u16(10, 11, 3011, 3020, 3021, 3022, 3023))
write('seq', 'bad-seq-wrap', b'\x00' + u16(20000, 65535, 0, 1))
write('seq', 'misorder', b'\x00' + u16(1000, 1002, 1001, 1002, 903, 902, 1003))
write('seq', 'dropout-edge', b'\x00' + u16(10, 3009, 6009, 6010, 6011))
write('seq', 'before-start', b'\x00' + u16(5, 6, 65530, 7))

# jb: 6 config bytes (codec/frame, max_packets, max_delay, min_delay,
# max_payload, payload type), then ops: 1-3 built packet (seq delta, ts
# delta hi/lo, flags: 0x40 = 160-byte payload), 4 poll (dt), 6 time step,
# 7 stats (0x87 also resets), 0 raw bytes.
def jb_packet(seq_delta, ts_delta, flags):
    return bytes([1, seq_delta & 0xFF, (ts_delta >> 8) & 0xFF, ts_delta & 0xFF, flags])

cfg = bytes([0, 50, 20, 0, 200, 0x80])
steady = b''.join(jb_packet(1, 160, 0x40) + bytes([4, 20]) for _ in range(30))
write('jb', 'steady-20ms', cfg + steady + b'\x07')
reorder = b''.join(jb_packet(d, 160 * d, 0x40) + bytes([4, 20]) for d in [1, 2, -1, 2, 1, 3, -2, 2] * 3)
write('jb', 'reorder', cfg + reorder + b'\x07')
loss_dup = b''.join(jb_packet(d, 160 * d if d else 0, 0x40) + bytes([4, 20]) for d in [1, 1, 0, 4, 1, 0, 0, 1] * 3)
write('jb', 'loss-and-duplicates', cfg + loss_dup)
ssrc_ext = b''.join(jb_packet(1, 160, f) + bytes([4, 20]) for f in [0x40, 0x41, 0x4c, 0x50, 0x62, 0x40])
write('jb', 'ssrc-change-csrc-ext-padding', cfg + ssrc_ext + b'\x87')
write('jb', 'raw-garbage', cfg + bytes([0, 12, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]) + bytes([0, 3, 0x80, 0, 0]))
write('jb', 'time-backwards', cfg + jb_packet(1, 160, 0x40) + bytes([6, 0x80, 0x40]) + jb_packet(1, 160, 0x40) + bytes([4, 0]))
write('jb', 'burst-then-silence', cfg + b''.join(jb_packet(1, 160, 0x40) for _ in range(20)) + bytes([4, 20] * 40))
write('jb', 'ptime10-alaw', bytes([3, 10, 5, 1, 160, 0x80]) + steady)

# srtp: config (profile in bits 0-2, MKI bit 3, window bit 4, unencrypted
# bits 5-6), max streams byte; ops: 2 RTP (seq delta, ssrc idx | flags, len),
# 3 RTCP, 5 replay slot, 4 set ROC, 6 batch, 7 stats, 0/1 raw.
def srtp_rtp(d, b, c, *extra):
    return bytes([2, d & 0xFF, b, c]) + bytes(extra)
for prof in range(8):
    write('srtp', f'profile{prof + 1}-stream', bytes([prof, 0x20]) + b''.join(srtp_rtp(1, 0, 160) for _ in range(6)) + bytes([3, 0, 0, 2, 7]))
write('srtp', 'mki-replay', bytes([8, 0x20]) + srtp_rtp(1, 0, 50) + srtp_rtp(1, 0, 50) + bytes([5, 0, 5, 1]))
write('srtp', 'tamper-and-truncate', bytes([0, 0x20]) + srtp_rtp(1, 0x40, 20, 30, 1) + srtp_rtp(1, 0x20, 20, 7) + srtp_rtp(1, 0x10, 20))
write('srtp', 'ssrc-flood', bytes([0, 0]) + b''.join(srtp_rtp(1, i, 10) for i in range(8)) + b'\x07')
write('srtp', 'roc-desync', bytes([0, 0x20]) + srtp_rtp(1, 0, 10) + bytes([4, 0, 1]) + srtp_rtp(1, 0, 10) + srtp_rtp(-100, 0, 10))
write('srtp', 'window-edge', bytes([16, 0x20]) + srtp_rtp(100, 0, 4) + srtp_rtp(-64, 0, 4) + srtp_rtp(-1, 0, 4))
write('srtp', 'raw', bytes([0, 0x20, 0, 20]) + bytes([0x80, 0, 0, 1] + [0] * 16) + bytes([1, 12]) + bytes([0x80, 201, 0, 1] + [0] * 8))
write('srtp', 'batch', bytes([0, 0x20, 6, 5, 0, 60, 200, 70, 60, 200]))

# ns: config (rate index, strength << 2, 0x40 = no transient), ops: 0 float
# frame (raw IEEE bits), 1 int16 frame, 2 strength, 3 stats/reset.
import math
def f32(x):
    return struct.pack('>f', x)
tone = b''.join(f32(0.3 * math.sin(i / 3)) for i in range(80))
nan_frame = b''.join(f32(v) for v in ([float('nan'), float('inf'), -float('inf'), 3e38] * 20))
write('ns', 'tone-8k', bytes([0 | (8 << 2)]) + b'\x00' + tone + b'\x00' + tone + b'\x03')
write('ns', 'nan-inf-then-tone', bytes([1 | (15 << 2)]) + b'\x00' + nan_frame * 2 + b'\x00' + tone * 2 + b'\x03')
write('ns', 'int16-extremes-48k', bytes([2]) + b'\x01' + struct.pack('<8h', -32768, 32767, 0, -1, 1, 12345, -12345, 0) * 60 + b'\x07')
write('ns', 'strength-changes', bytes([0]) + b'\x02\x00' + b'\x00' + tone + b'\x02\xff' + b'\x06\x02' + b'\x00' + tone)

# resample: in/out rate indices, channels, quality; ops: 0 int16 (frames/2,
# slack), 1 float, 2 flush (0x06: short capacity), 3 reset.
write('resample', '8k-to-48k-mono', bytes([0 | (3 << 2), 0, 4]) + b'\x00\x50\x00' + bytes(320) + b'\x02')
write('resample', '48k-to-8k-stereo-float', bytes([3 | (0 << 2), 1, 10]) + b'\x01\x30\x00' + b''.join(f32(0.5) for _ in range(192)) + b'\x0a')
write('resample', 'short-out-and-flush', bytes([1 | (2 << 2), 0, 3]) + b'\x00\x20\xf0' + bytes(64) + b'\x06\x02\x03')
write('resample', 'nan-float', bytes([0 | (1 << 2), 0, 0]) + b'\x01\x05\x00' + nan_frame[:40] + b'\x02')
