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

# opus: byte 0 = rate index (0..4) | channels bit 3; ops 0-3 = a packet
# (length byte, bytes), 4 conceal, 5 FEC from the next packet, 6 reset,
# 7 get.  The packets are real ones, 20 ms of a tone from voipkit's Opus
# encoder over libopus 1.3.1 (48 kHz VoIP with in-band FEC, 16 kHz VoIP,
# 48 kHz audio), pasted as hex.
OPUS_PACKETS = [["78809042d0ecd19a04811c6eacdf33951983ad98c8da33ba5b1e7c1a988a139c6925759bc74ef47014e527c364447648e464d0e4cfcf738a5280fd620c2c45455b23f48923dba5da8cc00da7fd5fb121826e532cf5a5e8270617e98249d0ea8b121d6698869d1a55ec4fc5c11406877681c34784de230d1f181acb6330df9d503daf7477e511b28844264ee7f5f1b9b9298b0aa1dbd320b6dfda78d5ffd35e346e894d", "78c17c82d0ecd19a0480a73b87878e34572a5556e0fbc334a00e970b423efc9b8d0965c75c2cdcc9c7cbed6c2bca0d8da94fd4cd5bc3a3d24fa648eafe2a2587f47c6dc859567d7c24e3f87a55c6b524a8ebb610d4e84ffed9c230cb28f6589686a9b17255d3c837f9a1c2ec3dc34f9a81e4ed2fe48042a3c8b192e323c7d5575d9bd429134b48f487d7a57fc7276e7f75118ee33d0ea994b8541407695b59c9df55b49d4ff968ed", "78e3d8a679d0618357d34200d5a82bb5cd4ffeb4b272d8eeedc3229ab093a9e969f4c5a093c3d0d3f28e1404088a97a081e75d4792c524655d623a23f2d1aacd373be5d0446c22a4df93fc6372f78f33054b951d2d4e3f4669376fa7afc3e90184a8b08125bea853bde2dcdf301b0a368548b222871646aa4e4447ebcb70d53244d7b300a971e02685573d03d2365d5e5e8a87b2abc7718eda29b91364f4"], ["48815ae490ecd19a0480a72ac4f623b2d45e9f46fdb9d9f5cbc1afab72d9e9dfb2484293fb600e6b3ad020f7bd352f5dd877499d253f28628fd5a70b51a6b2485bda59ebd03e81cdeb34f2a39e5098", "48a33ff725bd6d9e4a5218735701eb1cf7f1b5d666d7b2b9b42feb93f63053d6ed0b3bb18e10cf8adb168038", "489b7d84035ca5982d1405892b80e9c0180eb575b212e7413be175b48488c0f5d82f5684ec07a13ab6e16c2fc28710cc108d24"], ["f88a9eed4ae095ee8124dbd7b144f8679c001ae1c9df1c94369a8834181f57268380ba58e7d48bfc1ee23e3719747124a41cdeca1e6b65c3b8c73282f546bdd5f32ce05a575c23c7c90165918e62a1901ae4839aeed841e32cd71a4c693c18a76eaf11bf5d59833fc154439f4519b003d3f12a97f86b3b5b7d9348dace18fc03f09378ed4ec4540a18907ff76c8965d598d2984cec095f7cc0adb7702a5c37ea156fb01278a24e1732dd9285427db39a7d29da705a2eb72c9eaa646d6c6b802e1814f338bf24799854", "f884af660a8ce3e075f150e1320e87abf1e051fd7c7e126aa0e55262a7e9fa9eacb854520ed29f652cb8710cd9535e41bfe1ba308604fe6abe86d4ff484ae705cd4f8b6c2a9da5a04654cf1014baf7c45e61df0cfa6311dcf7c6958d378a4f931f503cb9e63b1cc909f2abadd467de99a5d4", "f8d95868f3c9bc4d1e7ec1b24026b4610ba36578e41f975ce8e95db55e21bc6ae883ac9b6ede52e0b4bc7975f7db16cd1003c506a1f1e3df5b42da6aeb35b2685b180f3aa8749b99fea36f373ca760a6958248cd07fbcab9e563ad5e73f58736472458bff9c7b2920cbd7c28909337814331d7ef5febc7456394b67ddb97634af1a6f2a4c59947a408fd20c3d904157c5914068cde3530746484fecc6e2e"]]
def opus_stream(rate_idx, pkts, fec=False):
    b = bytes([rate_idx])
    for i, h in enumerate(pkts):
        p = bytes.fromhex(h)
        b += bytes([5 if (fec and i == 1) else 0, len(p)]) + p
    return b + bytes([4 | (16 << 3), 7, 6])
write('opus', 'voip48k-fec', opus_stream(4, OPUS_PACKETS[0], fec=True))
write('opus', 'voip16k', opus_stream(2, OPUS_PACKETS[1]))
write('opus', 'audio48k', opus_stream(4, OPUS_PACKETS[2]))
write('opus', 'toc-only-dtx', bytes([4, 0, 1, 0xf8, 0, 1, 0x78]))
write('opus', 'code3-63-frames', bytes([4, 0, 4, 0x03, 0x3f, 1, 2]))
write('opus', 'short-output', bytes([4, 0x40 | (1 << 3), len(bytes.fromhex(OPUS_PACKETS[0][0]))]) + bytes.fromhex(OPUS_PACKETS[0][0]))

# cng: byte 0 = seed; ops 0 payload (len, bytes), 1 generate (n/4 << 2),
# 2 analyse (order, samples, 0xAA ends), 3 a second of noise.
write('cng', 'rfc3389-level-only', bytes([1, 0, 1, 40, 1 | (40 << 2), 3]))
write('cng', 'order10', bytes([2, 0, 11, 50] + [127 + (i * 9) % 60 for i in range(10)]) + bytes([1 | (40 << 2)]))
write('cng', 'analyse-then-play', bytes([3, 2, 8]) + struct.pack('<40h', *[((i * 7919) % 2001) - 1000 for i in range(40)]) + bytes([0xAA, 3]))
write('cng', 'long-payload', bytes([4, 0, 60]) + bytes(range(60)) + bytes([3]))
