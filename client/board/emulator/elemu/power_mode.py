"""The emulated board's power modes: what L4T's `nvpmodel -m` writes, and the DVFS the modes cause.

Switching writes the files a real switch changes (the status file, the CPU cores online, the cpufreq and
devfreq caps); the emulated pycaffe reads the mode when it starts and scales its cost model with it:
compute-bound work takes time in proportion to 1/f, memory traffic does not, dynamic power goes with
f * V^2 and static power with V^2 (V from the clock, hidden like the rest of the truth).

Static power per mode (`rail_idle_mw`): what each rail draws at rest. The emulated board holds its clocks at
the mode's caps (cpufreq's and devfreq's cur_freq say so), so each clock domain's rail sits at the voltage of
its cap even when idle. A rail listed in the profile's `static_rails` is a floor that no mode changes (the
rail's regulator, always-on logic) plus leakage of its domain in MAXN, scaled by V^2: the CPU rail's leakage
also by the share of cores online (nvpmodel power-gates the cores it takes offline), the GPU and SoC rails'
by V^2 at the mode's GPU (and EMC) cap. Every other rail sees that change through its share of the domain, as
it sees the domain's dynamic power (the input rail through the regulators, the Orin's VIN_SYS_5V0 a tenth);
DRAM refresh and the radio stay flat.
"""
import os

from . import files, profiles

STATUS = os.path.join('var', 'lib', 'nvpmodel', 'status')
# Relative voltage at relative clock f: a straight line through (1, 1), as Jetson DVFS tables roughly are.
V_AT_ZERO = 0.6
COMPUTE_RATES = ('gemm_macs_per_s', 'elem_ops_per_s', 'pool_ops_per_s', 'l2_bw')


def modes(prof):
    """{id: (name, cores online, CPU cap kHz or -1, GPU cap Hz or -1)} of the board's nvpmodel.conf."""
    return dict((m[0], tuple(m[1:])) for m in prof.get('nvpmodel_modes') or [])


def current(root):
    """The mode in the status file, or None (no nvpmodel on this board)."""
    try:
        with open(os.path.join(root, STATUS)) as f:
            text = f.read()
    except OSError:
        return None
    digits = text.strip().replace('pmode:', '')
    return int(digits) if digits.isdigit() else None


def cpu_cap_khz(prof, cpu_khz):
    """The CPU clock a mode's cap allows: the highest listed frequency at or below it (-1: no cap)."""
    freqs = prof['cpu_freqs_khz']
    return freqs[-1] if cpu_khz < 0 else max([f for f in freqs if f <= cpu_khz] or freqs[:1])


def switch(root, prof, mode_id):
    """Applies mode `mode_id` to the emulated sysfs, as `nvpmodel -m` does; ValueError for an unknown mode."""
    table = modes(prof)
    if mode_id not in table:
        raise ValueError('unknown power mode %r (modes: %s)' % (mode_id, ', '.join(str(m) for m in sorted(table))))
    _name, online, cpu_khz, gpu_hz = table[mode_id]
    cpu = os.path.join(root, 'sys', 'devices', 'system', 'cpu')
    cap = cpu_cap_khz(prof, cpu_khz)
    for i in range(prof['cpus']):
        if i > 0:
            files.write(os.path.join(cpu, 'cpu%d' % i, 'online'), '%d\n' % (1 if i < online else 0))
        fd = os.path.join(cpu, 'cpu%d' % i, 'cpufreq')
        for name in ('scaling_max_freq', 'scaling_cur_freq', 'cpuinfo_cur_freq'):
            files.write(os.path.join(fd, name), '%d\n' % cap)
    files.write(os.path.join(cpu, 'online'), '0-%d\n' % (online - 1))
    _gname, devpath, top = prof['gpu_devfreq']
    gpu_cap = top if gpu_hz < 0 else min(top, gpu_hz)
    for name in ('max_freq', 'cur_freq'):
        files.write(os.path.join(root, 'sys', devpath, name), '%d\n' % gpu_cap)
    files.write(os.path.join(root, STATUS), 'pmode:%04d\n' % mode_id)


