#!/usr/bin/env python3
"""Energy Lens board agent: finds a Jetson's power sensors and measures the energy of each layer of a Caffe net.

Runs ON the board. Python 3.5 compatible (Jetson TX1 = Ubuntu 16.04), standard library only.

Commands
  probe                       one JSON object: board, L4T release, INA3221 rails, averaging, total rail,
                              CPU governors/frequencies and range, GPU clock and range, nvpmodel (the
                              current mode, the modes of /etc/nvpmodel.conf, whether the agent may switch:
                              nvpmodel on PATH and root or `sudo -n`), pycaffe, caffe binary, Python
  run --model NET.prototxt    measure the net (options: `run --help`); JSON lines on stdout; with
                              --power-mode ID in that nvpmodel mode, the mode before always restored
  restore-power-mode          switch back to the mode a killed run left (probe: nvpmodel.pending_restore)
  sample / check-net          internal: the power sampler and the network check, each a child process

Method (`run`, default "steady-state", BOARD-FORMATS.md section 6): the INA3221 averages over ~0.42 s on
L4T <= 32, far longer than most layers, so each layer i runs alone in a loop, `net._forward(i, i)`, long
enough for at least 5 sensor windows after 2 settling windows (one to fill the sensor's average, one
for the reading's staleness), while a sampler process polls the rails with CLOCK_MONOTONIC timestamps.
Mean power x time per call gives the loop's energy per call; from it the agent subtracts the harness
(the same loop calling Caffe's no-op Input layer, timed and powered like a layer) and, for in-place
layers whose input is restored, the restores (a restore-only loop, timed and powered): the layer's gross
energy; minus the idle power, its dynamic energy. Idle is bracketed: before the layers, every
--idle-every minutes between them and after them, each time asleep (median of window-long means) and as an
empty loop of the measuring loop's shape; the drift is reported. The sensor period is the median of
several estimates, bounded by the configured one. A layer whose loops give no value is measured again
(--retries). N back-to-back full forwards cross-check the sum; then each layer is timed inside whole
forwards (before/after_forward callbacks; cold caches, unlike its loop): its in-forward energy is its
loop's power times that time, and those add up to the whole net. Without pycaffe, "caffe-time" runs `caffe time` (on a copy of the net file with the
input batch set to --batch) and spreads the run's mean power over its per-layer forward times (lower
fidelity). "boundary" is SyNERGY's method (integrate the trace
between layer start and end during single forwards), kept to show how far off it is.

Output: one JSON object per line on stdout, flushed after each, all of schema version 1:
  {"v": 1, "event": "power-mode" | "start" | "idle" | "layer-start" | "layer" | "net" | "done" | "error" | "probe", ...}
  Units: time in ms (`*_ms`), power in mW (`*_mw`), energy in mJ (`*_mj`), durations of phases in s (`*_s`).
  The last line is always "done" (with "status": "ok" | "cancelled" | "error"), unless the agent is killed.
  start        method, model, mode, threads, options, board, l4t, rails, total_rail, layers (to measure),
               skipped_layers, unknown_layers
  idle         power_mw (total rail; cpu_power_mw, gpu_power_mw), window_s, samples, bracket (0 first, then
               one per bracket), at_s, drift_mw (against bracket 0), loop_power_mw / loop_time_ms (empty loop);
               the first also window_source ("measured" | "bounded" | "default"), window_estimates_s,
               window_spread and calibration {window, harness: {noop, time_ms, power_mw, energy_mj, ...}}
  layer-start  index, name, type, position, of, in_place, loop_s
  layer        index, name, type, method, in_place, time_ms (per call), power_mw, energy_mj (gross),
               dynamic_energy_mj (idle subtracted), each the median over repetitions with `<field>_spread`
               (standard deviation), all isolated (looped alone) and net of the harness and restores;
               repetitions (one object per loop: calls, time_ms, power_mw, energy_mj, dynamic_energy_mj,
               raw_* before the subtractions, samples, settled, restores); calls; idle_power_mw (the bracket
               used); harness and restore {time_ms, energy_mj} per call; tries; below_resolution when the
               layer is shorter than the harness resolves (time and energy 0); partial: true when cancelled
               after some loops; backward_ms with caffe-time
  net          time_ms (per forward, harness subtracted), power_mw, energy_mj, dynamic_energy_mj, iterations,
               sum_layers_energy_mj, layers_in_sum, residual_pct ((sum of isolated layers - net) / net),
               in_forward {method, forwards, callback_ms, layers: [{name, time_ms, energy_mj,
               dynamic_energy_mj}], sum_layers_energy_mj, residual_pct}, idle_drift {brackets, drift_mw, range_mw}
  power-mode   before the run: mode, name, original, original_name, switched, settle_s; after it:
               mode, name, restored: true, from
  error        code ("no-sensor" | "no-caffe" | "bad-network" | "internal" | ...), message, hint; location
               {line, column, message} (libprotobuf's, 1-based) when Caffe cannot parse the net
  done         status, exit_code, elapsed_s, layers_measured, partial_layers
Diagnostics go to stderr.

Exit codes
  0  ok
  1  internal error (a bug or an unexpected board state; see the error event)
  2  bad usage (arguments)
  3  no sensor: no INA3221 power monitor under /sys/bus/i2c/devices
  4  no caffe: neither pycaffe (import caffe) nor a `caffe` binary on PATH
  5  bad network: the prototxt/weights are missing or Caffe cannot build the net
  6  cancelled (SIGTERM, SIGINT or SIGHUP): layers measured so far were printed first
  7  power mode: `run --power-mode` could not switch (no nvpmodel, no root or sudo -n, unknown mode)
     or could not switch back (then the next `probe` says so and `restore-power-mode` retries)

Environment
  ENERGY_LENS_BOARD_ROOT  prefix for /sys, /proc, /etc and /var paths (empty or unset on a real board;
                          an emulated board's root otherwise). The only difference between the two.
  PYTHONPATH / PATH       where pycaffe and the `caffe` binary are found, as usual.
"""
import argparse
import collections
import glob
import json
import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

AGENT_VERSION = '1.0.0'
SCHEMA_VERSION = 1

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_NO_SENSOR = 3
EXIT_NO_CAFFE = 4
EXIT_BAD_NETWORK = 5
EXIT_CANCELLED = 6
EXIT_POWER_MODE = 7

ROOT_ENV = 'ENERGY_LENS_BOARD_ROOT'
# Averaging window when it cannot be read or estimated: NVIDIA IIO driver config 0x7727 (64 averages of
# 1.1 + 1.1 ms over 3 channels) on L4T <= 32; the mainline hwmon default 0x7127 on JetPack 5+.
DEFAULT_WINDOW_IIO_S = 0.4224
DEFAULT_WINDOW_HWMON_S = 0.0066
# Sensor-period calibration: blocks estimated separately (their median is kept), windows per block, and the
# bound on the estimate relative to the configured period.
WINDOW_BLOCKS = 3
WINDOWS_PER_BLOCK = 12
WINDOW_BOUND = 1.1
IN_FORWARD_MIN_FORWARDS = 7
# A layer's span inside a forward varies call to call around its mean (what the whole net adds up) and is
# lengthened now and then by what interrupts it (the sampler, another process, a late wake-up): the median
# over the forwards follows neither the interruptions nor, unlike a lower quantile, the call-to-call spread
# (the lower quartile read every layer ~2 % short, and the sum of layers with it).
IN_FORWARD_QUANTILE = 0.5
DATA_LAYER_TYPES = ('Input', 'Data', 'ImageData', 'MemoryData', 'HDF5Data', 'DummyData', 'WindowData')
TOTAL_RAIL_NAMES = ('VDD_IN', 'POM_5V_IN')
NO_SENSOR_HINT = ('No INA3221 power monitor under /sys/bus/i2c/devices. A stock Jetson TX1 (L4T 28) ships it '
                  'disabled: build the kernel with CONFIG_SENSORS_INA3221 and set the 1-0040 device-tree node '
                  'to status = "okay" (as SyNERGY did), or measure with an external meter.')
NO_CAFFE_HINT = ('Put pycaffe on PYTHONPATH (e.g. export PYTHONPATH=$HOME/caffe/python) or the caffe binary on '
                 'PATH (e.g. $HOME/caffe/build/tools); `probe` shows what was found.')


# ----------------------------------------------------------------------------------------------------------
# Board paths and small readers


def board_path(path):
    """`path` on this board: prefixed by ENERGY_LENS_BOARD_ROOT on an emulated board."""
    return os.environ.get(ROOT_ENV, '').rstrip('/') + path


def board_relative(path):
    """A board path as the board itself names it (without the emulated root prefix)."""
    root = os.environ.get(ROOT_ENV, '').rstrip('/')
    return path[len(root):] if root and path.startswith(root) else path


