"""Creates an emulated board root: the sysfs, procfs and /etc files of the chosen board (BOARD-FORMATS 2.2-2.3).

Values are written as the kernel prints them: decimal integers and a newline, limits with their unit
("%d ma", "%d mw"), the device-tree model NUL-terminated.
"""
import os
import random
import shutil
import time

from . import config, files, profiles, sensor


def create(root, kind, time_scale=1.0, seed=1, analyze=None, analyze_json=None, glog_year=False):
    prof = profiles.profile(kind)
    if not (time_scale > 0):
        raise ValueError('time scale must be > 0, got %r' % (time_scale,))
    root = os.path.abspath(root)
    if os.path.isdir(root) and os.listdir(root) and not os.path.isfile(config.config_path(root)):
        raise ValueError('refusing to create a board in %s: the folder is not empty and is not an emulated '
                         'board root' % root)
    for sub in ('sys', 'proc', 'etc', 'var', config.STATE_DIR):
        p = os.path.join(root, sub)
        if os.path.isdir(p):
            shutil.rmtree(p)
    os.makedirs(root, exist_ok=True)
    config.write_config(root, {
        'kind': kind, 'time_scale': float(time_scale), 'seed': int(seed), 'analyze': analyze,
        'analyze_json': analyze_json, 'glog_year': bool(glog_year), 'created': time.time(),
    })
    open(config.activity_path(root), 'w').close()
    _write_identity(root, prof)
    _write_cpus(root, prof)
    _write_gpu(root, prof)
    _write_i2c(root, prof, random.Random(int(seed)))
    return root


def _write_identity(root, prof):
    files.write_bytes(os.path.join(root, 'proc', 'device-tree', 'model'), prof['model'].encode() + b'\0')
    files.write(os.path.join(root, 'etc', 'nv_tegra_release'), prof['release'] + '\n')
    if prof['nvpmodel']:
        mode, _name = prof['nvpmodel']
        files.write(os.path.join(root, 'var', 'lib', 'nvpmodel', 'status'), 'pmode:%04d\n' % mode)
        files.write(os.path.join(root, 'etc', 'nvpmodel.conf'), nvpmodel_conf(prof))


def nvpmodel_conf(prof):
    """/etc/nvpmodel.conf as L4T writes it: per mode the cores online and the CPU (kHz) and GPU (Hz) caps, -1 none."""
    out = ['# nvpmodel.conf of the emulated %s' % prof['title'], '']
    cluster = prof.get('cpu_cluster', 'CPU_A57')
    for mode_id, name, online, cpu_khz, gpu_hz in prof['nvpmodel_modes']:
        out.append('< POWER_MODEL ID=%d NAME=%s >' % (mode_id, name))
        for core in range(prof['cpus']):
            out.append('CPU_ONLINE CORE_%d %d' % (core, 1 if core < online else 0))
        out.append('%s MIN_FREQ 0' % cluster)
        out.append('%s MAX_FREQ %d' % (cluster, cpu_khz))
        out.append('GPU MIN_FREQ 0')
        out.append('GPU MAX_FREQ %d' % gpu_hz)
        out.append('')
    return '\n'.join(out)


def _write_cpus(root, prof):
    base = os.path.join(root, 'sys', 'devices', 'system', 'cpu')
    n = prof['cpus']
    for name in ('online', 'present', 'possible'):
        files.write(os.path.join(base, name), '0-%d\n' % (n - 1))
    freqs = prof['cpu_freqs_khz']
    for i in range(n):
        d = os.path.join(base, 'cpu%d' % i)
        if i > 0:
            files.write(os.path.join(d, 'online'), '1\n')
        fd = os.path.join(d, 'cpufreq')
        files.write(os.path.join(fd, 'scaling_governor'), prof['governor'] + '\n')
        files.write(os.path.join(fd, 'scaling_available_governors'),
                    'interactive conservative ondemand userspace powersave performance schedutil \n')
        files.write(os.path.join(fd, 'scaling_available_frequencies'), ' '.join(str(f) for f in freqs) + ' \n')
        for name, val in (('scaling_cur_freq', freqs[-1]), ('cpuinfo_cur_freq', freqs[-1]),
                          ('scaling_min_freq', freqs[0]), ('scaling_max_freq', freqs[-1]),
                          ('cpuinfo_min_freq', freqs[0]), ('cpuinfo_max_freq', freqs[-1])):
            files.write(os.path.join(fd, name), '%d\n' % val)