def relative_clocks(prof, mode_id):
    """(CPU clock / its top, GPU clock / its top, cores online) in mode `mode_id`; (1, 1, all) without one."""
    table = modes(prof)
    if mode_id not in table:
        return 1.0, 1.0, prof['cpus']
    _name, online, cpu_khz, gpu_hz = table[mode_id]
    top_cpu, top_gpu = prof['cpu_freqs_khz'][-1], prof['gpu_devfreq'][2]
    cpu = float(cpu_cap_khz(prof, cpu_khz)) / top_cpu
    gpu = 1.0 if gpu_hz < 0 else min(1.0, float(gpu_hz) / top_gpu)
    return cpu, gpu, online


def voltage(f):
    """Relative supply voltage of a clock domain at relative clock `f` (hidden, like the rest of the truth)."""
    return V_AT_ZERO + (1.0 - V_AT_ZERO) * f


def scaled_hw(hw, f, cores=None):
    """The cost model's `hw` at relative clock `f`: compute rates x f, DRAM unchanged, power by f and V^2."""
    if f >= 1.0 and cores is None:
        return hw
    v = voltage(f)
    out = dict(hw)
    for key in COMPUTE_RATES:
        if key in out:
            out[key] = hw[key] * f
    out['p_comp'] = hw['p_comp'] * f * v * v
    out['p_base'] = hw['p_base'] * v * v
    if cores is not None and 'cores' in hw:
        out['cores'] = max(1, min(hw['cores'], cores))
    return out


def hw_for(prof, mode_id, mode):
    """The cost model's parameters for `mode` ('cpu' | 'gpu') in power mode `mode_id` (None: no modes)."""
    cpu, gpu, online = relative_clocks(prof, mode_id)
    if mode == 'gpu':
        return scaled_hw(prof['gpu'], gpu)
    return scaled_hw(prof['cpu'], cpu, online if online < prof['cpus'] else None)


def static_scales(prof, mode_id):
    """{domain: its leakage in mode `mode_id` / its leakage in MAXN}: 'cpu' V^2 x the share of cores online,
    'gpu' (GPU, and the SoC fabric and EMC the mode caps with it) V^2; 1.0 each without power modes."""
    cpu, gpu, online = relative_clocks(prof, mode_id)
    v_cpu, v_gpu = voltage(cpu), voltage(gpu)
    cores = 1.0 if online >= prof['cpus'] else float(online) / prof['cpus']
    return {'cpu': 1.0 if cpu >= 1.0 and cores >= 1.0 else v_cpu * v_cpu * cores,
            'gpu': 1.0 if gpu >= 1.0 else v_gpu * v_gpu}


def rail_idle_mw(prof, mode_id):
    """{rail name: mW it draws with the board at rest} in power mode `mode_id` (None: no power modes).

    In MAXN (or without modes) every rail's idle is the profile's, bit for bit. A rail of `static_rails`,
    (floor mW, domain): floor + (idle - floor) x the domain's static scale. Every other rail sees those rails'
    change through its share of their domain, as it sees their dynamic power: the input rail through the
    regulators (1/0.85), a system rail by its share, the DRAM and radio rails not at all."""
    conn = [r for _, _, r in profiles.rails(prof) if r[0] != 'NC']
    out = dict((r[0], r[3]) for r in conn)
    static = prof.get('static_rails') or {}
    if mode_id is None or not static or mode_id not in modes(prof):
        return out
    scales = static_scales(prof, mode_id)
    drops = {}  # domain: mW its static rails draw less than in MAXN
    for r in conn:
        if r[0] in static:
            floor, domain = static[r[0]]
            if scales[domain] != 1.0:
                out[r[0]] = floor + (r[3] - floor) * scales[domain]
                drops[domain] = drops.get(domain, 0.0) + (r[3] - out[r[0]])
    for r in conn:
        seen = sum(r[4].get(domain, 0.0) * d for domain, d in drops.items())
        if r[0] not in static and seen:
            out[r[0]] = r[3] - seen
    return out