def read_text(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except (IOError, OSError):
        return None


def parse_sysfs_int(text):
    """`2345\\n` -> 2345; `32760 ma\\n` -> 32760; None when absent or not a number."""
    if text is None:
        return None
    parts = text.split()
    if not parts:
        return None
    try:
        return int(parts[0])
    except ValueError:
        try:
            return int(float(parts[0]))
        except ValueError:
            return None


def parse_limit(text):
    """A limit file such as `32760 ma\\n` -> (32760, 'ma'); unit None if the file has none."""
    if text is None:
        return None
    parts = text.split()
    value = parse_sysfs_int(text)
    if value is None:
        return None
    return value, (parts[1].lower() if len(parts) > 1 else None)


def parse_device_tree_model(data):
    """/proc/device-tree/model is NUL-terminated."""
    if data is None:
        return None
    if isinstance(data, bytes):
        data = data.decode('utf-8', 'replace')
    return data.replace('\x00', '').strip() or None


_TEGRA_RE = re.compile(r'^#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([0-9.]+)(.*)$')


def parse_tegra_release(text):
    """`# R28 (release), REVISION: 2.0, GCID: ..., BOARD: t210ref, ...` -> {'l4t': '28.2.0', ...}."""
    if not text:
        return None
    line = text.strip().splitlines()[0]
    m = _TEGRA_RE.match(line)
    if not m:
        return {'raw': line}
    out = collections.OrderedDict([('release', 'R' + m.group(1)), ('revision', m.group(2))])
    rev = m.group(2).split('.')
    out['l4t'] = '.'.join([m.group(1)] + rev + ['0'] * max(0, 2 - len(rev)))
    for part in m.group(3).split(','):
        if ':' in part:
            k, v = part.split(':', 1)
            if k.strip():
                out[k.strip().lower()] = v.strip()
    out['raw'] = line
    return out


# ----------------------------------------------------------------------------------------------------------
# Caffe's stderr (glog) parsers

GLOG_RE = re.compile(r'^([IWEF])(\d{4})?(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) +(\d+) ([^:\]]+):(\d+)\] ?(.*)$')
LAYER_TIME_RE = re.compile(r'^\s*(\S(?:.*\S)?)\s*\t?\s*(forward|backward): ([-+0-9.eE]+) ms\.$')
SUMMARY_RE = re.compile(r'^(Average Forward pass|Average Backward pass|Average Forward-Backward|Total Time): '
                        r'([-+0-9.eE]+) ms\.$')


def parse_glog_line(line):
    """A glog line -> dict (level, year or None, month, day, time, tid, file, line, message); None if no prefix."""
    m = GLOG_RE.match(line.rstrip('\r\n'))
    if not m:
        return None
    g = m.groups()
    return {'level': g[0], 'year': int(g[1]) if g[1] else None, 'month': int(g[2]), 'day': int(g[3]),
            'time': '%s:%s:%s.%s' % (g[4], g[5], g[6], g[7]), 'tid': int(g[8]), 'file': g[9],
            'line': int(g[10]), 'message': g[11]}


def glog_message(line):
    """The message of a glog line, or the line itself for continuation lines without a prefix."""
    g = parse_glog_line(line)
    return g['message'] if g else line.rstrip('\r\n')


def parse_layer_time(message):
    """`     conv1\\tforward: 0.10807 ms.` -> ('conv1', 'forward', 0.10807); None otherwise."""
    m = LAYER_TIME_RE.match(message)
    if not m:
        return None
    try:
        value = float(m.group(3))
    except ValueError:
        return None
    return m.group(1), m.group(2), value


def parse_caffe_time(text):
    """Per-layer forward/backward averages and summary of `caffe time` stderr (Split layers included)."""
    layers = collections.OrderedDict()
    summary = {}
    in_table = False
    out = {'iterations': None, 'begun': False, 'complete': False, 'fatal': None, 'initialized': False}
    for line in text.splitlines():
        g = parse_glog_line(line)
        msg = g['message'] if g else line.rstrip('\r\n')
        if g and g['level'] == 'F' and out['fatal'] is None:
            out['fatal'] = msg
        if msg.startswith('Network initialization done'):
            out['initialized'] = True
        elif msg.startswith('*** Benchmark begins ***'):
            out['begun'] = True
        elif msg.startswith('Testing for ') and msg.endswith(' iterations.'):
            out['iterations'] = parse_sysfs_int(msg[len('Testing for '):])
        elif msg.startswith('Average time per layer'):
            in_table = True
        elif msg.startswith('*** Benchmark ends ***'):
            out['complete'] = True
            in_table = False
        else:
            s = SUMMARY_RE.match(msg.strip())
            if s:
                summary[s.group(1)] = float(s.group(2))
                in_table = False
            elif in_table:
                lt = parse_layer_time(msg)
                if lt:
                    entry = layers.setdefault(lt[0], {'name': lt[0], 'forward_ms': None, 'backward_ms': None})
                    entry[lt[1] + '_ms'] = lt[2]
    out['layers'] = list(layers.values())
    out['forward_ms'] = summary.get('Average Forward pass')
    out['backward_ms'] = summary.get('Average Backward pass')
    out['forward_backward_ms'] = summary.get('Average Forward-Backward')
    out['total_ms'] = summary.get('Total Time')
    return out


# ----------------------------------------------------------------------------------------------------------
# Power rails (BOARD-FORMATS.md 2.1-2.3)


def _is_not_connected(label):
    return label.strip().upper() == 'NC'


def find_ina3221():
    """[(bus id, device dir, driver name)] of every INA3221 under /sys/bus/i2c/devices."""
    out = []
    for d in sorted(glob.glob(board_path('/sys/bus/i2c/devices/*'))):
        name = read_text(os.path.join(d, 'name'))
        if name and 'ina3221' in name.strip().lower():
            out.append((os.path.basename(d), d, name.strip()))
    return out


def discover_sensors():
    """Sensors and rails: {'devices': [...], 'rails': [...]} (rails in device and channel order)."""
    devices, rails = [], []
    for bus, d, driver in find_ina3221():
        hw = sorted(glob.glob(os.path.join(d, 'hwmon', 'hwmon*')))
        iio = sorted(glob.glob(os.path.join(d, 'iio:device*')))
        if not iio and os.path.isdir(os.path.join(d, 'iio_device')):
            iio = [os.path.join(d, 'iio_device')]
        if hw:
            h = hw[0]
            dev = {'bus': bus, 'driver': driver, 'layout': 'hwmon', 'path': board_relative(h),
                   'samples': parse_sysfs_int(read_text(os.path.join(h, 'samples'))),
                   'update_interval_ms': parse_sysfs_int(read_text(os.path.join(h, 'update_interval')))}
            for n in (1, 2, 3):
                label = read_text(os.path.join(h, 'in%d_label' % n))
                if label is None or _is_not_connected(label):
                    continue
                rails.append({'name': label.strip(), 'device': bus, 'layout': 'hwmon', 'channel': n,
                              'voltage': os.path.join(h, 'in%d_input' % n),
                              'current': os.path.join(h, 'curr%d_input' % n), 'power': None})
        elif iio:
            i = iio[0]
            mode = parse_sysfs_int(read_text(os.path.join(i, 'running_mode')))
            dev = {'bus': bus, 'driver': driver, 'layout': 'iio', 'path': board_relative(i),
                   'running_mode': {0: 'triggered', 1: 'continuous'}.get(mode) if mode is not None else None}
            for n in range(8):
                name = read_text(os.path.join(i, 'rail_name_%d' % n))
                if name is None:
                    continue
                if _is_not_connected(name):
                    continue
                rails.append({'name': name.strip(), 'device': bus, 'layout': 'iio', 'channel': n,
                              'voltage': os.path.join(i, 'in_voltage%d_input' % n),
                              'current': os.path.join(i, 'in_current%d_input' % n),
                              'power': os.path.join(i, 'in_power%d_input' % n),
                              'warn_current_limit': parse_limit(read_text(os.path.join(i, 'warn_current_limit_%d' % n))),
                              'crit_current_limit': parse_limit(read_text(os.path.join(i, 'crit_current_limit_%d' % n)))})
        else:
            dev = {'bus': bus, 'driver': driver, 'layout': 'unknown', 'path': board_relative(d)}
        devices.append(dev)
    return {'devices': devices, 'rails': rails}


def read_rail_mw(rail):
    """Current reading of one rail in mW (iio: in_powerN_input; hwmon: mV * mA / 1000). None if unreadable."""
    if rail.get('power'):
        return parse_sysfs_int(read_text(rail['power']))
    mv = parse_sysfs_int(read_text(rail['voltage']))
    ma = parse_sysfs_int(read_text(rail['current']))
    if mv is None or ma is None:
        return None
    return mv * ma / 1000.0


def choose_rails(rails):
    """(total: rail name or 'sum', cpu rail name or None, gpu rail name or None)."""
    names = [r['name'] for r in rails]
    total = 'sum'
    for t in TOTAL_RAIL_NAMES:
        if t in names:
            total = t
            break

    def pick(word, other):
        for n in names:
            if word in n.upper() and other not in n.upper():
                return n
        for n in names:
            if word in n.upper():
                return n
        return None
    return total, pick('CPU', 'GPU'), pick('GPU', 'CPU')


def sensor_window_default(devices):
    for d in devices:
        if d.get('layout') == 'hwmon' and d.get('update_interval_ms'):
            return d['update_interval_ms'] / 1000.0
    if any(d.get('layout') == 'hwmon' for d in devices):
        return DEFAULT_WINDOW_HWMON_S
    return DEFAULT_WINDOW_IIO_S


# ----------------------------------------------------------------------------------------------------------
# probe


# Bounds on what the probe lists from the board's files (a broken board cannot flood the link).
MAX_LISTED = 64


def _int_list(text):
    """`102000 204000 ...` -> [102000, 204000, ...] (at most MAX_LISTED, sorted, no duplicates)."""
    values = sorted(set(int(t) for t in re.findall(r'\d+', text or '')))
    return values[:MAX_LISTED]


def _cpu_range(f):
    """The frequencies a core can run at: the hardware range and the scaling steps, in kHz."""
    return collections.OrderedDict([
        ('min_khz', parse_sysfs_int(read_text(os.path.join(f, 'cpuinfo_min_freq')))),
        ('max_khz', parse_sysfs_int(read_text(os.path.join(f, 'cpuinfo_max_freq')))),
        ('available_khz', _int_list(read_text(os.path.join(f, 'scaling_available_frequencies')))),
    ])


def _cpu_info():
    cores = []
    for d in sorted(glob.glob(board_path('/sys/devices/system/cpu/cpu[0-9]*')),
                    key=lambda p: int(re.sub(r'\D', '', os.path.basename(p)) or 0)):
        f = os.path.join(d, 'cpufreq')
        online = parse_sysfs_int(read_text(os.path.join(d, 'online')))
        cores.append(collections.OrderedDict([
            ('cpu', int(re.sub(r'\D', '', os.path.basename(d)))),
            ('online', True if online is None else online == 1),
            ('governor', (read_text(os.path.join(f, 'scaling_governor')) or '').strip() or None),
            ('cur_khz', parse_sysfs_int(read_text(os.path.join(f, 'scaling_cur_freq')))),
            ('min_khz', parse_sysfs_int(read_text(os.path.join(f, 'scaling_min_freq')))),
            ('max_khz', parse_sysfs_int(read_text(os.path.join(f, 'scaling_max_freq')))),
        ]))
    cpu0 = board_path('/sys/devices/system/cpu/cpu0/cpufreq')
    return {'online': (read_text(board_path('/sys/devices/system/cpu/online')) or '').strip() or None,
            'cores': cores, 'range': _cpu_range(cpu0)}


def _gpu_info():
    for d in sorted(glob.glob(board_path('/sys/class/devfreq/*'))):
        name = os.path.basename(d)
        if re.search(r'gpu|gp10b|ga10b|gv11b|gm20b', name):
            return {'devfreq': name, 'cur_hz': parse_sysfs_int(read_text(os.path.join(d, 'cur_freq'))),
                    'max_hz': parse_sysfs_int(read_text(os.path.join(d, 'max_freq'))),
                    'min_hz': parse_sysfs_int(read_text(os.path.join(d, 'min_freq'))),
                    'available_hz': _int_list(read_text(os.path.join(d, 'available_frequencies')))}
    return None


def _nvpmodel():
    status = read_text(board_path('/var/lib/nvpmodel/status'))
    if not status:
        return None
    m = re.search(r'pmode:(\d+)', status)
    if not m:
        return {'raw': status.strip()}
    mode = int(m.group(1))
    modes = _nvpmodel_modes(read_text(board_path('/etc/nvpmodel.conf')) or '')
    name = None
    for listed in modes:
        if listed['id'] == mode:
            name = listed['name']
    return collections.OrderedDict([('mode', mode), ('name', name), ('modes', modes), ('control', _mode_control()),
                                    ('pending_restore', pending_power_mode_restore())])


def _nvpmodel_modes(conf):
    """The power modes of /etc/nvpmodel.conf: id, name, and the CPU cores and clocks each sets."""
    modes = []
    blocks = re.split(r'(?=<\s*POWER_MODEL\b)', conf)
    for block in blocks:
        head = re.match(r'<\s*POWER_MODEL\s+ID=(\d+)\s+NAME=([^\s>]+)', block)
        if not head or len(modes) >= MAX_LISTED:
            continue
        online = len(re.findall(r'^\s*CPU_ONLINE\s+CORE_\d+\s+1\s*$', block, re.M))
        cpu_max = [int(v) for v in re.findall(r'^\s*CPU_\w+\s+MAX_FREQ\s+(\d+)', block, re.M)]
        gpu_max = [int(v) for v in re.findall(r'^\s*GPU\s+MAX_FREQ\s+(\d+)', block, re.M)]
        modes.append(collections.OrderedDict([
            ('id', int(head.group(1))), ('name', head.group(2)[:64]),
            ('cpu_online', online or None),
            ('cpu_max_khz', max(cpu_max) if cpu_max else None),  # kHz in nvpmodel.conf; -1 (no cap) reads None
            ('gpu_max_hz', max(gpu_max) if gpu_max else None),
        ]))
    return modes


def _mode_control():
    """Whether the agent may change the power mode: nvpmodel on PATH and root or sudo without a password."""
    tool = shutil.which('nvpmodel')
    if hasattr(os, 'geteuid') and os.geteuid() == 0:
        return {'nvpmodel': tool, 'root': True, 'sudo': None, 'may_change': tool is not None,
                'why_not': None if tool else 'nvpmodel is not on PATH'}
    code, _out, err = _run_quick(['sudo', '-n', 'true'], 10)
    sudo = code == 0
    why = None
    if tool is None:
        why = 'nvpmodel is not on PATH'
    elif not sudo:
        why = 'sudo needs a password' if code is not None else 'no sudo'
    return {'nvpmodel': tool, 'root': False, 'sudo': sudo, 'may_change': tool is not None and sudo, 'why_not': why}


POWER_MODE_FILE = 'power-mode-restore.json'
POWER_MODE_SWITCH_TIMEOUT_S = 30
POWER_MODE_STATUS_WAIT_S = 5.0
POWER_MODE_HINT = ('Run the agent as root, or let its user run nvpmodel without a password (a sudoers line such '
                   'as `USER ALL=(root) NOPASSWD: /usr/sbin/nvpmodel`).')


def _state_dir():
    """What must outlive a run on this board (the mode to restore): ~/.energy-lens, inside an emulated root."""
    return board_path(os.path.join(os.path.expanduser('~'), '.energy-lens'))


def _current_mode():
    m = re.search(r'pmode:(\d+)', read_text(board_path('/var/lib/nvpmodel/status')) or '')
    return int(m.group(1)) if m else None


def pending_power_mode_restore():
    """{original, set, at} left by a run that changed the mode and could not switch back, or None."""
    text = read_text(os.path.join(_state_dir(), POWER_MODE_FILE))
    try:
        state = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(state, dict) or not isinstance(state.get('original'), int):
        return None
    return state


def _write_power_mode_restore(original, mode_id):
    # Written before the switch and atomically: a run killed at any point leaves the mode to go back to.
    d = _state_dir()
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, POWER_MODE_FILE)
    with open(path + '.tmp', 'w') as f:
        json.dump({'original': original, 'set': mode_id, 'at': time.time()}, f)
    os.replace(path + '.tmp', path)


