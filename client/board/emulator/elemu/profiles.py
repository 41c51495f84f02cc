"""What each emulated board is: files it shows (BOARD-FORMATS.md 2.2, 2.3) and its hidden physics.

Rails: (name, bus mV, shunt micro-ohm, idle mW in MAXN, share of each dynamic component); `static_rails`:
the rails whose idle falls in lower power modes, (floor mW, clock domain) each (power_mode.rail_idle_mw).
Dynamic components are the power the running code adds above idle: `cpu` (cores), `gpu`, `ddr` (memory
traffic). The main input rail (VDD_IN) sees all of them through the regulators' efficiency; sub-rails see
their own part.
Values marked UNCERTAIN are plausible, not measured: nothing downstream depends on their exact value.
"""

INA_IIO_WINDOW_S = 3 * 64 * (1.1e-3 + 1.1e-3)   # NVIDIA IIO continuous config 0x7727: 422.4 ms
INA_HWMON_WINDOW_S = 3 * 1 * (1.1e-3 + 1.1e-3)  # mainline default 0x7127: 6.6 ms

_ETA = 1 / 0.85  # input rail sees sub-rail power through ~85 % efficient regulators (UNCERTAIN)

_TX1_CPU = {
    'cores': 4, 'gemm_macs_per_s': 6.9e9 * 0.45, 'gemm_half_macs': 1.5e6, 'thread_exponent': 0.88,
    'elem_ops_per_s': 5.0e8, 'pool_ops_per_s': 1.0e8, 'dram_bw': 5.5e9, 'dram_bw_all': 10e9, 'l2_bw': 2.0e10,
    'l2_bytes': 2 * 1024 * 1024, 'overhead_s': 6e-6, 'conv_overhead_s': 4e-6, 'group_overhead_s': 1.5e-6,
    'p_base': 0.45, 'p_comp': 0.85, 'p_mem': 0.25, 'p_ddr': 0.9, 'net_overhead_s': 25e-6,
    # One call from Python into pycaffe (CPython 3.5 on an A57 + boost.python + Net::ForwardFromTo), and one
    # before/after_forward callback into Python: board time on one core, not part of any layer (UNCERTAIN).
    'harness_call_s': 20e-6, 'callback_s': 4e-6, 'harness_cpu_w': 0.45,
    # Inside a forward a layer's first call misses in the i-cache/TLB and part of its activations come from
    # DRAM (the previous layers' weights evicted them); a layer looped alone finds both warm (UNCERTAIN).
    'cold_call_s': 3e-6, 'cold_activation_share': 0.3,
}
_TX1_GPU = {
    'gemm_macs_per_s': 256 * 0.998e9 * 0.45, 'gemm_half_macs': 2.5e7, 'elem_ops_per_s': 4.0e9,
    'pool_ops_per_s': 2.0e9, 'dram_bw': 1.8e10, 'l2_bw': 6.0e10, 'l2_bytes': 256 * 1024,
    'overhead_s': 18e-6, 'conv_overhead_s': 30e-6, 'group_overhead_s': 0.5e-6,
    'p_base': 1.6, 'p_comp': 5.0, 'p_mem': 1.2, 'p_ddr': 1.1, 'p_feed': 0.35, 'net_overhead_s': 40e-6,
    'harness_call_s': 25e-6, 'callback_s': 4e-6, 'harness_cpu_w': 0.45,
    'cold_call_s': 5e-6, 'cold_activation_share': 0.3,
}

