"""Rail discovery on hand-made sysfs trees of each layout (BOARD-FORMATS.md 2.1-2.3), not the emulator's."""
import os
import shutil
import tempfile
import unittest

from boardtest import load_agent

agent = load_agent()


def write(root, rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w') as f:
        f.write(text)


class BoardRoot(unittest.TestCase):
    """Each test gets its own empty board root (ENERGY_LENS_BOARD_ROOT) to write sysfs files into."""

    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.old = os.environ.get('ENERGY_LENS_BOARD_ROOT')
        os.environ['ENERGY_LENS_BOARD_ROOT'] = self.root

    def tearDown(self):
        shutil.rmtree(self.root)
        if self.old is None:
            os.environ.pop('ENERGY_LENS_BOARD_ROOT')
        else:
            os.environ['ENERGY_LENS_BOARD_ROOT'] = self.old


class Layouts(BoardRoot):
    def test_l4t24_tx1_iio_device_only(self):
        # L4T 24: only the `iio_device` folder, no `iio:device0`; readings are mW / mV / mA integers
        d = 'sys/bus/i2c/devices/1-0040'
        write(self.root, d + '/name', 'ina3221x\n')
        for n, (rail, mw, mv, ma) in enumerate([('VDD_IN', 3120, 19080, 163), ('VDD_GPU', 19, 5000, 4),
                                                  ('VDD_CPU', 1262, 5000, 252)]):
            write(self.root, '%s/iio_device/rail_name_%d' % (d, n), rail + '\n')
            write(self.root, '%s/iio_device/in_power%d_input' % (d, n), '%d\n' % mw)
            write(self.root, '%s/iio_device/in_voltage%d_input' % (d, n), '%d\n' % mv)
            write(self.root, '%s/iio_device/in_current%d_input' % (d, n), '%d\n' % ma)
            write(self.root, '%s/iio_device/warn_current_limit_%d' % (d, n), '32760 ma\n')
        s = agent.discover_sensors()
        self.assertEqual([r['name'] for r in s['rails']], ['VDD_IN', 'VDD_GPU', 'VDD_CPU'])
        self.assertEqual([agent.read_rail_mw(r) for r in s['rails']], [3120, 19, 1262])
        self.assertEqual(s['rails'][0]['warn_current_limit'], (32760, 'ma'))
        self.assertEqual(s['devices'][0]['path'], '/sys/bus/i2c/devices/1-0040/iio_device')
        self.assertEqual(agent.choose_rails(s['rails'])[0], 'VDD_IN')

    def test_jp5_hwmon_skips_nc_and_computes_power(self):
        for bus, labels in (('1-0040', ['VDD_GPU_SOC', 'VDD_CPU_CV', 'VIN_SYS_5V0']),
                            ('1-0041', ['NC', 'VDDQ_VDD2_1V8AO', 'NC'])):
            d = 'sys/bus/i2c/devices/%s' % bus
            write(self.root, d + '/name', 'ina3221\n')
            h = d + '/hwmon/hwmon%d' % (2 if bus.endswith('0') else 5)
            write(self.root, h + '/samples', '4\n')
            write(self.root, h + '/update_interval', '26\n')
            for n, label in enumerate(labels, 1):
                write(self.root, '%s/in%d_label' % (h, n), label + '\n')
                write(self.root, '%s/in%d_input' % (h, n), '5008\n')
                write(self.root, '%s/curr%d_input' % (h, n), '%d\n' % (100 * n))
        write(self.root, 'sys/bus/i2c/devices/0-0050/name', 'eeprom\n')
        s = agent.discover_sensors()
        self.assertEqual([r['name'] for r in s['rails']], ['VDD_GPU_SOC', 'VDD_CPU_CV', 'VIN_SYS_5V0', 'VDDQ_VDD2_1V8AO'])
        self.assertAlmostEqual(agent.read_rail_mw(s['rails'][1]), 5008 * 200 / 1000.0)
        self.assertEqual(s['devices'][0]['update_interval_ms'], 26)
        self.assertAlmostEqual(agent.sensor_window_default(s['devices']), 0.026)
        self.assertEqual(agent.choose_rails(s['rails'])[0], 'sum')

    def test_no_sensor(self):
        write(self.root, 'sys/bus/i2c/devices/0-003c/name', 'max77620\n')
        self.assertEqual(agent.discover_sensors(), {'devices': [], 'rails': []})
        p = agent.probe()
        self.assertFalse(p['sensor']['found'])
        self.assertIn('CONFIG_SENSORS_INA3221', p['sensor']['hint'])

    def test_unreadable_rail_is_none_not_a_crash(self):
        d = 'sys/bus/i2c/devices/1-0040/iio:device0'
        write(self.root, 'sys/bus/i2c/devices/1-0040/name', 'ina3221x\n')
        write(self.root, d + '/rail_name_0', 'VDD_IN\n')
        s = agent.discover_sensors()
        self.assertIsNone(agent.read_rail_mw(s['rails'][0]))


# An L4T 32 TX2 nvpmodel.conf as NVIDIA ships it (excerpt): CPU caps in kHz, GPU caps in Hz, -1 for none.
TX2_NVPMODEL_CONF = """
< PARAM TYPE=FILE NAME=CPU_ONLINE >
CORE_0 /sys/devices/system/cpu/cpu0/online
< POWER_MODEL ID=0 NAME=MAXN >
CPU_ONLINE CORE_0 1
CPU_ONLINE CORE_1 1
CPU_ONLINE CORE_2 1
CPU_ONLINE CORE_3 1
CPU_ONLINE CORE_4 1
CPU_ONLINE CORE_5 1
CPU_A57 MIN_FREQ  0
CPU_A57 MAX_FREQ -1
GPU MIN_FREQ  0
GPU MAX_FREQ -1
< POWER_MODEL ID=1 NAME=MAXQ >
CPU_ONLINE CORE_0 1
CPU_ONLINE CORE_1 0
CPU_ONLINE CORE_2 0
CPU_ONLINE CORE_3 1
CPU_ONLINE CORE_4 1
CPU_ONLINE CORE_5 1
CPU_A57 MIN_FREQ  0
CPU_A57 MAX_FREQ 1200000
GPU MIN_FREQ  0
GPU MAX_FREQ 854250000
"""


class PowerModes(BoardRoot):
    def test_modes_of_nvpmodel_conf_with_their_cores_and_caps(self):
        write(self.root, 'var/lib/nvpmodel/status', 'pmode:0001\n')
        write(self.root, 'etc/nvpmodel.conf', TX2_NVPMODEL_CONF)
        info = agent._nvpmodel()
        self.assertEqual((info['mode'], info['name']), (1, 'MAXQ'))
        self.assertEqual([(m['id'], m['name'], m['cpu_online'], m['cpu_max_khz'], m['gpu_max_hz']) for m in info['modes']],
                         [(0, 'MAXN', 6, None, None), (1, 'MAXQ', 4, 1200000, 854250000)])
        control = info['control']
        self.assertIn('may_change', control)
        if not control['may_change']:
            self.assertTrue(control['why_not'], 'says why the mode cannot be changed')

    def test_frequency_ranges_of_cpu_and_gpu(self):
        write(self.root, 'sys/devices/system/cpu/online', '0-1\n')
        for cpu in (0, 1):
            f = 'sys/devices/system/cpu/cpu%d/cpufreq/' % cpu
            write(self.root, f + 'cpuinfo_min_freq', '345600\n')
            write(self.root, f + 'cpuinfo_max_freq', '2035200\n')
            write(self.root, f + 'scaling_available_frequencies', '345600 499200 2035200 \n')
        gpu = 'sys/class/devfreq/17000000.gp10b/'
        write(self.root, gpu + 'cur_freq', '1300500000\n')
        write(self.root, gpu + 'max_freq', '1300500000\n')
        write(self.root, gpu + 'min_freq', '114750000\n')
        write(self.root, gpu + 'available_frequencies', '114750000 216750000 1300500000\n')
        cpu = agent._cpu_info()['range']
        self.assertEqual((cpu['min_khz'], cpu['max_khz'], cpu['available_khz']), (345600, 2035200, [345600, 499200, 2035200]))
        g = agent._gpu_info()
        self.assertEqual((g['min_hz'], g['max_hz'], g['available_hz']), (114750000, 1300500000, [114750000, 216750000, 1300500000]))

    def test_a_board_without_nvpmodel_has_none(self):
        self.assertIsNone(agent._nvpmodel())


if __name__ == '__main__':
    unittest.main()