def _switch_power_mode(mode_id, control, cancellable=True):
    cmd = ['nvpmodel', '-m', str(mode_id)]
    if not control.get('root'):
        cmd = ['sudo', '-n'] + cmd
    code, out, err = _run_quick(cmd, POWER_MODE_SWITCH_TIMEOUT_S, cancellable=cancellable)
    if code != 0:
        raise AgentError(EXIT_POWER_MODE, 'power-mode', '`%s` failed: %s' % (' '.join(cmd), (err or out).strip()[:400]),
                         POWER_MODE_HINT)
    # nvpmodel returns once it has written the clocks; its status file names the mode now in force.
    end = time.monotonic() + POWER_MODE_STATUS_WAIT_S
    while _current_mode() != mode_id:
        if time.monotonic() > end:
            raise AgentError(EXIT_POWER_MODE, 'power-mode', 'after `%s` the board reports mode %s, not %d'
                             % (' '.join(cmd), _current_mode(), mode_id))
        time.sleep(0.05)


def set_power_mode(mode_id, settle_s):
    """Switches to `mode_id` and lets the clocks settle; what `restore_power_mode` needs to switch back."""
    info = _nvpmodel()
    if not info or 'mode' not in info:
        raise AgentError(EXIT_POWER_MODE, 'power-mode', 'this board has no power modes (no /var/lib/nvpmodel/status)')
    names = dict((m['id'], m['name']) for m in info['modes'])
    if mode_id not in names:
        raise AgentError(EXIT_POWER_MODE, 'power-mode', 'power mode %d is not in /etc/nvpmodel.conf (modes: %s)'
                         % (mode_id, ', '.join('%d %s' % (k, names[k]) for k in sorted(names)) or 'none'))
    control = info['control']
    if not control['may_change']:
        raise AgentError(EXIT_POWER_MODE, 'power-mode', 'cannot change the power mode: %s' % control['why_not'],
                         POWER_MODE_HINT)
    pending = pending_power_mode_restore()
    # A run that was killed left the board changed: the mode before it is the one to go back to.
    original = pending['original'] if pending else info['mode']
    switched = mode_id != info['mode']
    state = {'mode': mode_id, 'name': names[mode_id], 'original': original, 'original_name': names.get(original),
             'switched': switched, 'settle_s': settle_s if switched else 0, 'control': control,
             'restore': switched or pending is not None}
    if switched:
        _write_power_mode_restore(original, mode_id)
        try:
            _switch_power_mode(mode_id, control)
            sleep_checked(settle_s)
        except (Cancelled, AgentError):
            # Cancelled while the clocks settled, or the switch half done: back now, not at the next connect.
            try:
                restore_power_mode(state)
            except AgentError:
                pass  # the note stays: the next connect restores
            raise
    return state


def restore_power_mode(state):
    """Back to `state['original']`, also when cancelled; the restore file goes once the board is back."""
    if _current_mode() != state['original']:
        _switch_power_mode(state['original'], state['control'], cancellable=False)
    path = os.path.join(_state_dir(), POWER_MODE_FILE)
    if os.path.exists(path):
        os.remove(path)
    return {'mode': state['original'], 'name': state.get('original_name'), 'from': state['mode']}


def cmd_restore_power_mode():
    """`restore-power-mode`: undoes what a killed run left (one JSON object: restored, mode, from)."""
    pending = pending_power_mode_restore()
    if not pending:
        return {'restored': False, 'mode': _current_mode(), 'reason': 'nothing to restore'}
    if _current_mode() == pending['original']:  # switched back by hand meanwhile: only the note is stale
        os.remove(os.path.join(_state_dir(), POWER_MODE_FILE))
        return {'restored': False, 'mode': pending['original'], 'reason': 'already in the mode before the run'}
    info = _nvpmodel() or {}
    names = dict((m['id'], m['name']) for m in info.get('modes') or [])
    state = {'original': pending['original'], 'original_name': names.get(pending['original']),
             'mode': _current_mode(), 'control': info.get('control') or _mode_control()}
    done = restore_power_mode(state)
    return {'restored': True, 'mode': done['mode'], 'name': done['name'], 'from': done['from'], 'left_at': pending.get('at')}


def _run_quick(cmd, timeout, env=None, cancellable=True):
    """(exit code, stdout, stderr) of a command; exit code None if it could not run or timed out.

    Polls for cancellation while it waits (raises Cancelled after killing the command), unless it must
    finish even when cancelled (switching the power mode back)."""
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError as e:
        return None, '', str(e)
    end = time.monotonic() + timeout
    out, err = b'', b''
    while True:
        try:
            o, e = p.communicate(timeout=0.1)
            out, err = out + (o or b''), err + (e or b'')
            break
        except subprocess.TimeoutExpired:
            cancelled = cancellable and _CANCEL[0]
            if cancelled or time.monotonic() > end:
                p.kill()
                p.communicate()
                if cancelled:
                    raise Cancelled()
                return None, '', 'timed out after %d s' % timeout
    return p.returncode, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')


def _quiet_env():
    env = dict(os.environ)
    env.setdefault('GLOG_minloglevel', '2')
    env['GLOG_logtostderr'] = '1'
    return env


def _caffe_info():
    code, out, err = _run_quick([sys.executable, '-c', 'import caffe, sys; sys.stdout.write(caffe.__file__)'],
                                120, _quiet_env())
    py = {'importable': code == 0}
    if code == 0:
        py['module'] = out.strip()
    else:
        lines = [l for l in err.strip().splitlines() if l.strip()]
        py['error'] = lines[-1] if lines else 'import caffe failed'
    binary = shutil.which('caffe')
    info = {'python': py, 'binary': binary}
    if binary:
        code, out, err = _run_quick([binary, '--version'], 20, _quiet_env())
        text = (out + err).strip()
        m = re.search(r'version\s+(\S+)', text)
        info['binary_version'] = m.group(1) if m else None
    return info


def probe():
    sensors = discover_sensors()
    rails = sensors['rails']
    for r in rails:
        r['power_mw'] = read_rail_mw(r)
    total, cpu_rail, gpu_rail = choose_rails(rails) if rails else (None, None, None)
    release = parse_tegra_release(read_text(board_path('/etc/nv_tegra_release')))
    out = collections.OrderedDict([
        ('v', SCHEMA_VERSION), ('event', 'probe'), ('agent', AGENT_VERSION),
        ('board', {'model': parse_device_tree_model(_read_bytes(board_path('/proc/device-tree/model'))),
                   'l4t': release, 'emulated': bool(os.environ.get(ROOT_ENV))}),
        ('sensor', collections.OrderedDict([
            ('found', bool(rails)),
            ('devices', sensors['devices']),
            ('rails', [collections.OrderedDict([('name', r['name']), ('device', r['device']),
                                                ('layout', r['layout']), ('channel', r['channel']),
                                                ('power_mw', r['power_mw'])]) for r in rails]),
            ('total_rail', total), ('cpu_rail', cpu_rail), ('gpu_rail', gpu_rail),
            ('window_s', sensor_window_default(sensors['devices']) if rails else None),
            ('hint', None if rails else NO_SENSOR_HINT),
        ])),
        ('cpu', _cpu_info()), ('gpu', _gpu_info()), ('nvpmodel', _nvpmodel()), ('caffe', _caffe_info()),
        ('python', {'version': sys.version.split()[0], 'executable': sys.executable}),
    ])
    return out


