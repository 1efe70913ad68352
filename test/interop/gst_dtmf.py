"""
RFC 4733 telephone-events from an outside sender: GStreamer's rtpdtmfsrc
(gstreamer1.0-plugins-good), written as the RTP packets it makes, one after
another, to a file (each is 16 bytes: a 12-byte header and one 4-byte event
block). Used by test/dtmf-gstreamer.test.ts; run with Debian's python3
(python3-gi, gir1.2-gstreamer-1.0).

usage: gst_dtmf.py OUT DIGIT_CODE... (RFC 4733 event codes: 0-9, 10 '*', 11 '#', 12-15 A-D)
"""
import sys

import gi

gi.require_version('Gst', '1.0')
from gi.repository import GLib, Gst  # noqa: E402

Gst.init(None)
out, codes = sys.argv[1], [int(c) for c in sys.argv[2:]]
pipe = Gst.parse_launch(
    'rtpdtmfsrc name=src ssrc=4660 pt=101 clock-rate=8000 seqnum-offset=1000 '
    f'timestamp-offset=5000 packet-redundancy=3 ! filesink location={out}')
pad = pipe.get_by_name('src').get_static_pad('src')
loop = GLib.MainLoop()


def event(code, start):
    s = Gst.Structure.new_empty('dtmf-event')
    s.set_value('type', 1)
    s.set_value('number', code)
    s.set_value('volume', 10)
    s.set_value('start', start)
    # the event goes up the element's source pad (send_event on the element is refused)
    if not pad.send_event(Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM, s)):
        print(f'dtmf-event {code} start={start} refused', file=sys.stderr)
        sys.exit(2)
    return False


def stop():
    pipe.send_event(Gst.Event.new_eos())
    return False


ends = {'n': 0}


def watch(_pad, info):
    # the end of stream once the last digit's end packets (E bit) went out
    ok, m = info.get_buffer().map(Gst.MapFlags.READ)
    if ok:
        if len(m.data) >= 16 and m.data[12] == codes[-1] and m.data[13] & 0x80:
            ends['n'] += 1
            if ends['n'] == 1:
                GLib.timeout_add(200, stop)
        info.get_buffer().unmap(m)
    return Gst.PadProbeReturn.OK


pad.add_probe(Gst.PadProbeType.BUFFER, watch)
# ms after PLAYING: a digit held 200 ms every 500 ms (rtpdtmfsrc makes each
# at least 320 ms long: its own minimum)
t = 300
for code in codes:
    GLib.timeout_add(t, event, code, True)
    GLib.timeout_add(t + 200, event, code, False)
    t += 500
GLib.timeout_add(t + 20000, stop)  # in case the end never comes
bus = pipe.get_bus()
bus.add_signal_watch()
bus.connect('message::eos', lambda *a: loop.quit())
bus.connect('message::error', lambda b, m: (print(m.parse_error(), file=sys.stderr), sys.exit(3)))
pipe.set_state(Gst.State.PLAYING)
loop.run()
pipe.set_state(Gst.State.NULL)