def _write_gpu(root, prof):
    name, devpath, hz = prof['gpu_devfreq']
    d = os.path.join(root, 'sys', devpath)
    for f, val in (('cur_freq', hz), ('max_freq', hz), ('min_freq', hz // 13)):
        files.write(os.path.join(d, f), '%d\n' % val)
    steps = [hz // 13 + (hz - hz // 13) * i // 7 for i in range(8)]
    files.write(os.path.join(d, 'available_frequencies'), ' '.join(str(f) for f in steps) + '\n')
    files.write(os.path.join(d, 'governor'), 'nvhost_podgov\n')
    files.symlink(d, os.path.join(root, 'sys', 'class', 'devfreq', name))


def _write_i2c(root, prof, rng):
    sysd = os.path.join(root, 'sys')
    os.makedirs(os.path.join(sysd, 'bus', 'i2c', 'devices'), exist_ok=True)
    for bus, devpath, name in prof['other_i2c']:
        d = os.path.join(sysd, devpath)
        files.write(os.path.join(d, 'name'), name + '\n')
        files.symlink(d, os.path.join(sysd, 'bus', 'i2c', 'devices', bus))
    for ina in prof['sensors']:
        d = os.path.join(sysd, ina['devpath'])
        files.write(os.path.join(d, 'name'), ina['driver'] + '\n')
        files.symlink(d, os.path.join(sysd, 'bus', 'i2c', 'devices', ina['bus']))
        files.symlink(d, os.path.join(sysd, 'bus', 'i2c', 'drivers', ina['driver'], ina['bus']))
        if prof['layout'] == 'iio':
            _write_iio(sysd, d, ina)
        else:
            _write_hwmon(sysd, d, ina)
    if prof['sensors']:
        sensor.publish(root, prof, {}, rng)


def _write_iio(sysd, devdir, s):
    d = os.path.join(devdir, s['iio'])
    files.write(os.path.join(d, 'name'), s['driver'] + '\n')
    files.write(os.path.join(d, 'running_mode'), '1\n')  # continuous: limits set, CPUs online
    for ch, rail in enumerate(s['rails']):
        files.write(os.path.join(d, 'rail_name_%d' % ch), rail[0] + '\n')
        files.write(os.path.join(d, 'warn_current_limit_%d' % ch), '%d ma\n' % 32760)
        files.write(os.path.join(d, 'crit_current_limit_%d' % ch), '%d ma\n' % 32760)
        files.write(os.path.join(d, 'crit_power_limit_%d' % ch), '%d mw\n' % (32760 * rail[1] // 1000))
    if s.get('iio_symlink'):
        files.symlink(d, os.path.join(devdir, 'iio_device'))
    files.symlink(d, os.path.join(sysd, 'bus', 'iio', 'devices', s['iio']))


def _write_hwmon(sysd, devdir, s):
    d = os.path.join(devdir, 'hwmon', s['hwmon'])
    files.write(os.path.join(d, 'name'), s['driver'] + '\n')
    files.write(os.path.join(d, 'samples'), '1\n')
    files.write(os.path.join(d, 'update_interval'), '%d\n' % int(profiles.INA_HWMON_WINDOW_S * 1000))
    for ch, rail in enumerate(s['rails']):
        n = ch + 1
        files.write(os.path.join(d, 'in%d_label' % n), rail[0] + '\n')
        files.write(os.path.join(d, 'shunt%d_resistor' % n), '%d\n' % rail[2])
        for f, val in (('curr%d_max' % n, 32760), ('curr%d_crit' % n, 32760),
                       ('curr%d_max_alarm' % n, 0), ('curr%d_crit_alarm' % n, 0)):
            files.write(os.path.join(d, f), '%d\n' % val)
    files.symlink(d, os.path.join(sysd, 'class', 'hwmon', s['hwmon']))