def _read_bytes(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except (IOError, OSError):
        return None


# ----------------------------------------------------------------------------------------------------------
# Output, cancellation


class Cancelled(Exception):
    pass


class AgentError(Exception):
    def __init__(self, exit_code, code, message, hint=None, location=None):
        Exception.__init__(self, message)
        self.exit_code, self.code, self.message, self.hint = exit_code, code, message, hint
        self.location = location


_CANCEL = [False]


def _on_signal(signum, frame):
    _CANCEL[0] = True


def check_cancel():
    if _CANCEL[0]:
        raise Cancelled()


def sleep_checked(seconds):
    end = time.monotonic() + seconds
    while True:
        check_cancel()
        d = end - time.monotonic()
        if d <= 0:
            return
        time.sleep(min(d, 0.05))


def _clean(x):
    if isinstance(x, float):
        if math.isnan(x) or math.isinf(x):
            return None
        return float('%.6g' % x)
    if isinstance(x, dict):
        return collections.OrderedDict((k, _clean(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def emit(event, fields):
    d = collections.OrderedDict([('v', SCHEMA_VERSION), ('event', event)])
    for k in sorted(fields):
        d[k] = _clean(fields[k])
    try:
        sys.stdout.write(json.dumps(d, separators=(',', ':')) + '\n')
        sys.stdout.flush()
    except (IOError, OSError):
        _CANCEL[0] = True  # the client went away (broken pipe): stop as if cancelled


def diag(msg):
    try:
        sys.stderr.write('energy-lens-agent: %s\n' % msg)
        sys.stderr.flush()
    except (IOError, OSError):
        pass


# ----------------------------------------------------------------------------------------------------------
# The sampler: a child process polls the rail files (a Python thread could be starved while a long layer
# holds the GIL inside Caffe); a reader thread here collects its lines.


def sample_main(args):
    """Child process: poll the rails every `period` s, print `t mW mW ...` lines (flushed every 10 ms).

    Its stdin carries `period <s>` lines from the parent; end of stdin (the parent died) stops it.
    """
    spec = json.loads(args.spec)
    period = float(args.period)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout
    stdin = sys.stdin.fileno()
    pending = b''
    nxt = time.monotonic()
    last_flush = nxt
    try:
        while True:
            t = time.monotonic()
            vals = []
            for r in spec:
                v = read_rail_mw(r)
                vals.append('nan' if v is None else repr(float(v)))
            out.write('%.6f %s\n' % (t, ' '.join(vals)))
            if t - last_flush >= 0.01:
                out.flush()
                last_flush = t
            nxt += period
            while True:  # sleep until the next sample, reading commands meanwhile
                d = nxt - time.monotonic()
                if d <= 0:
                    break
                ready = select.select([stdin], [], [], d)[0]
                if ready:
                    chunk = os.read(stdin, 4096)
                    if not chunk:
                        return 0
                    pending += chunk
                    while b'\n' in pending:
                        line, pending = pending.split(b'\n', 1)
                        parts = line.split()
                        if len(parts) == 2 and parts[0] == b'period':
                            period = float(parts[1])
                            nxt = time.monotonic() + period
            if nxt < time.monotonic() - 10 * period:
                nxt = time.monotonic()
    except (IOError, OSError):
        return 0  # parent gone


class Sampler(object):
    """Rail samples (t, [mW per rail]) from a child process, collected by a reader thread."""

    def __init__(self, rails, period):
        spec = [{'power': r.get('power'), 'voltage': r['voltage'], 'current': r['current']} for r in rails]
        self.period = period
        self._lock = threading.Lock()
        self._samples = []
        self.latest = 0.0
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), 'sample', '--spec', json.dumps(spec),
                                      '--period', repr(period)], stdout=subprocess.PIPE, stdin=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read)
        self._thread.daemon = True
        self._thread.start()
        end = time.monotonic() + 30.0
        while not self.latest and self.proc.poll() is None and time.monotonic() < end:
            check_cancel()
            time.sleep(0.005)
        if not self.latest:
            self.stop()
            raise AgentError(EXIT_INTERNAL, 'sampler', 'the power sampler did not start')

    def set_period(self, period):
        self.period = period
        try:
            self.proc.stdin.write(('period %r\n' % period).encode('ascii'))
            self.proc.stdin.flush()
        except (IOError, OSError):
            pass

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b''):
            parts = raw.split()
            if len(parts) < 2:
                continue
            try:
                t = float(parts[0])
                vals = [float(p) for p in parts[1:]]
            except ValueError:
                continue
            with self._lock:
                self._samples.append((t, vals))
                self.latest = t

    def wait_until(self, t, timeout=2.0):
        """Wait until samples up to time t have arrived (the child flushes every 10 ms)."""
        end = time.monotonic() + timeout
        while self.latest < t and time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            check_cancel()
            time.sleep(0.003)

    def between(self, t0, t1):
        with self._lock:
            return [s for s in self._samples if t0 <= s[0] <= t1]

    def drop_before(self, t):
        with self._lock:
            self._samples = [s for s in self._samples if s[0] >= t]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def estimate_window(samples, index, period):
    """The sensor's update period from the instants rail `index`'s reading changes. None if too few changes.

    Quantised readings often repeat from one update to the next, so gaps are multiples of the period:
    take a low percentile, then average the gaps near it. Changes closer than 2.5 sample periods are one
    update seen across two reads.
    """
    changes = []
    for a, b in zip(samples, samples[1:]):
        if a[1][index] != b[1][index] and (not changes or b[0] - changes[-1] > 2.5 * period):
            changes.append(b[0])
    gaps = sorted(y - x for x, y in zip(changes, changes[1:]))
    if len(gaps) < 6:
        return None
    base = gaps[len(gaps) // 5]
    near = [g for g in gaps if 0.75 * base <= g <= 1.25 * base]
    return sum(near) / len(near)


def robust_window(samples, index, period, blocks):
    """(median of the update periods estimated on `blocks` consecutive spans of the readings, [estimates]);
    (None, []) when no span gives an estimate. A loaded board starves the sampler now and then, which
    fools an estimate over one span (13-136 ms against a true 21 ms were seen); the median of several
    does not follow one bad span."""
    if len(samples) < 2:
        return None, []
    t0, t1 = samples[0][0], samples[-1][0]
    size = (t1 - t0) / blocks
    ests = []
    for k in range(blocks):
        lo, hi = t0 + k * size, t0 + (k + 1) * size
        w = estimate_window([x for x in samples if lo <= x[0] < hi or (k == blocks - 1 and x[0] == t1)], index, period)
        if w is not None:
            ests.append(w)
    return (median(ests) if ests else None), ests


def mean(xs):
    return sum(xs) / len(xs) if xs else float('nan')


def quantile(xs, q):
    """The q-quantile of xs (nearest rank); NaN when empty."""
    xs = sorted(xs)
    if not xs:
        return float('nan')
    return xs[min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))]


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return float('nan')
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def disagree(xs, tolerance):
    """True when repetitions differ by more than `tolerance` (relative to their median)."""
    m = median(xs)
    return len(xs) > 1 and m > 0 and (max(xs) - min(xs)) / m > tolerance


def spread(xs):
    """Sample standard deviation (0 for one value)."""
    if len(xs) < 2:
        return 0.0
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


class PowerTrace(object):
    """Turns samples into total / CPU / GPU power for a time span."""

    def __init__(self, sampler, rails, total, cpu_rail, gpu_rail):
        self.sampler = sampler
        names = [r['name'] for r in rails]
        self.total_idx = None if total == 'sum' else names.index(total)
        self.cpu_idx = names.index(cpu_rail) if cpu_rail else None
        self.gpu_idx = names.index(gpu_rail) if gpu_rail else None

    def total_of(self, vals):
        if self.total_idx is None:
            return sum(v for v in vals if not math.isnan(v))
        return vals[self.total_idx]

    def mean_power(self, t0, t1, settle):
        """Mean powers over [t0 + settle, t1], falling back to shorter settling if too few samples remain."""
        self.sampler.wait_until(t1)
        settled = True
        samples = self.sampler.between(t0 + settle, t1)
        if len(samples) < 3:
            settled = False
            samples = self.sampler.between(t0 + settle / 2.0, t1)
            if len(samples) < 3:
                samples = self.sampler.between(t0, t1)
        total = [self.total_of(v) for _, v in samples]
        total = [x for x in total if not math.isnan(x)]
        out = {'power_mw': mean(total), 'samples': len(total), 'settled': settled}
        if self.cpu_idx is not None:
            out['cpu_power_mw'] = mean([v[self.cpu_idx] for _, v in samples])
        if self.gpu_idx is not None:
            out['gpu_power_mw'] = mean([v[self.gpu_idx] for _, v in samples])
        return out

    def median_power(self, t0, t1, settle, chunk):
        """Total power over [t0 + settle, t1] as the median of its `chunk`-long means: a background spike in
        one chunk (a daemon waking up during an idle measurement) does not move it."""
        p = self.mean_power(t0, t1, settle)
        samples = self.sampler.between(t0 + settle, t1)
        means = []
        start = t0 + settle
        while chunk > 0 and start + chunk <= t1 + 1e-9:
            xs = [self.total_of(v) for t, v in samples if start <= t < start + chunk]
            xs = [x for x in xs if not math.isnan(x)]
            if xs:
                means.append(mean(xs))
            start += chunk
        if len(means) >= 3:
            p['power_mw'] = median(means)
            p['chunks'] = len(means)
        return p

    def integrate(self, t0, t1):
        """Energy (mJ) of the total rail over [t0, t1], each reading held until the next (SyNERGY style)."""
        samples = self.sampler.between(t0 - 1.0, t1 + 1.0)
        e = 0.0
        for (ta, va), (tb, _) in zip(samples, samples[1:]):
            ov = min(tb, t1) - max(ta, t0)
            if ov > 0:
                e += self.total_of(va) * ov
        return e


# ----------------------------------------------------------------------------------------------------------
# Network check (child process: Caffe aborts the whole process on a bad net, it does not raise)


def check_net_main(args):
    os.environ.setdefault('GLOG_minloglevel', '2')
    import caffe
    if args.gpu is not None:
        caffe.set_mode_gpu()
        caffe.set_device(args.gpu)
    else:
        caffe.set_mode_cpu()
    net = _load_net(caffe, args.model, args.weights)
    sys.stdout.write(json.dumps({'layers': [[n, l.type] for n, l in zip(net._layer_names, net.layers)]}) + '\n')
    return 0


def _load_net(caffe, model, weights, batch=None):
    if weights:
        net = caffe.Net(model, caffe.TEST, weights=weights)
    else:
        net = caffe.Net(model, caffe.TEST)
    if batch:
        _reshape_batch(net, batch)
    return net


def _reshape_batch(net, batch):
    """Runs the net at the batch the editor analysed (predictions are per image), whatever the
    file's input_dim says: a deploy file with `dim: 10` would otherwise measure ten images."""
    changed = False
    for name in list(getattr(net, 'inputs', [])):
        blob = net.blobs[name]
        shape = list(blob.shape)
        if shape and shape[0] != batch:
            blob.reshape(*([batch] + shape[1:]))
            changed = True
    if changed:
        net.reshape()


