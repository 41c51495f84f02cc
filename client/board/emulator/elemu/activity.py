"""The activity timeline: what the emulated board's processors do, as the power sensor will see it.

Writers (emulated pycaffe and `caffe`) append lines `start end cpu_W gpu_W ddr_W` (CLOCK_MONOTONIC
seconds, dynamic power above idle) to `<root>/.emulator/activity` with O_APPEND; the sensor process
tails it. Each emulated layer call advances a virtual clock by its emulated duration; the writer sleeps
whenever that clock runs more than a millisecond ahead of the wall clock, so a span of calls takes the
board's time within a millisecond, and Python's own per-call cost is absorbed as long as it stays below
the layer's duration. When the host preempts the process, the calls that follow catch up (run back to
back) within a bound, rather than leaving idle gaps that are the host's, not the board's.
"""
import os
import time

SLEEP_AHEAD_S = 0.001
WAKE_MARGIN_S = 0.0003


def catchup_s(window_s):
    """How far the virtual clock may fall behind the wall clock (the host preempted or overslept) and still
    be caught up rather than leave an idle gap: the host's scheduler noise is not the emulated board's.
    Half a window: the sensor's extra latency (below) then stays under ~0.6 window, which a harness that
    discards 3 windows at a loop's start absorbs (a real chip has no such latency: 2 windows suffice)."""
    return max(0.002, min(0.2, window_s / 2.0))


def flush_span_s(window_s):
    """Longest span a buffered segment covers before it is written (a fraction of the sensor window)."""
    return min(0.01, max(0.001, window_s / 40.0))


def sensor_lag_s(window_s):
    """Delay after a window ends before the sensor averages it: every segment in it is written by then."""
    return catchup_s(window_s) + flush_span_s(window_s) + 0.002


class ActivityWriter(object):
    def __init__(self, path, window_s, rng):
        d = os.path.dirname(path)
        if not os.path.isdir(d):
            os.makedirs(d)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._vclock = 0.0
        self._pending = None
        self._span = flush_span_s(window_s)
        self._catchup = catchup_s(window_s)
        self._rng = rng
        self.hold = False  # book calls without sleeping (see `lead`)

    def run(self, duration, comps):
        """Occupy the board for `duration` s (its time) at dynamic power `comps` = (cpu, gpu, ddr) W.

        Returns the virtual (start, end) of the call.
        """
        now = time.monotonic()
        start = self._vclock
        if now - start > self._catchup:
            start = now
        end = start + duration
        self._vclock = end
        # Back-to-back calls accumulate into one segment (its mean power) until it spans `_span`: far below
        # the sensor's window, and one write per span whatever the calls' powers.
        p = self._pending
        if p is not None and abs(start - p[1]) < 1e-9:
            p[1] = end
        else:
            if p is not None:
                self._write_pending(p)
            p = self._pending = [start, end, 0.0, 0.0, 0.0]
        p[2] += comps[0] * duration
        p[3] += comps[1] * duration
        p[4] += comps[2] * duration
        if end - p[0] > self._span:
            self._write_pending(p)
            self._pending = None
        # Sleep only once the virtual clock runs a millisecond ahead: calls far shorter than a sleep keep their
        # exact time on average, and an idle (sleeping) process is not starved by a busy host as a spinning
        # one would be.
        if end - now > SLEEP_AHEAD_S and not self.hold:
            self.flush()
            d = end - time.monotonic()
            if d > 0:
                time.sleep(d)
        return start, end

    def sync(self):
        """Return when the wall clock reaches the virtual clock: a harness that timestamps this instant (a
        callback around a layer, the end of a forward) reads the board's time, not up to 1 ms early."""
        d = self._vclock - time.monotonic()
        if d > 0.0015:
            self.flush()
            time.sleep(d - 0.001)
        while time.monotonic() < self._vclock:
            pass

    @property
    def vclock(self):
        return self._vclock

    def lead(self, seconds):
        """The board idles `seconds` from now: calls booked next start then, so the host can book them (with
        `hold` set) before they happen, and a harness called back at their booked instants (`wait_until`)
        times the board's work, not the host's cost of emulating it."""
        self._vclock = max(self._vclock, time.monotonic()) + seconds

    def wait_until(self, t):
        """Return when the wall clock reaches `t` (sleeping while it is far, then spinning: a busy host wakes a
        sleeper milliseconds late, which would lengthen the span a harness times)."""
        d = t - time.monotonic()
        if d > WAKE_MARGIN_S + 0.0005:
            self.flush()
            time.sleep(d - WAKE_MARGIN_S)
        while time.monotonic() < t:
            pass

    def anchor(self):
        """The next call starts no earlier than now: the harness's own work (a callback) took board time too,
        which catching up would otherwise hide."""
        self._vclock = max(self._vclock, time.monotonic())

    def flush(self):
        if self._pending is not None:
            self._write_pending(self._pending)
            self._pending = None

    def _write_pending(self, p):
        d = p[1] - p[0]
        if d > 0:
            self._write([p[0], p[1], (p[2] / d, p[3] / d, p[4] / d)])

    def close(self):
        self.flush()
        os.close(self._fd)

    def _write(self, seg):
        k = 1.0 + self._rng.gauss(0.0, 0.01)  # power noise per segment (the sensor averages it out)
        c = seg[2]
        line = '%.6f %.6f %.4f %.4f %.4f\n' % (seg[0], seg[1], c[0] * k, c[1] * k, c[2] * k)
        os.write(self._fd, line.encode('ascii'))


class ActivityReader(object):
    def __init__(self, path):
        self._path = path
        self._offset = 0
        self._buf = b''
        self._segs = []

    def poll(self):
        try:
            with open(self._path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                if size < self._offset:  # truncated: start over
                    self._offset, self._buf = 0, b''
                f.seek(self._offset)
                data = f.read()
        except OSError:
            return
        self._offset += len(data)
        lines = (self._buf + data).split(b'\n')
        self._buf = lines.pop()
        for line in lines:
            parts = line.split()
            if len(parts) == 5:
                self._segs.append(tuple(float(x) for x in parts))

    def mean_components(self, a, b):
        """Mean dynamic power per component (W) over [a, b]."""
        tot = [0.0, 0.0, 0.0]
        for s, e, cpu, gpu, ddr in self._segs:
            ov = min(e, b) - max(s, a)
            if ov > 0:
                tot[0] += ov * cpu
                tot[1] += ov * gpu
                tot[2] += ov * ddr
        span = b - a
        return {'cpu': tot[0] / span, 'gpu': tot[1] / span, 'ddr': tot[2] / span}

    def prune(self, t):
        self._segs = [s for s in self._segs if s[1] >= t]

    def segments(self):
        return list(self._segs)
