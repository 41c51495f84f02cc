"""The emulated INA3221: turns the activity timeline into averaged, quantised, noisy rail files.

Like the chip in continuous mode (BOARD-FORMATS.md 2.4), every conversion cycle publishes one block
average over the last window (422 ms on L4T <= 32, 6.6 ms on JetPack 5+; both times the time scale);
a read returns the last published value. Registers are quantised (bus 8 mV, shunt 40 uV) and the driver
computes integer mA and mW = mV*mA/1000 truncated. The board's background (idle spikes, a slow drift of
idle) adds to what the layers draw, and some publications come late or not at all (a loaded host).
"""
import math
import os
import random
import signal
import sys
import time

from . import activity, config, files, power_mode, profiles

BUS_LSB_MV = 8
SHUNT_LSB_UV = 40
# A Python loop rewriting a dozen files cannot keep up with a 6.6 ms (x scale) cycle: publish at most
# this often, still as the average of the last window.
MIN_PUBLISH_PERIOD_S = 0.004


def convert(p_mw, rail, rng):
    """(bus mV, mA, mW, shunt uV) registers for a true average power, with ADC noise and quantisation."""
    name, bus_mv, shunt_uohm = rail[0], rail[1], rail[2]
    if name == 'NC':
        return 0, 0, 0, 0
    p = max(0.0, p_mw * (1.0 + rng.gauss(0.0, 0.003)) + rng.gauss(0.0, 6.0))
    v_mv = int(round((bus_mv + rng.gauss(0.0, 3.0)) / BUS_LSB_MV)) * BUS_LSB_MV
    i_ma_true = p * 1000.0 / v_mv
    shunt_uv = int(round(i_ma_true * shunt_uohm / 1000.0 / SHUNT_LSB_UV)) * SHUNT_LSB_UV
    i_ma = int(round(shunt_uv * 1000.0 / shunt_uohm))
    return v_mv, i_ma, (v_mv * i_ma) // 1000, shunt_uv


def sensor_dir(root, prof, sensor):
    base = os.path.join(root, 'sys', sensor['devpath'])
    if prof['layout'] == 'iio':
        return os.path.join(base, sensor['iio'])
    return os.path.join(base, 'hwmon', sensor['hwmon'])


def publish(root, prof, comps_w, rng, idles=None):
    """Write every rail's registers for mean dynamic components `comps_w` (W) over the last window, on top of
    each rail's idle: `idles` {rail: mW} of the board's power mode (power_mode.rail_idle_mw), else MAXN's."""
    idles = idles or {}
    for ina in prof['sensors']:
        d = sensor_dir(root, prof, ina)
        sum_uv, sum_ma = 0, 0
        regs = [convert(profiles.rail_power_mw(rail, comps_w, idles.get(rail[0])), rail, rng)
                for rail in ina['rails']]
        if prof['layout'] == 'iio':  # the power files first: they are what harnesses poll
            for ch, (v, i, p, shunt) in enumerate(regs):
                files.atomic_write(os.path.join(d, 'in_power%d_input' % ch), '%d\n' % p)
        for ch, (v, i, p, shunt) in enumerate(regs):
            if prof['layout'] == 'iio':
                files.atomic_write(os.path.join(d, 'in_current%d_input' % ch), '%d\n' % i)
                files.atomic_write(os.path.join(d, 'in_voltage%d_input' % ch), '%d\n' % v)
                files.atomic_write(os.path.join(d, 'ui_input_%d' % ch), '%d %d\n' % (v, i))
            else:
                n = ch + 1
                files.atomic_write(os.path.join(d, 'in%d_input' % n), '%d\n' % v)
                files.atomic_write(os.path.join(d, 'curr%d_input' % n), '%d\n' % i)
                files.atomic_write(os.path.join(d, 'in%d_input' % (n + 3)), '%d\n' % shunt)
                sum_uv += shunt
                sum_ma += i
        if prof['layout'] == 'hwmon':
            files.atomic_write(os.path.join(d, 'in7_input'), '%d\n' % sum_uv)
            files.atomic_write(os.path.join(d, 'curr4_input'), '%d\n' % sum_ma)


# The board's own background, which no layer causes (truth leaves it out): a daemon waking up now and then
# (an idle spike on a core), and idle power creeping up as the module warms (UNCERTAIN magnitudes).
SPIKE_EVERY_S = (60.0, 180.0)      # board seconds between spikes (uniform); the first after the first gap
SPIKE_LENGTH_S = (0.3, 1.5)
SPIKE_CPU_W = (0.2, 0.6)
DRIFT_CPU_W = 0.03                 # thermal creep of idle, approached exponentially
DRIFT_TAU_S = 1200.0
# The host that plays the sensor on a loaded machine: some publications come late, a few not at all.
LATE_SHARE, LATE_MAX_PERIODS, SKIP_SHARE = 0.12, 0.9, 0.03