def check_network(args):
    cmd = [sys.executable, os.path.abspath(__file__), 'check-net', '--model', args.model]
    if args.weights:
        cmd += ['--weights', args.weights]
    if args.gpu is not None:
        cmd += ['--gpu', str(args.gpu)]
    code, out, err = _run_quick(cmd, 600, _quiet_env())
    if code == 0:
        try:
            return json.loads(out.strip().splitlines()[-1])['layers']
        except (ValueError, IndexError, KeyError):
            pass
    location = parse_error_location(err)
    what = _failure_text(code, err)
    if location:
        what = '%d:%d: %s (%s)' % (location['line'], location['column'], location['message'], what)
    raise AgentError(EXIT_BAD_NETWORK, 'bad-network', 'Caffe cannot build %s: %s' % (args.model, what),
                     location=location)


# libprotobuf's own stderr line when a prototxt does not parse (its LINE:COL are 1-based)
_PROTOBUF_RE = re.compile(r'^\[libprotobuf (?:ERROR|FATAL) [^\]]*\] Error parsing text-format [\w.]+: (\d+):(\d+): (.*)$')


def parse_error_location(err):
    """{'line', 'column', 'message'} of libprotobuf's text-format error in Caffe's stderr, or None."""
    for line in err.splitlines():
        m = _PROTOBUF_RE.match(line.strip())
        if m:
            return collections.OrderedDict([('line', int(m.group(1))), ('column', int(m.group(2))),
                                            ('message', m.group(3))])
    return None


def _failure_text(code, err):
    lines = [l for l in err.splitlines() if l.strip()]
    fatal = [glog_message(l) for l in lines if (parse_glog_line(l) or {}).get('level') == 'F']
    if fatal:
        return fatal[-1]
    tail = [l for l in lines if not l.startswith(' ') and l.strip() != '*** Check failure stack trace: ***']
    what = tail[-1] if tail else 'no message'
    if code is not None and code < 0:
        return 'killed by signal %d (%s)' % (-code, what)
    return what


# ----------------------------------------------------------------------------------------------------------
# run


class Run(object):
    def __init__(self, args):
        self.args = args
        self.sampler = None
        self.trace = None
        self.window = None
        self.idle = None
        self.harness = None      # {'time_s', 'energy_mj'} of one no-op call, once calibrated
        self.brackets = []       # (s since start, idle mW)
        self.last_bracket = time.monotonic()
        self.window_info = None
        self.measured = []
        self.t_start = time.monotonic()

    # -- setup ------------------------------------------------------------------------------------
    def sensors(self):
        s = discover_sensors()
        if not s['rails']:
            raise AgentError(EXIT_NO_SENSOR, 'no-sensor', 'no power sensor found', NO_SENSOR_HINT)
        self.devices = s['devices']
        self.rails = s['rails']
        self.total, self.cpu_rail, self.gpu_rail = choose_rails(self.rails)

    def start_sampler(self, period):
        if self.sampler:
            self.sampler.stop()
        self.sampler = Sampler(self.rails, period)
        self.trace = PowerTrace(self.sampler, self.rails, self.total, self.cpu_rail, self.gpu_rail)

    def calibrate(self, net=None, noop=None):
        """Sensor update period, the first idle bracket and (with a net) the harness: one `idle` event that
        carries the calibration, for audit."""
        self.calibrate_window()
        fields = self.measure_idle()
        harness = self.calibrate_harness(net, noop) if net is not None else None
        fields.update(self.window_info)
        fields['calibration'] = collections.OrderedDict([('window', self.window_info), ('harness', harness)])
        emit('idle', fields)

    def bracket(self):
        """An idle bracket between layers or after the last one. A bracket without readings (the sampler
        stalled) keeps the previous idle power rather than ending the campaign."""
        try:
            emit('idle', self.measure_idle())
        except AgentError as e:
            if e.code != 'no-samples':
                raise
            self.last_bracket = time.monotonic()
            diag('idle bracket skipped (%s): the previous idle power stays in use' % e.message)

    def calibrate_window(self):
        """The sensor's update period, estimated on several blocks of readings: the median, bounded by the
        configured period (a loaded board reads updates late or misses some, which only lengthens a
        naive estimate), with the blocks' spread."""
        a = self.args
        period = 0.001
        self.start_sampler(period)
        configured = a.sensor_window or sensor_window_default(self.devices)
        t0 = time.monotonic()
        window, ests = None, []
        while time.monotonic() - t0 < a.calibrate_max:
            sleep_checked(min(0.25, max(0.02, configured / 4.0)))
            samples = self.sampler.between(t0, time.monotonic())
            window, ests = robust_window(samples, self.trace.total_idx or 0, period, WINDOW_BLOCKS)
            if window is not None and len(ests) >= WINDOW_BLOCKS and \
                    samples[-1][0] - samples[0][0] > WINDOW_BLOCKS * WINDOWS_PER_BLOCK * window:
                break
        source = 'measured'
        if window is None:
            window, source = configured, 'default'
        elif window > WINDOW_BOUND * configured:
            window, source = configured, 'bounded'
        self.window = window
        m = median(ests) if ests else None
        self.window_info = collections.OrderedDict([
            ('window_s', window), ('window_source', source), ('window_configured_s', configured),
            ('window_estimates_s', ests), ('window_spread', spread(ests) / m if m else None)])
        self.sampler.set_period(min(0.02, max(0.001, window / 20.0)))

    def measure_idle(self):
        """Idle asleep (median of window-long means), then an empty loop of the measuring loop's shape
        (BOARD-FORMATS 6.2.6). Later layers use this idle power; `drift_mw` is against the first bracket."""
        a = self.args
        w = self.window
        idle_s = max(a.idle_time, a.min_windows * w)
        t1 = time.monotonic()
        sleep_checked(idle_s + a.settle_windows * w)
        p = self.trace.median_power(t1, time.monotonic(), a.settle_windows * w, w)
        if not p['samples'] or math.isnan(p['power_mw']):
            raise AgentError(EXIT_INTERNAL, 'no-samples', 'the power sampler returned no readings (exit code %s)'
                             % self.sampler.proc.poll())
        e0, e1, n, _ = _empty_loop(idle_s + a.settle_windows * w)
        loop = self.trace.mean_power(e0, e1, a.settle_windows * w)
        self.sampler.drop_before(e1 - 2.0 * w)
        self.idle = p['power_mw']
        at = time.monotonic() - self.t_start
        self.brackets.append((at, self.idle))
        self.last_bracket = time.monotonic()
        return dict(p, window_s=w, duration_s=idle_s, sample_period_s=self.sampler.period,
                    bracket=len(self.brackets) - 1, at_s=at, drift_mw=self.idle - self.brackets[0][1],
                    loop_power_mw=loop['power_mw'], loop_time_ms=(e1 - e0) / n * 1000.0, loop_iterations=n)

    def bracket_due(self):
        every = self.args.idle_every
        return every > 0 and time.monotonic() - self.last_bracket >= every * 60.0

    def drift(self):
        """Idle drift over the brackets so far: last minus first (mW), and the range."""
        ps = [p for _, p in self.brackets]
        return collections.OrderedDict([('brackets', len(ps)), ('drift_mw', ps[-1] - ps[0] if ps else None),
                                        ('range_mw', max(ps) - min(ps) if ps else None),
                                        ('idle_mw', [[t, p] for t, p in self.brackets])])

    def calibrate_harness(self, net, noop):
        """What one call of the measuring loop costs without a layer: loops of a no-op layer (Caffe's Input
        layer does nothing) timed and powered like a layer. Subtracted from every layer call."""
        a = self.args
        target = self.loop_target()
        if noop is not None:
            fwd, what = net._forward, 'layer %s (%s)' % (noop[1], noop[2])
            index = noop[0]
        else:  # no Input layer: at least the Python side of the call
            fwd, what, index = (lambda i, j: None), 'python call (the net has no Input layer)', 0
        reps = []
        for _ in range(max(2, a.repetitions)):
            check_cancel()
            t0, t1, calls, _ = _loop(fwd, index, target)
            reps.append(self.rep_result(t0, t1, calls, t1 - t0, corrected=False))
        h = Run.aggregate(reps)
        self.harness = {'time_s': h['time_ms'] / 1000.0, 'energy_mj': h['energy_mj']}
        return collections.OrderedDict([('noop', what), ('time_ms', h['time_ms']), ('power_mw', h['power_mw']),
                                        ('energy_mj', h['energy_mj']), ('time_ms_spread', h['time_ms_spread']),
                                        ('energy_mj_spread', h['energy_mj_spread']), ('calls', h['calls']),
                                        ('repetitions', reps)])

    def calibrate_restore(self, restore):
        """Time and energy of one restore of an in-place layer's input: a restore-only loop."""
        t0, t1, n = _restore_loop(restore, self.loop_target())
        r = self.rep_result(t0, t1, n, t1 - t0, corrected=False)
        return collections.OrderedDict([('time_ms', r['time_ms']), ('power_mw', r['power_mw']),
                                        ('energy_mj', r['energy_mj']), ('restores', n)])

    def loop_target(self):
        a = self.args
        return max(a.min_loop, (a.settle_windows + a.min_windows) * self.window)

    # -- result helpers ---------------------------------------------------------------------------
    def rep_result(self, t0, t1, calls, busy, restores=0, restore=None, corrected=True):
        """One loop's per-call time, power and energy. `corrected`: minus the measured restores and the
        harness's cost per call (the loop's raw figures are kept as `raw_*`)."""
        p = self.trace.mean_power(t0, t1, self.args.settle_windows * self.window)
        t_call = busy / calls
        e_call = p['power_mw'] * t_call
        r = collections.OrderedDict([('calls', calls)])
        if corrected:
            r['raw_time_ms'], r['raw_power_mw'], r['raw_energy_mj'] = t_call * 1000.0, p['power_mw'], e_call
            if restore and restores:
                t_call -= restores * restore['time_ms'] / 1000.0 / calls
                e_call -= restores * restore['energy_mj'] / calls
            if self.harness:
                t_call -= self.harness['time_s']
                e_call -= self.harness['energy_mj']
            if not t_call > 0 or not e_call > 0:
                # Below what the harness calibration resolves: neither figure means anything, so both read
                # 0 (flagged). Zeroing only the negative one left a repetition with energy but no time, and
                # the medians over repetitions then paired an energy with a zero time.
                r['below_resolution'] = True
                t_call = 0.0
                e_call = 0.0
        power = e_call / t_call if t_call > 0 else p['power_mw']
        r.update([('time_ms', t_call * 1000.0), ('power_mw', power), ('energy_mj', e_call),
                  ('dynamic_energy_mj', e_call - self.idle * t_call),
                  ('samples', p['samples']), ('settled', p['settled'])])
        for k in ('cpu_power_mw', 'gpu_power_mw'):
            if k in p:
                r[k] = p[k]
        self.sampler.drop_before(t1 - 2.0 * self.window)
        return r

    @staticmethod
    def aggregate(reps):
        """Median over repetitions (one disturbed loop does not move it) and the spread (standard deviation)."""
        out = collections.OrderedDict()
        for k in ('time_ms', 'power_mw', 'energy_mj', 'dynamic_energy_mj', 'cpu_power_mw', 'gpu_power_mw'):
            xs = [r[k] for r in reps if k in r]
            if xs:
                out[k] = median(xs)
                out[k + '_spread'] = spread(xs)
        out['calls'] = sum(r['calls'] for r in reps)
        out['settled'] = all(r['settled'] for r in reps)
        if any(r.get('below_resolution') for r in reps):
            out['below_resolution'] = True
        return out