PROFILES = {
    'jetson-tx1': {
        'title': 'Jetson TX1 (L4T 28.2, INA3221 enabled as SyNERGY did)',
        'model': 'jetson_tx1',  # UNCERTAIN: the L4T 28 t210 device tree's model string
        'release': '# R28 (release), REVISION: 2.0, GCID: 10567845, BOARD: t210ref, EABI: aarch64, '
                   'DATE: Fri Mar  2 04:57:01 UTC 2018',
        'layout': 'iio', 'window_s': INA_IIO_WINDOW_S,
        'sensors': [{
            'bus': '1-0040', 'devpath': 'devices/7000c400.i2c/i2c-1/1-0040', 'driver': 'ina3221x',
            'iio': 'iio:device0', 'iio_symlink': True,
            'rails': [('VDD_IN', 19072, 20000, 2150, {'cpu': _ETA, 'gpu': _ETA, 'ddr': _ETA}),
                      ('VDD_GPU', 5008, 10000, 20, {'gpu': 1.0}),
                      ('VDD_CPU', 5008, 10000, 230, {'cpu': 1.0})],
        }],
        'total_rail': 'VDD_IN',
        'other_i2c': [('0-003c', 'devices/7000d000.i2c/i2c-0/0-003c', 'max77620'),
                      ('0-004c', 'devices/7000c000.i2c/i2c-0/0-004c', 'tmp451')],
        'cpus': 4, 'governor': 'interactive',
        'cpu_freqs_khz': [102000, 204000, 306000, 408000, 510000, 612000, 714000, 816000, 918000, 1020000,
                          1122000, 1224000, 1326000, 1428000, 1555500, 1632000, 1734000],
        'gpu_devfreq': ('57000000.gpu', 'devices/57000000.gpu/devfreq/57000000.gpu', 998400000),
        'nvpmodel': None,
        'cpu': _TX1_CPU, 'gpu': _TX1_GPU,
    },
    'jetson-tx2': {
        'title': 'Jetson TX2 (L4T 32.4.3)',
        'model': 'quill',  # UNCERTAIN: the t186 device tree's model string
        'release': '# R32 (release), REVISION: 4.3, GCID: 21589087, BOARD: t186ref, EABI: aarch64, '
                   'DATE: Fri Jun 26 04:34:27 UTC 2020',
        'layout': 'iio', 'window_s': INA_IIO_WINDOW_S,
        'sensors': [{
            'bus': '0-0040', 'devpath': 'devices/3160000.i2c/i2c-0/0-0040', 'driver': 'ina3221x',
            'iio': 'iio:device0', 'iio_symlink': True,
            'rails': [('VDD_SYS_GPU', 19104, 10000, 40, {'gpu': 1.0}),
                      ('VDD_SYS_SOC', 19104, 10000, 380, {'ddr': 0.15}),
                      ('VDD_4V0_WIFI', 19104, 10000, 38, {})],
        }, {
            'bus': '0-0041', 'devpath': 'devices/3160000.i2c/i2c-0/0-0041', 'driver': 'ina3221x',
            'iio': 'iio:device1', 'iio_symlink': True,
            'rails': [('VDD_IN', 19104, 20000, 1930, {'cpu': _ETA, 'gpu': _ETA, 'ddr': _ETA}),
                      ('VDD_SYS_CPU', 19104, 10000, 230, {'cpu': 1.0}),
                      ('VDD_SYS_DDR', 19104, 10000, 320, {'ddr': 0.85})],
        }],
        'total_rail': 'VDD_IN',
        'other_i2c': [('4-003c', 'devices/c250000.i2c/i2c-4/4-003c', 'max77620')],
        'cpus': 6, 'governor': 'schedutil',
        'cpu_freqs_khz': [345600, 499200, 652800, 806400, 960000, 1113600, 1267200, 1420800, 1574400,
                          1728000, 1881600, 2035200],
        'gpu_devfreq': ('17000000.gp10b', 'devices/17000000.gp10b/devfreq/17000000.gp10b', 1300500000),
        'nvpmodel': (0, 'MAXN'),
        # L4T's TX2 modes (NVIDIA's TX2 power-mode table): id, name, cores online, CPU cap kHz, GPU cap Hz (-1: none).
        'nvpmodel_modes': [(0, 'MAXN', 6, -1, -1), (1, 'MAXQ', 4, 1200000, 850000000),
                           (2, 'MAXP_CORE_ALL', 6, 1400000, 1122000000), (3, 'MAXP_CORE_ARM', 4, 2000000, 1122000000),
                           (4, 'MAXP_CORE_DENVER', 2, 2000000, 1122000000)],
        # Static power per mode: (floor mW, clock domain) of the rails whose idle falls in lower modes.
        'static_rails': {'VDD_SYS_CPU': (20, 'cpu'), 'VDD_SYS_GPU': (12, 'gpu'), 'VDD_SYS_SOC': (200, 'gpu')},
        'cpu': dict(_TX1_CPU, gemm_macs_per_s=8.0e9 * 0.55, dram_bw=7.0e9, dram_bw_all=14e9,
                    p_base=0.5, p_comp=0.9),
        'gpu': dict(_TX1_GPU, gemm_macs_per_s=256 * 1.3e9 * 0.45, dram_bw=2.5e10, p_base=1.4, p_comp=4.5),
    },
    'jetson-orin': {
        'title': 'Jetson AGX Orin (JetPack 5.1.2, L4T 35.4.1, hwmon driver)',
        'model': 'NVIDIA Jetson AGX Orin Developer Kit',
        'release': '# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, '
                   'DATE: Tue Aug  1 19:57:35 UTC 2023',
        'layout': 'hwmon', 'window_s': INA_HWMON_WINDOW_S,
        'sensors': [{
            'bus': '1-0040', 'devpath': 'devices/platform/c240000.i2c/i2c-1/1-0040', 'driver': 'ina3221',
            'hwmon': 'hwmon3',
            'rails': [('VDD_GPU_SOC', 5000, 5000, 2390, {'gpu': 1.0, 'ddr': 0.15}),
                      ('VDD_CPU_CV', 5000, 5000, 796, {'cpu': 1.0}),
                      ('VIN_SYS_5V0', 5000, 5000, 3522, {'cpu': 0.1, 'gpu': 0.1, 'ddr': 0.45})],
        }, {
            'bus': '1-0041', 'devpath': 'devices/platform/c240000.i2c/i2c-1/1-0041', 'driver': 'ina3221',
            'hwmon': 'hwmon4',
            'rails': [('NC', 5000, 5000, 0, {}),
                      ('VDDQ_VDD2_1V8AO', 5000, 5000, 301, {'ddr': 0.4}),
                      ('NC', 5000, 5000, 0, {})],
        }],
        'total_rail': None,  # no input rail on AGX Orin: the total is the sum of rails
        'other_i2c': [('2-0050', 'devices/platform/c250000.i2c/i2c-2/2-0050', 'eeprom')],
        'cpus': 12, 'governor': 'schedutil',
        'cpu_freqs_khz': [115200, 268800, 422400, 576000, 729600, 883200, 1036800, 1190400, 1344000,
                          1497600, 1651200, 1804800, 1958400, 2112000, 2201600],
        'gpu_devfreq': ('17000000.ga10b', 'devices/platform/17000000.ga10b/devfreq/17000000.ga10b',
                        1300500000),
        'nvpmodel': (0, 'MAXN'),
        # JetPack 5's AGX Orin modes: id, name, cores online, CPU cap kHz, GPU cap Hz (-1: none).
        'nvpmodel_modes': [(0, 'MAXN', 12, -1, -1), (1, 'MODE_15W', 4, 1113600, 420750000),
                           (2, 'MODE_30W', 8, 1728000, 624750000), (3, 'MODE_50W', 12, 1497600, 828750000)],
        'cpu_cluster': 'CPU_A78_0',
        'static_rails': {'VDD_GPU_SOC': (700, 'gpu'), 'VDD_CPU_CV': (100, 'cpu')},
        'cpu': dict(_TX1_CPU, cores=12, gemm_macs_per_s=17.6e9 * 0.6, elem_ops_per_s=1.2e9,
                    pool_ops_per_s=4.0e8, dram_bw=2.0e10, dram_bw_all=1.5e11, l2_bytes=4 * 1024 * 1024,
                    overhead_s=3e-6, p_base=0.6, p_comp=1.0, p_ddr=1.5),
        'gpu': dict(_TX1_GPU, gemm_macs_per_s=2048 * 1.3e9 * 0.45, gemm_half_macs=8.0e7, dram_bw=1.5e11,
                    l2_bytes=4 * 1024 * 1024, overhead_s=8e-6, conv_overhead_s=15e-6, p_base=3.0,
                    p_comp=18.0, p_mem=4.0, p_ddr=3.0),
    },
}