class Background(object):
    """Dynamic CPU power (W) of the board's background over a wall-clock span, in board time `scale`."""

    def __init__(self, t0, scale, rng):
        self.t0, self.scale, self.rng = t0, scale, rng
        self.spikes = []
        self._next = t0 + rng.uniform(*SPIKE_EVERY_S) * scale

    def _extend(self, t):
        while self._next < t:
            length = self.rng.uniform(*SPIKE_LENGTH_S) * self.scale
            self.spikes.append((self._next, self._next + length, self.rng.uniform(*SPIKE_CPU_W)))
            self._next += length + self.rng.uniform(*SPIKE_EVERY_S) * self.scale

    def cpu_w(self, a, b):
        self._extend(b)
        self.spikes = [s for s in self.spikes if s[1] >= a - 10.0]
        spike = sum(w * max(0.0, min(e, b) - max(s, a)) for s, e, w in self.spikes) / (b - a)
        board_t = ((a + b) / 2.0 - self.t0) / self.scale
        return spike + DRIFT_CPU_W * (1.0 - math.exp(-max(0.0, board_t) / DRIFT_TAU_S))


def with_background(comps, cpu_w):
    out = dict(comps)
    out['cpu'] = out.get('cpu', 0.0) + cpu_w
    return out


class _Stop(object):
    flag = False


def serve(root, out=sys.stdout):
    """Run the sensor until SIGTERM/SIGINT. Prints `ready` once the first values are published."""
    cfg = config.load_config(root)
    prof = cfg['profile']
    lock = _lock(cfg["root"])  # noqa: F841 (one sensor per board: held until this process exits)
    if not prof['sensors']:
        out.write('ready (no sensor on this board: nothing to update)\n')
        out.flush()
        _wait_for_stop()
        return 0
    window = config.window_s(cfg)
    period = max(window, MIN_PUBLISH_PERIOD_S)
    lag = activity.sensor_lag_s(window)
    reader = activity.ActivityReader(config.activity_path(cfg['root']))
    rng = random.Random(int(cfg['seed']) * 7919 + 17)
    stop = _install_stop()
    idles = _ModeIdles(cfg['root'], prof)
    publish(cfg['root'], prof, {}, rng, idles.now())
    out.write('ready\n')
    out.flush()
    t0 = time.monotonic()
    background = Background(t0, float(cfg['time_scale']), random.Random(int(cfg['seed']) * 104729 + 3))
    host = random.Random(int(cfg['seed']) * 31 + 5)
    k = 1
    while not stop.flag:
        t_k = t0 + k * period
        u = host.random()
        late = host.uniform(0.2, LATE_MAX_PERIODS) * period if u < LATE_SHARE else 0.0
        _sleep_until(t_k + lag + late, stop)
        if stop.flag:
            break
        reader.poll()
        if u >= 1.0 - SKIP_SHARE:  # the host was busy elsewhere: this cycle's value is never written
            k += 1
            continue
        comps = with_background(reader.mean_components(t_k - window, t_k), background.cpu_w(t_k - window, t_k))
        publish(cfg['root'], prof, comps, rng, idles.now())
        reader.prune(t_k - window - 1.0)
        k += 1
        behind = time.monotonic() - (t0 + k * period + lag)
        if behind > 3 * period:  # the host stalled us: skip the missed cycles, as a reader would see
            k += int(math.floor(behind / period))
    return 0


class _ModeIdles(object):
    """The rails' idle (static) power in the power mode the board is in now: `nvpmodel -m` switches while the
    sensor runs, and the next publication follows (the status file is read each cycle: one small read)."""

    def __init__(self, root, prof):
        self.root, self.prof = root, prof
        self._cache = {}

    def now(self):
        mode_id = power_mode.current(self.root)
        if mode_id not in self._cache:
            self._cache[mode_id] = power_mode.rail_idle_mw(self.prof, mode_id)
        return self._cache[mode_id]


class AlreadyServed(Exception):
    pass


def _lock(root):
    """An exclusive lock on the board's sensor: a second `serve` on the same root fails clearly."""
    import fcntl
    f = open(os.path.join(config.state_dir(root), 'serve.lock'), 'a+')
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.seek(0)
        raise AlreadyServed('the sensor of %s is already running (pid %s)' % (root, f.read().strip() or '?'))
    f.truncate(0)
    f.write(str(os.getpid()))
    f.flush()
    return f


def _install_stop():
    stop = _Stop()

    def handler(signum, frame):
        stop.flag = True
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def _sleep_until(t, stop):
    while not stop.flag:
        d = t - time.monotonic()
        if d <= 0:
            return
        time.sleep(min(d, 0.05))


def _wait_for_stop():
    stop = _install_stop()
    while not stop.flag:
        time.sleep(0.05)