def _layer_selection(names, types, args):
    """Indices to measure, in order: --layers (default: all but data layers), minus --skip-layers."""
    wanted = [n for n in (args.layers or '').split(',') if n]
    skip = set(args.skip_layers or ())
    unknown = [n for n in wanted + list(skip) if n not in names]
    idx = []
    for i, (n, t) in enumerate(zip(names, types)):
        if wanted and n not in wanted:
            continue
        if not wanted and t in DATA_LAYER_TYPES:
            continue
        if n in skip:
            continue
        idx.append(i)
    return idx, sorted(skip & set(names)), unknown


def _import_caffe(args):
    os.environ.setdefault('GLOG_minloglevel', '2')
    try:
        import caffe
        return caffe
    except Exception as e:  # pycaffe can fail with ImportError or anything its C++ module raises
        diag('import caffe failed: %s' % e)
        return None


def _set_mode(caffe, args):
    if args.gpu is not None:
        caffe.set_mode_gpu()
        caffe.set_device(args.gpu)
    else:
        caffe.set_mode_cpu()


def _in_place_blobs(net, name):
    tops = net.top_names[name] if hasattr(net, 'top_names') else []
    return [b for b in net.bottom_names[name] if b in tops] if hasattr(net, 'bottom_names') else []


def _open_net(run, caffe, method):
    """Loads the net, announces the layers to measure (start event) and calibrates the sensor."""
    a = run.args
    _set_mode(caffe, a)
    net = _load_net(caffe, a.model, a.weights, getattr(a, 'batch', None))
    names = list(net._layer_names)
    types = [l.type for l in net.layers]
    order, skipped, unknown = _layer_selection(names, types, a)
    emit_start(run, method, names, types, order, skipped, unknown)
    if method != 'steady-state':  # steady-state calibrates once the blobs are filled (its harness needs them)
        run.calibrate()
    return net, names, types, order


def _noop_layer(net, names, types):
    """(index, name, type) of a layer whose Forward does nothing (Caffe's InputLayer), or None."""
    for i, t in enumerate(types):
        if t == 'Input':
            return i, names[i], t
    return None


def run_steady_state(run, caffe, names, types):
    a = run.args
    net, names, types, order = _open_net(run, caffe, 'steady-state')
    net.forward()  # fills every blob; the loops below need their inputs
    run.calibrate(net, _noop_layer(net, names, types))
    target = run.loop_target()
    for pos, i in enumerate(order):
        check_cancel()
        if run.bracket_due():
            run.bracket()
        name = names[i]
        blobs = _in_place_blobs(net, name)
        emit('layer-start', {'index': i, 'name': name, 'type': types[i], 'position': pos + 1, 'of': len(order),
                             'in_place': bool(blobs), 'loop_s': target})
        extra = collections.OrderedDict()
        reps = []
        try:
            restore, every, restore_cost = None, 0, None
            if blobs:
                if i > 0:
                    net._forward(0, i - 1)  # recompute this layer's true input (later in-place layers changed it)
                saved = [(net.blobs[b].data, net.blobs[b].data.copy()) for b in blobs]

                def restore(saved=saved):
                    for arr, copy in saved:
                        arr[...] = copy
                every = _restore_plan(net, i, restore, 0.05 * target)
                restore_cost = run.calibrate_restore(restore)
                extra['restore'] = restore_cost
            attempt = []

            def measure(into):
                attempt[:] = [into]
                _measure_layer(run, net, i, name, target, restore, every, restore_cost, into)
            try:
                reps, extra['tries'] = measure_with_retries(measure, a.retries, name)
            except Cancelled:
                reps = attempt[0] if attempt else []
                raise
        except Cancelled:
            if reps:
                emit_layer(run, i, name, types[i], 'steady-state', reps, bool(blobs), partial=True, extra=extra)
            raise
        if blobs:
            restore()
            net._forward(i, i)  # leave the blob as this layer's output for the next layers
        extra['harness'] = collections.OrderedDict([('time_ms', run.harness['time_s'] * 1000.0),
                                                    ('energy_mj', run.harness['energy_mj'])])
        extra['idle_power_mw'] = run.idle
        emit_layer(run, i, name, types[i], 'steady-state', reps, bool(blobs), extra=extra)
    if order and run.brackets:
        run.bracket()  # the closing bracket: the drift over the campaign
    if not a.no_net_check:
        net_check(run, net, names, types, order)


def measure_with_retries(measure, retries, name):
    """measure(reps) fills `reps`; a try whose loops gave no value (the sampler stalled, no reading) is
    repeated, at most `retries` times. Returns (reps of the last try, tries)."""
    tries = 0
    while True:
        tries += 1
        reps = []
        measure(reps)
        if _has_values(reps) or tries > retries:
            return reps, tries
        diag('layer %s gave no value (try %d of %d): measuring it again' % (name, tries, retries + 1))


def _measure_layer(run, net, i, name, target, restore, every, restore_cost, reps):
    """The layer's loops: `--repetitions`, more while they disagree, appended to `reps` as they end (a
    cancel keeps the finished ones)."""
    a = run.args
    while len(reps) < a.repetitions or (len(reps) < a.max_repetitions and
                                         disagree([r['energy_mj'] for r in reps], a.tolerance)):
        check_cancel()
        if restore:
            restore()
        t0, t1, calls, restores = _loop(net._forward, i, target, restore, every)
        _sync(net, name)
        reps.append(run.rep_result(t0, t1, calls, t1 - t0, restores, restore_cost))
        if restore:
            reps[-1]['restores'] = restores
        if not _has_values(reps[-1:]):
            return  # no reading at all (the sampler stalled): the caller tries the layer again


def _has_values(reps):
    """Every repetition gave a finite time, power and energy."""
    for r in reps:
        for k in ('time_ms', 'power_mw', 'energy_mj'):
            v = r.get(k)
            if v is None or isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                return False
    return bool(reps)


def _sync(net, name):
    """In GPU mode reading a blob's data copies it to the host, which waits for queued kernels."""
    tops = net.top_names.get(name) if hasattr(net, 'top_names') else None
    if tops:
        net.blobs[tops[0]].data


def _timed(fn, min_s):
    """Mean duration of fn() repeated for at least min_s seconds (and 3 times)."""
    n = 0
    t0 = time.monotonic()
    while True:
        fn()
        n += 1
        t = time.monotonic() - t0
        if n >= 3 and t >= min_s:
            return t / n


def _restore_plan(net, i, restore, min_s):
    """Calls between restores of an in-place layer's input: at most 32 (repeated BatchNorm/Scale drift the
    data towards inf or denormals), and as many as keep the restores' share of a loop near 2 % (their
    measured cost is subtracted; a small share keeps that subtraction's error small)."""
    t_restore = _timed(restore, min_s)
    t_call = max(1e-9, _timed(lambda: net._forward(i, i), min_s))
    restore()
    return int(max(4, min(32, math.ceil(50.0 * t_restore / t_call))))


# The three loops share one shape (call, count, cancel check, clock, end check), so the harness measured
# by the first two is the harness inside the third.
def _empty_loop(target):
    """The measuring loop without its call: the Python loop alone. Returns (t0, t1, iterations, 0)."""
    now = time.monotonic
    cancel = _CANCEL
    calls = 0
    t0 = now()
    end = t0 + target
    while True:
        calls += 1
        if cancel[0]:
            raise Cancelled()
        t = now()
        if t >= end:
            return t0, t, calls, 0


def _restore_loop(restore, target):
    """Restores only, for their time and energy. Returns (t0, t1, restores)."""
    now = time.monotonic
    cancel = _CANCEL
    n = 0
    t0 = now()
    end = t0 + target
    while True:
        restore()
        n += 1
        if cancel[0]:
            raise Cancelled()
        t = now()
        if t >= end:
            return t0, t, n


def _loop(fwd, i, target, restore=None, every=0):
    """Run fwd(i, i) (layer i alone) for `target` s, restoring its input every `every` calls if asked.

    Returns (t0, t1, calls, restores)."""
    now = time.monotonic
    cancel = _CANCEL
    calls = 0
    restores = 0
    left = every
    t0 = now()
    end = t0 + target
    while True:
        fwd(i, i)
        calls += 1
        if cancel[0]:
            raise Cancelled()
        t = now()
        if t >= end:
            return t0, t, calls, restores
        if restore is not None:
            left -= 1
            if not left:
                restore()
                restores += 1
                left = every


def net_check(run, net, names, types, order):
    """Loops of back-to-back full forwards (each at least `--iterations` and as long as a layer loop), as many
    as the layers get: the whole-net energy (minus the harness of each `forward()` call), to compare with
    the sum of the layers; then the layers' times inside forwards (`in_forward`)."""
    a = run.args
    target = run.loop_target()
    reps = []
    while len(reps) < a.repetitions or (len(reps) < a.max_repetitions and
                                         disagree([r['energy_mj'] for r in reps], a.tolerance)):
        check_cancel()
        n = 0
        t0 = time.monotonic()
        while True:
            net.forward()
            n += 1
            check_cancel()
            t1 = time.monotonic()
            if n >= a.iterations and t1 - t0 >= target:
                break
        reps.append(run.rep_result(t0, t1, n, t1 - t0))
    r = Run.aggregate(reps)
    r['repetitions'] = reps
    in_forward = None
    if not a.no_in_forward:
        in_forward = measure_in_forward(run, net, names, types, order)
    emit_net(run, r, sum(x['calls'] for x in reps), in_forward=in_forward)


