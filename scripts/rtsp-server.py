#!/usr/bin/python3
"""Test RTSP server: serves MP4 files (H.264) on RTSP mounts, each looping forever per client.

Run with the system interpreter (Debian's python3-gi lives there):
  /usr/bin/python3 scripts/rtsp-server.py --port 8554 --file fixtures/media/checkpoint.mp4 --mount /checkpoint

--port 0 takes a free port. Prints "ready port=N url=..." on stdout once listening; exits 0 on SIGTERM/SIGINT,
and on its own within a second of its parent's death (a SIGKILLed node must not leave it holding the port).

Why appsrc rather than seeking the served pipeline on EOS: a flushing seek restarts running time, so
RTP timestamps jump backwards at each loop and readers (ffmpeg's fps filter) drop or stall. Instead each
file is read once through `filesrc ! qtdemux ! h264parse` into memory, and every client's pipeline
(`appsrc ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96`) replays those access units with
timestamps shifted by one file duration per loop, so time only moves forward.
"""
import argparse
import os
import signal
import sys

APT_PACKAGES = ('gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base '
                'gstreamer1.0-plugins-good gstreamer1.0-plugins-bad')
MISSING_HINT = ('install them with: sudo apt-get install -y ' + APT_PACKAGES +
                '  (or run: bash scripts/setup.sh --test)')

try:
    import gi
    gi.require_version('Gst', '1.0')
    gi.require_version('GstRtspServer', '1.0')
    from gi.repository import GLib, Gst, GstRtspServer
except (ImportError, ValueError) as err:
    print(f'rtsp-server: GStreamer RTSP server bindings are missing ({err}); {MISSING_HINT}', file=sys.stderr)
    sys.exit(3)

# Seconds from 1900 (NTP's epoch) to 1970 (the Unix epoch).
NTP_EPOCH_OFFSET_S = 2208988800

# Element -> Debian package that ships it, so a missing plugin names what to install.
REQUIRED_ELEMENTS = {
    'filesrc': 'libgstreamer1.0-0',
    'appsrc': 'gstreamer1.0-plugins-base',
    'appsink': 'gstreamer1.0-plugins-base',
    'qtdemux': 'gstreamer1.0-plugins-good',
    'rtph264pay': 'gstreamer1.0-plugins-good',
    'h264parse': 'gstreamer1.0-plugins-bad',
}