# A stock TX1: the INA3221 device-tree node is disabled, so no i2c device appears (SyNERGY README).
# The power physics are the TX1's: only the files are missing.
PROFILES['jetson-tx1-nosensor'] = dict(PROFILES['jetson-tx1'], sensors=[],
                                       physical_sensors=PROFILES['jetson-tx1']['sensors'],
                                       title='Jetson TX1 (L4T 28.2, stock: INA3221 disabled)')

KINDS = sorted(PROFILES)


def profile(kind):
    if kind not in PROFILES:
        raise ValueError('unknown board kind %r (known: %s)' % (kind, ', '.join(KINDS)))
    return PROFILES[kind]


def rails(prof):
    """Every rail the board's power flows through, in sensor order: (sensor index, channel, rail tuple)."""
    out = []
    for si, sensor in enumerate(prof.get('physical_sensors', prof['sensors'])):
        for ch, rail in enumerate(sensor['rails']):
            out.append((si, ch, rail))
    return out


def idle_total_mw(prof, idles=None):
    """The total's power with the board at rest (mW); `idles`: {rail: idle mW} of a power mode
    (power_mode.rail_idle_mw), else the profile's (MAXN's)."""
    conn = [r for _, _, r in rails(prof) if r[0] != 'NC']
    if idles is not None:
        if prof['total_rail']:
            return float(idles[prof['total_rail']])
        return float(sum(idles[r[0]] for r in conn))
    if prof['total_rail']:
        return float([r[3] for r in conn if r[0] == prof['total_rail']][0])
    return float(sum(r[3] for r in conn))


def rail_power_mw(rail, comps_w, idle=None):
    """Mean power of one rail (mW) for dynamic components in W (idle included: the profile's, or `idle`)."""
    name, _mv, _shunt, rail_idle, share = rail
    if idle is None:
        idle = rail_idle
    return idle + 1000.0 * sum(share.get(c, 0.0) * w for c, w in comps_w.items())


def total_power_mw(prof, comps_w, idles=None):
    conn = [r for _, _, r in rails(prof) if r[0] != 'NC']
    idles = idles or {}
    if prof['total_rail']:
        r = [r for r in conn if r[0] == prof['total_rail']][0]
        return rail_power_mw(r, comps_w, idles.get(r[0]))
    return sum(rail_power_mw(r, comps_w, idles.get(r[0])) for r in conn)