def measure_in_forward(run, net, names, types, order):
    """Each layer's time inside whole forwards, from pycaffe's before/after_forward callbacks (the median
    over forwards, minus the callbacks' own cost measured on the Input layer, whose Forward does nothing):
    inside a forward a layer runs after its predecessor, with cold caches, unlike in its loop. Its energy
    in the forward is its loop's power times that time. Runs last: callbacks cannot be removed again."""
    if not (hasattr(net, 'before_forward') and hasattr(net, 'after_forward')):
        return {'error': 'this pycaffe has no before_forward/after_forward callbacks (Caffe < 1.0)'}
    a = run.args
    n = len(names)
    now = time.monotonic
    starts = [0.0] * n
    spans = [[] for _ in range(n)]
    gpu = a.gpu is not None
    tops = [net.top_names.get(x, []) if hasattr(net, 'top_names') else [] for x in names]

    def before(i):
        starts[i] = now()

    def after(i):
        if gpu and tops[i]:
            net.blobs[tops[i][0]].data  # wait for the layer's kernels
        spans[i].append(now() - starts[i])
    net.before_forward(before)
    net.after_forward(after)
    target = run.loop_target()
    forwards = 0
    period = run.sampler.period
    run.sampler.set_period(1.0)  # timing only: the sampler and its reader thread would compete with the timed layers
    try:
        t0 = time.monotonic()
        while forwards < IN_FORWARD_MIN_FORWARDS or time.monotonic() - t0 < target:
            check_cancel()
            net.forward()
            forwards += 1
    finally:
        run.sampler.set_period(period)
    noop = _noop_layer(net, names, types)
    base = quantile(spans[noop[0]], IN_FORWARD_QUANTILE) if noop else 0.0
    by_name = dict((m['name'], m) for m in run.measured if not m.get('partial'))
    layers = []
    total = 0.0
    for i in order:
        t = max(0.0, quantile(spans[i], IN_FORWARD_QUANTILE) - base)
        entry = collections.OrderedDict([('name', names[i]), ('time_ms', t * 1000.0)])
        m = by_name.get(names[i])
        if m and m.get('power_mw') is not None and not math.isnan(m['power_mw']):
            entry['energy_mj'] = m['power_mw'] * t
            entry['dynamic_energy_mj'] = (m['power_mw'] - m.get('idle_power_mw', run.idle)) * t
            total += entry['energy_mj']
            m['in_forward'] = entry
        layers.append(entry)
    return collections.OrderedDict([
        ('method', 'callbacks'), ('forwards', forwards), ('quantile', IN_FORWARD_QUANTILE),
        ('callback_ms', base * 1000.0),
        ('noop', names[noop[0]] if noop else None), ('sum_layers_energy_mj', total),
        ('layers_in_sum', len([x for x in layers if 'energy_mj' in x])), ('layers', layers)])


def emit_net(run, r, n, method='steady-state', in_forward=None):
    measured = [m for m in run.measured if not m.get('partial')]
    total = sum(m['energy_mj'] for m in measured)
    fields = dict(r)
    fields.update({'iterations': n, 'method': method, 'sum_layers_energy_mj': total,
                   'layers_in_sum': len(measured),
                   'residual_pct': (total - r['energy_mj']) / r['energy_mj'] * 100.0 if r['energy_mj'] else None})
    if in_forward is not None:
        if 'sum_layers_energy_mj' in in_forward and r['energy_mj']:
            in_forward['residual_pct'] = (in_forward['sum_layers_energy_mj'] - r['energy_mj']) / r['energy_mj'] * 100.0
        fields['in_forward'] = in_forward
    if run.brackets:
        fields['idle_drift'] = run.drift()
    fields.pop('calls', None)
    emit('net', fields)


def emit_start(run, method, names, types, order, skipped, unknown):
    a = run.args
    if unknown:
        diag('layers not in the net (ignored): %s' % ', '.join(unknown))
    release = parse_tegra_release(read_text(board_path('/etc/nv_tegra_release')))
    emit('start', {
        'agent': AGENT_VERSION, 'method': method, 'model': a.model, 'weights': a.weights,
        'mode': 'gpu' if a.gpu is not None else 'cpu', 'device': a.gpu,
        'threads': a.threads, 'repetitions': a.repetitions, 'min_loop_s': a.min_loop, 'iterations': a.iterations,
        'board': parse_device_tree_model(_read_bytes(board_path('/proc/device-tree/model'))),
        'l4t': release.get('l4t') if release else None,
        'rails': [r['name'] for r in run.rails], 'total_rail': run.total, 'cpu_rail': run.cpu_rail,
        'gpu_rail': run.gpu_rail, 'layers': [{'index': i, 'name': names[i], 'type': types[i]} for i in order],
        'skipped_layers': skipped, 'unknown_layers': unknown, 'layer_count': len(names),
    })


def emit_layer(run, i, name, typ, method, reps, in_place, partial=False, extra=None):
    fields = collections.OrderedDict([('index', i), ('name', name), ('type', typ), ('method', method),
                                      ('in_place', in_place), ('repetitions', reps)])
    fields.update(Run.aggregate(reps))
    fields.update(extra or {})
    if partial:
        fields['partial'] = True
    run.measured.append(fields)
    emit('layer', fields)


def run_boundary(run, caffe, names, types):
    """SyNERGY's method: single forwards with per-layer timestamps, trace integrated between them."""
    a = run.args
    net, names, types, order = _open_net(run, caffe, 'boundary')
    marks = {}

    def before(i):
        marks[i] = [time.monotonic(), None]

    def after(i):
        marks[i][1] = time.monotonic()
    net.before_forward(before)
    net.after_forward(after)
    runs = []
    for r in range(a.repetitions):
        check_cancel()
        sleep_checked(2 * run.window)
        marks.clear()
        net.forward()
        runs.append(dict(marks))
    sleep_checked(2 * run.window)
    run.sampler.wait_until(time.monotonic() - run.window)
    for i in order:
        reps = []
        for m in runs:
            s, e = m[i]
            energy = run.trace.integrate(s, e)
            dt = e - s
            reps.append(collections.OrderedDict([
                ('calls', 1), ('time_ms', dt * 1000.0), ('power_mw', energy / dt if dt > 0 else float('nan')),
                ('energy_mj', energy), ('dynamic_energy_mj', energy - run.idle * dt), ('samples', 0),
                ('settled', False)]))
        emit_layer(run, i, names[i], types[i], 'boundary', reps, bool(_in_place_blobs(net, names[i])))


# Tokens of protobuf text format, enough to find input dimensions: comments and strings are
# matched so that nothing inside them is mistaken for a field.
_TEXT_TOKEN = re.compile(r'#[^\n]*|"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?'
                         r'|[A-Za-z_][A-Za-z0-9_]*|-?[0-9][0-9A-Za-z_.+-]*|\S')


def prototxt_at_batch(text, batch):
    """The net text with its input batch set to `batch`, for `caffe time`, which cannot reshape:
    the first of each four top-level `input_dim`, the first `dim` of each top-level `input_shape`
    and of each Input layer's `input_param { shape { } }`. Data layers keep their batch_size (as
    with pycaffe, whose reshape covers net inputs only). Returns None when nothing changes."""
    stack = []          # names of the open messages
    first_dim = []      # per open message: whether its first `dim` is still to come
    input_dims = 0      # top-level input_dim values seen
    edits = []
    name = None         # the last identifier, a field name if `:` or `{` follows
    field = None        # the field whose value comes next (after `:`)
    in_list = False
    for m in _TEXT_TOKEN.finditer(text):
        tok = m.group(0)
        c = tok[0]
        if c == '#':
            continue
        if c in '{<':
            stack.append(name if field is None else field)
            first_dim.append(True)
            name = field = None
            in_list = False
        elif c in '}>':
            if stack:
                stack.pop()
                first_dim.pop()
            name = field = None
        elif c == ':':
            field, name = name, None
        elif c == '[':
            in_list = field is not None
        elif c == ']':
            in_list = False
            field = None
        elif c in ',;' or tok == '-':
            pass
        elif c.isdigit() or c == '-':
            if field == 'input_dim' and not stack:
                if input_dims % 4 == 0:
                    edits.append((m.start(), m.end()))
                input_dims += 1
            elif field == 'dim' and first_dim and first_dim[-1] and (
                    stack == ['input_shape'] or stack[-2:] == ['input_param', 'shape']):
                first_dim[-1] = False
                edits.append((m.start(), m.end()))
            if not in_list:
                field = None
        else:
            # A name (of a field, or an enum value) or a string: a value ends the pending field.
            name = tok if (c.isalpha() or c == '_') and field is None else None
            if not in_list:
                field = None
    changed = any(text[a:b] != str(batch) for a, b in edits)
    if not changed:
        return None
    out = []
    last = 0
    for a, b in edits:
        out.append(text[last:a])
        out.append(str(batch))
        last = b
    out.append(text[last:])
    return ''.join(out)


def run_caffe_time(run, binary):
    """Fallback without pycaffe: `caffe time` forward averages x the run's mean power (lower fidelity)."""
    a = run.args
    emit_start(run, 'caffe-time', [], [], [], [], [])
    run.calibrate()
    model, scratch = a.model, None
    if getattr(a, 'batch', None):
        with open(a.model, 'rb') as f:
            rewritten = prototxt_at_batch(f.read().decode('utf-8', 'replace'), a.batch)
        if rewritten is not None:
            scratch = tempfile.mkdtemp(prefix='energy-lens-')
            model = os.path.join(scratch, os.path.basename(a.model))
            with open(model, 'wb') as f:
                f.write(rewritten.encode('utf-8'))
    try:
        _caffe_time(run, binary, model)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _caffe_time(run, binary, model):
    a = run.args
    cmd = [binary, 'time', '-model', model, '-iterations', str(a.iterations), '-phase', 'TEST']
    if a.gpu is not None:
        cmd += ['-gpu', str(a.gpu)]
    env = dict(os.environ)
    env['GLOG_logtostderr'] = '1'
    env.pop('GLOG_minloglevel', None)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    lines = []
    marks = {}

    def read():
        for raw in iter(proc.stderr.readline, b''):
            line = raw.decode('utf-8', 'replace')
            lines.append(line)
            msg = glog_message(line)
            if msg.startswith('*** Benchmark begins ***'):
                marks['begin'] = time.monotonic()
            elif msg.startswith('Average time per layer'):
                marks['end'] = time.monotonic()
    reader = threading.Thread(target=read)
    reader.daemon = True
    reader.start()
    try:
        while proc.poll() is None:
            sleep_checked(0.02)
    except Cancelled:
        proc.terminate()
        proc.wait()
        raise
    reader.join(5)
    parsed = parse_caffe_time(''.join(lines))
    if proc.returncode != 0 or not parsed['complete']:
        text = _failure_text(proc.returncode, ''.join(lines))
        if not parsed['initialized']:
            location = parse_error_location(''.join(lines))
            if location:
                text = '%d:%d: %s (%s)' % (location['line'], location['column'], location['message'], text)
            raise AgentError(EXIT_BAD_NETWORK, 'bad-network', 'caffe time cannot build %s: %s' % (a.model, text),
                             location=location)
        raise AgentError(EXIT_INTERNAL, 'caffe-failed', 'caffe time failed (exit %s): %s' % (proc.returncode, text))
    t0, t1 = marks.get('begin'), marks.get('end')
    p = run.trace.mean_power(t0, t1, a.settle_windows * run.window)
    if p['samples'] == 0:
        raise AgentError(EXIT_INTERNAL, 'no-samples', 'no power samples during the benchmark')
    skip = set(a.skip_layers or ())
    wanted = [n for n in (a.layers or '').split(',') if n]
    for i, l in enumerate(parsed['layers']):
        if l['name'] in skip or (wanted and l['name'] not in wanted) or l['forward_ms'] is None:
            continue
        t = l['forward_ms'] / 1000.0
        rep = collections.OrderedDict([('calls', parsed['iterations']), ('time_ms', l['forward_ms']),
                                       ('power_mw', p['power_mw']), ('energy_mj', p['power_mw'] * t),
                                       ('dynamic_energy_mj', (p['power_mw'] - run.idle) * t),
                                       ('samples', p['samples']), ('settled', p['settled'])])
        emit_layer(run, i, l['name'], None, 'caffe-time', [rep], False, extra={'backward_ms': l['backward_ms']})
    if parsed['forward_ms'] is not None:
        t = parsed['forward_ms'] / 1000.0
        r = {'time_ms': parsed['forward_ms'], 'power_mw': p['power_mw'], 'energy_mj': p['power_mw'] * t,
             'dynamic_energy_mj': (p['power_mw'] - run.idle) * t, 'samples': p['samples'],
             'settled': p['settled'], 'backward_ms': parsed['backward_ms']}
        emit_net(run, r, parsed['iterations'], 'caffe-time')