class Clip:
    """All H.264 access units of one file, in decode order, with the caps to replay them."""

    def __init__(self, path):
        self.path = path
        self.caps = None
        self.units = []
        self.duration = 0
        self._load()

    def _load(self):
        if not os.path.isfile(self.path):
            raise RuntimeError(f'no such file: {self.path}')
        pipeline = Gst.parse_launch(
            'filesrc name=src ! qtdemux ! h264parse ! '
            'video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false')
        pipeline.get_by_name('src').set_property('location', self.path)
        sink = pipeline.get_by_name('sink')
        bus = pipeline.get_bus()
        pipeline.set_state(Gst.State.PLAYING)
        error = None
        # try-pull with a timeout and a bus check: on a read error no EOS comes, and a plain
        # pull-sample would wait forever.
        while error is None:
            sample = sink.emit('try-pull-sample', Gst.SECOND // 10)
            if sample is not None:
                self.caps = sample.get_caps()
                self.units.append(sample.get_buffer())
                continue
            if sink.get_property('eos'):
                break
            error = bus.pop_filtered(Gst.MessageType.ERROR)
        pipeline.set_state(Gst.State.NULL)
        if error is not None:
            gerror, _debug = error.parse_error()
            raise RuntimeError(f'cannot read {self.path}: {gerror.message}')
        if not self.units:
            raise RuntimeError(f'no H.264 video found in {self.path}')
        self.pts = [u.pts for u in self.units]
        self.dts = [u.dts if u.dts != Gst.CLOCK_TIME_NONE else u.pts for u in self.units]
        last = self.units[-1]
        step = last.duration if last.duration != Gst.CLOCK_TIME_NONE else Gst.SECOND // 25
        self.duration = last.pts + step


class LoopingFactory(GstRtspServer.RTSPMediaFactory):
    """One pipeline per client (not shared), so each reader starts at the first keyframe."""

    def __init__(self, clip, clock_offset):
        super().__init__()
        self.clip = clip
        self.set_shared(False)
        if clock_offset:
            self.set_clock(skewed_clock(clock_offset))
        # Live, so the media does not preroll ahead of the client (a non-live appsrc ran the
        # position seconds ahead before PLAY and the client then waited that long for data).
        self.set_launch('( appsrc name=src format=time is-live=true ! '
                        'h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 )')
        self.connect('media-configure', self._on_media_configure)

    def _on_media_configure(self, _factory, media):
        if self.get_clock() is not None:
            # rtpbin is added to the pipeline at prepare time; the SR's NTP time then comes from our clock.
            media.get_element().get_parent().connect('element-added', use_clock_for_ntp)
        src = media.get_element().get_by_name('src')
        src.set_property('caps', self.clip.caps)
        units = self.clip.units
        cursor = {'index': 0, 'loop': 0, 'start': None}

        def need_data(appsrc, _length):
            if cursor['start'] is None:
                # A live source must stamp buffers in the pipeline's running time; the client's PLAY
                # may come a while after the pipeline started, so time 0 of the file is "now".
                clock = appsrc.get_clock()
                cursor['start'] = clock.get_time() - appsrc.get_base_time() if clock else 0
            i = cursor['index']
            shift = cursor['start'] + cursor['loop'] * self.clip.duration
            # A deep copy, stamped from the timestamps kept at load: through PyGObject a plain
            # copy() can alias the stored buffer, and then every loop adds its shift on top of the
            # last one (the third pass came 10 s late, the fourth 30 s).
            out = units[i].copy_deep()
            out.pts = self.clip.pts[i] + shift
            out.dts = self.clip.dts[i] + shift
            cursor['index'] += 1
            if cursor['index'] == len(units):
                cursor['index'] = 0
                cursor['loop'] += 1
            appsrc.emit('push-buffer', out)

        src.connect('need-data', need_data)


def skewed_clock(offset_seconds):
    """A wall clock that runs offset_seconds ahead (behind, if negative), in NTP's 1900 epoch.

    It becomes the media pipeline's clock and, through rtpbin's ntp-time-source=clock-time, the time in
    every RTCP sender report: a camera whose clock is off, for tests of clock-drift diagnostics.
    """
    clock = Gst.SystemClock(clock_type=Gst.ClockType.REALTIME)
    internal = clock.get_internal_time()
    shift = int((NTP_EPOCH_OFFSET_S + offset_seconds) * Gst.SECOND)
    clock.set_calibration(internal, internal + shift, 1, 1)
    return clock


def use_clock_for_ntp(_pipeline, element):
    if element.get_factory() is not None and element.get_factory().get_name() == 'rtpbin':
        element.set_property('ntp-time-source', 'clock-time')


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Serve MP4 files over RTSP, looping forever.')
    parser.add_argument('--port', type=int, default=8554, help='TCP port; 0 picks a free one (default 8554)')
    parser.add_argument('--address', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    parser.add_argument('--file', action='append', required=True, help='MP4 file; repeat with --mount')
    parser.add_argument('--mount', action='append', required=True, help='mount path such as /cam1')
    parser.add_argument('--clock-offset', type=float, default=0.0,
                        help='seconds the served cameras\' clock is ahead of this host\'s, in RTCP sender reports '
                             '(negative: behind; default 0)')
    args = parser.parse_args(argv)
    if len(args.file) != len(args.mount):
        parser.error('give one --mount for each --file')
    for mount in args.mount:
        if not mount.startswith('/') or len(mount) < 2:
            parser.error(f'mount {mount!r} must look like /name')
    return args


def watch_parent(loop):
    """Quit when the parent dies: Linux re-parents an orphan (to init or a subreaper), so getppid() changes."""
    parent = os.getppid()

    def check():
        if os.getppid() != parent:
            print('rtsp-server: parent process gone; exiting', file=sys.stderr)
            loop.quit()
            return False
        return True

    GLib.timeout_add(500, check)


def main(argv):
    args = parse_args(argv)
    Gst.init(None)
    missing = sorted({pkg for name, pkg in REQUIRED_ELEMENTS.items() if Gst.ElementFactory.find(name) is None})
    if missing:
        print(f'rtsp-server: GStreamer plugins missing from {", ".join(missing)}; {MISSING_HINT}', file=sys.stderr)
        return 3

    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    try:
        for path, mount in zip(args.file, args.mount):
            mounts.add_factory(mount, LoopingFactory(Clip(path), args.clock_offset))
    except RuntimeError as err:
        print(f'rtsp-server: {err}', file=sys.stderr)
        return 2

    loop = GLib.MainLoop()
    if not server.attach(None):  # returns 0 when the address cannot be bound
        print(f'rtsp-server: cannot listen on {args.address}:{args.port} (port in use?)', file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    watch_parent(loop)

    port = server.get_bound_port()
    urls = ' '.join(f'url=rtsp://{args.address}:{port}{mount}' for mount in args.mount)
    print(f'ready port={port} {urls}', flush=True)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