def cmd_run(args):
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _on_signal)
    run = Run(args)
    status, code = 'ok', EXIT_OK
    power = None
    try:
        if args.power_mode is not None:
            power = set_power_mode(args.power_mode, args.mode_settle)
            emit('power-mode', dict((k, power[k]) for k in ('mode', 'name', 'original', 'original_name', 'switched',
                                                            'settle_s')))
        if args.threads:
            os.environ['OMP_NUM_THREADS'] = str(args.threads)
            os.environ['OPENBLAS_NUM_THREADS'] = str(args.threads)
        run.sensors()
        for path, what in ((args.model, 'network'), (args.weights, 'weights')):
            if path and not os.path.isfile(path):
                raise AgentError(EXIT_BAD_NETWORK, 'bad-network', '%s file not found: %s' % (what, path))
        method = args.method
        caffe = None
        if method in ('auto', 'steady-state', 'boundary'):
            caffe = _import_caffe(args)
            if caffe is None and method == 'auto':
                method = 'caffe-time'
            elif caffe is None:
                raise AgentError(EXIT_NO_CAFFE, 'no-caffe', 'pycaffe cannot be imported', NO_CAFFE_HINT)
            elif method == 'auto':
                method = 'steady-state'
        if method == 'caffe-time':
            binary = shutil.which('caffe')
            if not binary:
                raise AgentError(EXIT_NO_CAFFE, 'no-caffe', 'neither pycaffe nor a caffe binary was found',
                                 NO_CAFFE_HINT)
            run_caffe_time(run, binary)
        else:
            layers = check_network(args)
            names = [l[0] for l in layers]
            types = [l[1] for l in layers]
            (run_boundary if method == 'boundary' else run_steady_state)(run, caffe, names, types)
    except Cancelled:
        status, code = 'cancelled', EXIT_CANCELLED
    except AgentError as e:
        fields = {'code': e.code, 'message': e.message, 'hint': e.hint}
        if e.location:
            fields['location'] = e.location
        emit('error', fields)
        status, code = 'error', e.exit_code
    except Exception as e:  # report, never a bare trace on stdout
        import traceback
        traceback.print_exc()
        emit('error', {'code': 'internal', 'message': '%s: %s' % (type(e).__name__, e), 'hint': None})
        status, code = 'error', EXIT_INTERNAL
    finally:
        if run.sampler:
            run.sampler.stop()
        if power is not None and power['restore']:
            status, code = _restore_after_run(power, status, code)
    emit('done', {'status': status, 'exit_code': code, 'elapsed_s': time.monotonic() - run.t_start,
                  'layers_measured': [m['name'] for m in run.measured if not m.get('partial')],
                  'partial_layers': [m['name'] for m in run.measured if m.get('partial')]})
    return code


def _restore_after_run(power, status, code):
    """Switches back to the mode before the run (cancelled or not); a failure to is the run's error."""
    try:
        back = restore_power_mode(power)
        emit('power-mode', {'mode': back['mode'], 'name': back['name'], 'restored': True, 'from': back['from']})
        return status, code
    except AgentError as e:
        emit('error', {'code': e.code, 'message': 'the power mode was not restored: %s' % e.message,
                       'hint': 'the next probe reports it and `restore-power-mode` retries'})
        return 'error', e.exit_code


# ----------------------------------------------------------------------------------------------------------
# CLI


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write('%s: error: %s\n' % (self.prog, message))
        sys.exit(EXIT_USAGE)


MAX_SKIP_LIST_BYTES = 64 * 1024 * 1024


def _json_name_list(text, where):
    try:
        names = json.loads(text)
    except ValueError as e:
        raise ValueError('%s is not JSON: %s' % (where, e))
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError('%s must be a JSON list of layer names (strings)' % where)
    return [n for n in names if n]


def skip_layer_names(args):
    """The layers to leave out, as a list: from --skip-layers (commas), --skip-layers-json or --skip-layers-file
    (a JSON list, so a name with a comma survives). Raises ValueError saying what is wrong."""
    if args.skip_layers_json is not None:
        return _json_name_list(args.skip_layers_json, '--skip-layers-json')
    if args.skip_layers_file is not None:
        where = '--skip-layers-file %s' % args.skip_layers_file
        try:
            with open(args.skip_layers_file, 'rb') as f:
                data = f.read(MAX_SKIP_LIST_BYTES + 1)
        except (IOError, OSError) as e:
            raise ValueError('%s cannot be read: %s' % (where, e))
        if len(data) > MAX_SKIP_LIST_BYTES:
            raise ValueError('%s is over %d bytes' % (where, MAX_SKIP_LIST_BYTES))
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as e:
            raise ValueError('%s is not UTF-8: %s' % (where, e))
        return _json_name_list(text, where)
    return [n for n in (args.skip_layers or '').split(',') if n]


def build_parser():
    p = _Parser(prog='energy_lens_agent.py', description='Energy Lens board agent (see the file header).')
    sub = p.add_subparsers(dest='cmd')
    sub.add_parser('probe', help='describe the board as one JSON object')
    r = sub.add_parser('run', help='measure per-layer energy of a network')
    r.add_argument('--model', required=True, help='deploy prototxt')
    r.add_argument('--weights', help='caffemodel (optional: timing does not depend on weight values)')
    g = r.add_mutually_exclusive_group()
    g.add_argument('--cpu', action='store_true', help='CPU mode (default)')
    g.add_argument('--gpu', type=int, metavar='DEVICE', help='GPU mode on this device')
    r.add_argument('--batch', type=int, default=None,
                   help='reshape the net inputs to this batch size before measuring (the editor analyses batch 1)')
    r.add_argument('--threads', type=int, help='OMP_NUM_THREADS / OPENBLAS_NUM_THREADS (SyNERGY used 1)')
    r.add_argument('--method', choices=('auto', 'steady-state', 'caffe-time', 'boundary'), default='auto',
                   help='auto = steady-state with pycaffe, else caffe-time')
    r.add_argument('--repetitions', type=int, default=3, help='loops per layer (the spread is over these)')
    r.add_argument('--max-repetitions', type=int, help='more loops while they disagree (default: 2 x repetitions)')
    r.add_argument('--tolerance', type=float, default=0.05,
                   help='relative range of the loops\' energies above which another loop runs (default 0.05)')
    r.add_argument('--min-loop', type=float, default=2.0, help='minimum seconds per loop (default 2)')
    r.add_argument('--min-windows', type=float, default=5.0, help='sensor windows averaged per loop (default 5)')
    r.add_argument('--settle-windows', type=float, default=2.0,
                   help='sensor windows discarded at the start of a loop (default 2)')
    r.add_argument('--iterations', type=int, default=20, help='full forwards of the whole-net cross-check')
    r.add_argument('--idle-time', type=float, default=2.0, help='minimum seconds of idle measurement')
    r.add_argument('--calibrate-max', type=float, default=16.0, help='max seconds to find the sensor period')
    r.add_argument('--layers', help='comma-separated layer names to measure (default: all but data layers)')
    sk = r.add_mutually_exclusive_group()
    sk.add_argument('--skip-layers', help='comma-separated layer names already measured (resume; for typing by hand)')
    sk.add_argument('--skip-layers-json', metavar='JSON', help='layer names already measured, as a JSON list (names may contain commas)')
    sk.add_argument('--skip-layers-file', metavar='FILE', help='a file holding the JSON list of --skip-layers-json (long lists)')
    r.add_argument('--no-net-check', action='store_true', help='skip the whole-net cross-check')
    r.add_argument('--no-in-forward', action='store_true',
                   help='skip timing each layer inside whole forwards (after the net check)')
    r.add_argument('--sensor-window', type=float, default=None,
                   help='configured sensor averaging period in s (default: the driver\'s); bounds the measured one')
    r.add_argument('--idle-every', type=float, default=5.0,
                   help='minutes between idle brackets (idle before, between layers, after; 0: only before)')
    r.add_argument('--retries', type=int, default=2, help='extra tries for a layer that gives no value (default 2)')
    r.add_argument('--power-mode', type=int, metavar='ID',
                   help='measure in this nvpmodel mode (root or sudo -n); the mode before is always restored')
    r.add_argument('--mode-settle', type=float, default=2.0,
                   help='seconds for the clocks to settle after switching the power mode (default 2)')
    sub.add_parser('restore-power-mode', help='switch back to the power mode a killed run left changed')
    s = sub.add_parser('sample')
    s.add_argument('--spec', required=True)
    s.add_argument('--period', required=True)
    c = sub.add_parser('check-net')
    c.add_argument('--model', required=True)
    c.add_argument('--weights')
    c.add_argument('--gpu', type=int)
    return p


def main(argv):
    p = build_parser()
    args = p.parse_args(argv)
    if args.cmd == 'probe':
        emit_obj = probe()
        sys.stdout.write(json.dumps(_clean(emit_obj)) + '\n')
        sys.stdout.flush()
        return EXIT_OK
    if args.cmd == 'run':
        for k in ('repetitions', 'iterations'):
            if getattr(args, k) < 1:
                p.error('--%s must be >= 1' % k)
        if args.retries < 0:
            p.error('--retries must be >= 0')
        if args.sensor_window is not None and not args.sensor_window > 0:
            p.error('--sensor-window must be > 0')
        for k in ('min_loop', 'min_windows', 'settle_windows', 'idle_time', 'idle_every', 'mode_settle'):
            if not getattr(args, k) >= 0:
                p.error('--%s must be >= 0' % k.replace('_', '-'))
        if args.threads is not None and args.threads < 1:
            p.error('--threads must be >= 1')
        if args.max_repetitions is None:
            args.max_repetitions = 2 * args.repetitions
        args.max_repetitions = max(args.max_repetitions, args.repetitions)
        try:
            args.skip_layers = skip_layer_names(args)
        except ValueError as e:
            p.error(str(e))
        return cmd_run(args)
    if args.cmd == 'restore-power-mode':
        try:
            result = cmd_restore_power_mode()
        except AgentError as e:
            result = {'restored': False, 'error': {'code': e.code, 'message': e.message, 'hint': e.hint}}
        sys.stdout.write(json.dumps(_clean(result)) + '\n')
        sys.stdout.flush()
        return EXIT_OK if 'error' not in result else EXIT_POWER_MODE
    if args.cmd == 'sample':
        return sample_main(args)
    if args.cmd == 'check-net':
        return check_net_main(args)
    p.print_help(sys.stderr)
    return EXIT_USAGE


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
