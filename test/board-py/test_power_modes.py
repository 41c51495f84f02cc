"""Power modes on an emulated TX2: the emulated nvpmodel, DVFS in the cost model, the static (idle) power
each mode leaves on the rails, and the agent's `run --power-mode` that always switches back (also when
cancelled; a killed run is restored later)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from boardtest import AGENT_PATH, EMULATOR_DIR, FIXTURE_ANALYSIS, FIXTURE_NET, emulated_env

from elemu import layout, power_mode, profiles, sensor, truth  # noqa: E402

TX2 = profiles.profile('jetson-tx2')
FAST = ['--layers', 'conv1', '--repetitions', '1', '--min-loop', '0.05', '--min-windows', '1', '--settle-windows', '0',
        '--idle-time', '0.05', '--idle-every', '0', '--calibrate-max', '1', '--no-net-check', '--no-in-forward',
        '--mode-settle', '0.05']


def read(root, rel):
    with open(os.path.join(root, rel)) as f:
        return f.read().strip()


class PowerModes(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.home = tempfile.mkdtemp()
        layout.create(self.root, 'jetson-tx2', 0.05, 7, analyze_json=FIXTURE_ANALYSIS)
        self.env = emulated_env(self.root, HOME=self.home, GLOG_minloglevel='2')

    def tearDown(self):
        shutil.rmtree(self.root)
        shutil.rmtree(self.home)

    def tool(self, *args):
        return subprocess.run(['nvpmodel'] + list(args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=30)

    def agent(self, *args):
        return subprocess.run([sys.executable, AGENT_PATH] + list(args), env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=120)

    def events(self, out):
        return [json.loads(line) for line in out.splitlines() if line.startswith('{')]

    @unittest.skipUnless(os.geteuid() == 0, 'nvpmodel -m needs root, as on the board')
    def test_nvpmodel_switches_the_files_a_real_switch_changes(self):
        self.assertEqual(self.tool('-q').stdout, 'NV Power Mode: MAXN\n0\n')
        self.assertEqual(self.tool('-m', '1').returncode, 0)
        self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0001')
        self.assertEqual(self.tool('-q').stdout, 'NV Power Mode: MAXQ\n1\n')
        cpu = 'sys/devices/system/cpu/'
        # MAXQ caps the CPU at 1.2 GHz: the highest listed clock below is 1113.6 MHz.
        self.assertEqual(read(self.root, cpu + 'cpu0/cpufreq/scaling_max_freq'), '1113600')
        self.assertEqual([read(self.root, cpu + 'cpu%d/online' % i) for i in range(1, 6)], ['1', '1', '1', '0', '0'])
        self.assertEqual(read(self.root, 'sys/' + TX2['gpu_devfreq'][1] + '/max_freq'), '850000000')
        bad = self.tool('-m', '9')
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn('Invalid power mode 9', bad.stderr)

    def test_dvfs_slows_compute_and_lowers_power_in_a_capped_mode(self):
        maxn = truth.truth(self.root, FIXTURE_NET)
        power_mode.switch(self.root, TX2, 1)
        maxq = truth.truth(self.root, FIXTURE_NET)
        self.assertEqual((maxn['power_mode'], maxq['power_mode']), (0, 1))
        conv = dict((l['name'], l) for l in maxq['layers'])['conv1']
        conv0 = dict((l['name'], l) for l in maxn['layers'])['conv1']
        # 1.19 of 2.04 GHz: a convolution (compute-bound) takes longer at lower dynamic power.
        self.assertGreater(conv['board_time_ms'], 1.3 * conv0['board_time_ms'])
        self.assertLess(conv['power_mw'], conv0['power_mw'])
        self.assertEqual(maxq['threads'], 4, 'MAXQ has 4 cores online')

    @unittest.skipUnless(os.geteuid() == 0, 'nvpmodel -m needs root, as on the board')
    def test_a_run_in_another_mode_measures_there_and_switches_back(self):
        p = self.agent('run', '--model', FIXTURE_NET, '--power-mode', '1', *FAST)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        events = self.events(p.stdout)
        modes = [e for e in events if e['event'] == 'power-mode']
        self.assertEqual(len(modes), 2, modes)
        self.assertEqual((modes[0]['mode'], modes[0]['name'], modes[0]['original'], modes[0]['switched']),
                         (1, 'MAXQ', 0, True))
        self.assertEqual((modes[1]['mode'], modes[1]['restored'], modes[1]['from']), (0, True, 1))
        kinds = [e['event'] for e in events]
        self.assertLess(kinds.index('power-mode'), kinds.index('layer'))
        self.assertGreater(len(kinds) - 1 - kinds[::-1].index('power-mode'), kinds.index('layer'),
                           'switched back after the layers')
        self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0000')
        self.assertFalse(os.path.exists(self.restore_file()), 'nothing left to restore')

    def restore_file(self):
        return os.path.join(self.root + self.home, '.energy-lens', 'power-mode-restore.json')

    @unittest.skipUnless(os.geteuid() == 0, 'nvpmodel -m needs root, as on the board')
    def test_cancelled_run_switches_back_and_a_killed_one_is_restored_later(self):
        # Several layers, three loops each: the run is still measuring when the signal arrives.
        slow = FAST[2:] + ['--layers', 'conv1,conv2,conv3a,conv3b', '--repetitions', '3']
        for sig in (signal.SIGTERM, signal.SIGKILL):
            p = subprocess.Popen([sys.executable, AGENT_PATH, 'run', '--model', FIXTURE_NET, '--power-mode', '2'] + slow,
                                 env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True,
                                 start_new_session=True)
            with p.stdout:
                for line in p.stdout:
                    if '"layer-start"' in line:
                        break
                self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0002', 'measuring in mode 2')
                if sig == signal.SIGKILL:
                    os.killpg(p.pid, sig)  # as a dropped SSH session takes the agent and its sampler
                    rest = []
                else:
                    p.send_signal(sig)
                    rest = self.events(p.stdout.read())
            p.wait(timeout=60)
            if sig == signal.SIGTERM:
                self.assertEqual([(e['mode'], e.get('restored')) for e in rest if e['event'] == 'power-mode'], [(0, True)])
                self.assertEqual(rest[-1]['status'], 'cancelled')
                self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0000')
        # SIGKILL left mode 2: the probe says what to restore, restore-power-mode does it.
        self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0002')
        probe = json.loads(self.agent('probe').stdout)
        self.assertEqual(probe['nvpmodel']['pending_restore']['original'], 0)
        done = self.agent('restore-power-mode')
        self.assertEqual(done.returncode, 0, done.stderr)
        result = json.loads(done.stdout)
        self.assertEqual((result['restored'], result['mode'], result['from']), (True, 0, 2))
        self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0000')
        self.assertIsNone(json.loads(self.agent('probe').stdout)['nvpmodel']['pending_restore'])
        self.assertFalse(json.loads(self.agent('restore-power-mode').stdout)['restored'], 'nothing left')
        # A note left while the mode was switched back by hand meanwhile: dropped, nothing switched.
        with open(self.restore_file(), 'w') as f:
            json.dump({'original': 0, 'set': 1, 'at': 0}, f)
        stale = json.loads(self.agent('restore-power-mode').stdout)
        self.assertEqual((stale['restored'], stale['reason']), (False, 'already in the mode before the run'))
        self.assertFalse(os.path.exists(self.restore_file()))

    @unittest.skipUnless(os.geteuid() == 0, 'nvpmodel -m needs root, as on the board')
    def test_cancelled_while_the_clocks_settle_switches_back_at_once(self):
        p = subprocess.Popen([sys.executable, AGENT_PATH, 'run', '--model', FIXTURE_NET, '--power-mode', '1', '--mode-settle',
                              '60'] + FAST[:-2], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True)
        with p.stdout:
            deadline = time.monotonic() + 30
            while read(self.root, 'var/lib/nvpmodel/status') != 'pmode:0001':
                self.assertLess(time.monotonic(), deadline, 'the agent switched to mode 1')
                time.sleep(0.05)
            p.send_signal(signal.SIGTERM)
            events = self.events(p.stdout.read())
        self.assertEqual(p.wait(timeout=30), 6)
        self.assertEqual(events[-1]['status'], 'cancelled')
        self.assertEqual(read(self.root, 'var/lib/nvpmodel/status'), 'pmode:0000')
        self.assertFalse(os.path.exists(self.restore_file()))

    def test_a_mode_the_board_does_not_have_is_an_error_before_anything_runs(self):
        p = self.agent('run', '--model', FIXTURE_NET, '--power-mode', '7', *FAST)
        self.assertEqual(p.returncode, 7)
        errors = [e for e in self.events(p.stdout) if e['event'] == 'error']
        self.assertEqual(errors[0]['code'], 'power-mode')
        self.assertIn('power mode 7 is not in /etc/nvpmodel.conf (modes: 0 MAXN, 1 MAXQ', errors[0]['message'])
        self.assertFalse(any(e['event'] == 'layer' for e in self.events(p.stdout)))


# Every rail's idle in MAXN before static power followed the mode (issue 15): MAXN must keep these exactly.
MAXN_IDLE_MW = {
    'jetson-tx2': {'VDD_IN': 1930, 'VDD_SYS_CPU': 230, 'VDD_SYS_GPU': 40, 'VDD_SYS_SOC': 380, 'VDD_SYS_DDR': 320,
                   'VDD_4V0_WIFI': 38},
    'jetson-orin': {'VDD_GPU_SOC': 2390, 'VDD_CPU_CV': 796, 'VIN_SYS_5V0': 3522, 'VDDQ_VDD2_1V8AO': 301},
}
CPU_RAIL = {'jetson-tx2': 'VDD_SYS_CPU', 'jetson-orin': 'VDD_CPU_CV'}
GPU_RAIL = {'jetson-tx2': 'VDD_SYS_GPU', 'jetson-orin': 'VDD_GPU_SOC'}
DRAM_RAIL = {'jetson-tx2': 'VDD_SYS_DDR', 'jetson-orin': 'VDDQ_VDD2_1V8AO'}


def rail_files(root, prof):
    """{rail name: path of the file its power (mW) is read from}, as a harness finds them."""
    out = {}
    for ina in prof['sensors']:
        d = sensor.sensor_dir(root, prof, ina)
        for ch, rail in enumerate(ina['rails']):
            if rail[0] == 'NC':
                continue
            if prof['layout'] == 'iio':
                out[rail[0]] = [os.path.join(d, 'in_power%d_input' % ch)]
            else:  # hwmon: mV and mA
                out[rail[0]] = [os.path.join(d, 'in%d_input' % (ch + 1)), os.path.join(d, 'curr%d_input' % (ch + 1))]
    return out


def read_rails_mw(files_by_rail):
    out = {}
    for name, paths in files_by_rail.items():
        vals = []
        for path in paths:
            with open(path) as f:
                vals.append(int(f.read()))
        out[name] = vals[0] if len(vals) == 1 else vals[0] * vals[1] / 1000.0
    return out


def tolerance_mw(prof, name, mw):
    """How far one reading may be from the true power: half a power LSB (the driver's integer mA from a
    40 uV shunt LSB: 76 mW on a TX2 sub-rail), the ADC's noise (0.3 % + 6 mW), rounding."""
    rail = [r for _, _, r in profiles.rails(prof) if r[0] == name][0]
    lsb = rail[1] * (sensor.SHUNT_LSB_UV * 1000.0 / rail[2]) / 1000.0
    return lsb / 2.0 + 0.01 * mw + 20


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


class StaticPowerPerMode(unittest.TestCase):
    """What the rails draw at rest falls in the lower modes (lower voltages, offlined cores power-gated, the GPU
    capped), over a floor no mode changes; MAXN and the TX1 keep their idle exactly."""

    def board(self, kind, scale=0.05):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)  # cleanups run last first: after the sensor stopped
        layout.create(root, kind, scale, 7, analyze_json=FIXTURE_ANALYSIS)
        return root

    def serve(self, root):
        p = subprocess.Popen([sys.executable, os.path.join(EMULATOR_DIR, 'emulate.py'), 'serve', '--root', root],
                             stdout=subprocess.PIPE, universal_newlines=True)
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.wait)
        self.addCleanup(p.terminate)
        self.assertTrue(p.stdout.readline().startswith('ready'))
        return p

    def rest_reading(self, root, prof, n=9):
        """Each rail's median over `n` publications with the board at rest (mW)."""
        files_by_rail = rail_files(root, prof)
        period = max(prof['window_s'] * 0.05, sensor.MIN_PUBLISH_PERIOD_S)
        time.sleep(3 * period + 0.05)  # the first publication after a switch may still be the old mode's
        reads = []
        for _ in range(n):
            reads.append(read_rails_mw(files_by_rail))
            time.sleep(period)
        return dict((name, median([r[name] for r in reads])) for name in files_by_rail)

    def test_each_rail_idles_lower_in_the_lower_modes_and_maxn_is_unchanged(self):
        for kind in ('jetson-tx2', 'jetson-orin'):
            prof = profiles.profile(kind)
            root = self.board(kind)
            total_of = (lambda rails: sum(rails.values())) if kind == 'jetson-orin' else (lambda rails: rails['VDD_IN'])
            maxn_truth = truth.truth(root, FIXTURE_NET)
            self.assertEqual(maxn_truth['idle_power_mw'], float(total_of(MAXN_IDLE_MW[kind])))
            self.serve(root)
            maxn = self.rest_reading(root, prof)
            for name, mw in MAXN_IDLE_MW[kind].items():
                self.assertAlmostEqual(maxn[name], mw, delta=tolerance_mw(prof, name, mw),
                                       msg='%s %s in MAXN' % (kind, name))
            for mode_id in sorted(power_mode.modes(prof))[1:]:
                power_mode.switch(root, prof, mode_id)
                rest = self.rest_reading(root, prof)
                t = truth.truth(root, FIXTURE_NET)
                what = '%s mode %d' % (kind, mode_id)
                # What the rails read at rest: the CPU rail lower in every lower mode (lower voltage and/or fewer
                # cores online), the total too, and the truth's idle with them.
                self.assertLess(rest[CPU_RAIL[kind]], maxn[CPU_RAIL[kind]], '%s: CPU rail read' % what)
                self.assertLess(total_of(rest), total_of(maxn) - 30, '%s: the total reads lower' % what)
                self.assertLess(t['idle_power_mw'], 0.97 * total_of(MAXN_IDLE_MW[kind]), what)
                idle = t['idle_rails_mw']
                self.assertAlmostEqual(t['idle_power_mw'], total_of(idle), places=6)
                for rail in (CPU_RAIL[kind], GPU_RAIL[kind]):  # the GPU's is capped in every lower mode
                    self.assertLess(idle[rail], 0.97 * MAXN_IDLE_MW[kind][rail], '%s: %s' % (what, rail))
                # A floor stays (regulators, always-on logic): no rail idles at nothing; DRAM refresh is flat.
                for rail, (floor, _domain) in prof['static_rails'].items():
                    self.assertGreater(idle[rail], floor, '%s: %s above its floor' % (what, rail))
                self.assertEqual(idle[DRAM_RAIL[kind]], MAXN_IDLE_MW[kind][DRAM_RAIL[kind]], what)
                for name, mw in MAXN_IDLE_MW[kind].items():
                    self.assertLessEqual(idle[name], mw, '%s: %s' % (what, name))
                    # What the sensor publishes at rest is the truth's idle (ADC noise and quantisation aside).
                    self.assertAlmostEqual(rest[name], idle[name], delta=tolerance_mw(prof, name, mw),
                                           msg='%s: %s' % (what, name))
            self.assertEqual(maxn_truth['idle_rails_mw'], MAXN_IDLE_MW[kind])
        # Cores taken offline are power-gated: TX2 mode 4 (2 cores) idles below mode 3 (4 cores) at the same clocks.
        tx2 = profiles.profile('jetson-tx2')
        self.assertEqual(power_mode.relative_clocks(tx2, 3)[:2], power_mode.relative_clocks(tx2, 4)[:2])
        cpu3, cpu4 = (power_mode.rail_idle_mw(tx2, m)['VDD_SYS_CPU'] for m in (3, 4))
        self.assertLess(cpu4, 0.6 * cpu3)
        # Orin: the lower the mode's clocks, the lower its idle.
        orin = profiles.profile('jetson-orin')
        totals = [sum(power_mode.rail_idle_mw(orin, m).values()) for m in (1, 2, 3, 0)]
        self.assertEqual(totals, sorted(totals))

    def test_a_board_without_power_modes_keeps_its_idle(self):
        root = self.board('jetson-tx1')
        t = truth.truth(root, FIXTURE_NET)
        self.assertEqual((t['power_mode'], t['idle_power_mw']), (None, 2150.0))
        self.assertEqual(t['idle_rails_mw'], {'VDD_IN': 2150, 'VDD_GPU': 20, 'VDD_CPU': 230})

    def test_truth_and_rails_agree_while_a_layer_runs(self):
        root = self.board('jetson-tx2')
        prof = profiles.profile('jetson-tx2')
        power_mode.switch(root, prof, 1)
        t = truth.truth(root, FIXTURE_NET, 'gpu')
        conv = dict((l['name'], l) for l in t['layers'])['conv2']
        # A layer's power is the rails' idle in this mode plus what it adds; the input rail sees the sub-rails'
        # static change through the regulators as it sees their dynamic power.
        added = dict((name, conv['rails_mw'][name] - t['idle_rails_mw'][name]) for name in t['idle_rails_mw'])
        subs = ('VDD_SYS_CPU', 'VDD_SYS_GPU', 'VDD_SYS_SOC', 'VDD_SYS_DDR')
        self.assertGreater(added['VDD_SYS_GPU'], 100)
        self.assertAlmostEqual(conv['power_mw'], conv['rails_mw']['VDD_IN'], places=6)
        self.assertAlmostEqual(conv['power_mw'] - t['idle_power_mw'], added['VDD_IN'], places=6)
        self.assertAlmostEqual(added['VDD_IN'], sum(added[r] for r in subs) / 0.85, places=6)
        idle_drop = dict((name, MAXN_IDLE_MW['jetson-tx2'][name] - t['idle_rails_mw'][name]) for name in added)
        sub_drop = sum(idle_drop[r] for r in ('VDD_SYS_CPU', 'VDD_SYS_GPU', 'VDD_SYS_SOC'))
        self.assertGreater(sub_drop, 100, 'MAXQ idles lower on the sub-rails')
        self.assertAlmostEqual(idle_drop['VDD_IN'], sub_drop / 0.85, places=6)

    @unittest.skipUnless(os.geteuid() == 0, 'nvpmodel -m needs root, as on the board')
    def test_maxq_measures_less_gross_energy_than_maxn_for_a_small_net_on_a_tx2_but_is_slower(self):
        # The fixture net on the TX2's GPU is small work: its InnerProduct is DRAM-bound (MAXQ's GPU cap barely
        # slows it), its convolutions are short. MAXQ's lower static power and voltage outweigh its longer run. The
        # agent only reads the rails and times its calls. (Time scale 0.25: calls of tens of microseconds, which a
        # loaded host still times; medians of 3 loops.)
        root = self.board('jetson-tx2', 0.25)
        home = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, home)
        env = emulated_env(root, HOME=home, GLOG_minloglevel='2')
        self.serve(root)
        args = ['run', '--model', FIXTURE_NET, '--gpu', '0', '--layers', 'conv2,fc4', '--repetitions', '3',
                '--min-loop', '0.4', '--min-windows', '2', '--settle-windows', '3', '--idle-time', '1.0',
                '--idle-every', '0', '--no-net-check', '--mode-settle', '0.1']
        runs = {}
        for mode_id in (0, 1):
            p = subprocess.run([sys.executable, AGENT_PATH] + args + ['--power-mode', str(mode_id)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr[-2000:])
            events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith('{')]
            layers = dict((e['name'], e) for e in events if e['event'] == 'layer')
            self.assertEqual(sorted(layers), ['conv2', 'fc4'])
            idle = [e for e in events if e['event'] == 'idle'][0]['power_mw']
            runs[mode_id] = dict((name, (l['energy_mj'], l['time_ms'])) for name, l in layers.items())
            runs[mode_id]['idle'] = idle
            power_mode.switch(root, TX2, mode_id)
            self.assertAlmostEqual(idle, truth.truth(root, FIXTURE_NET, 'gpu')['idle_power_mw'], delta=45)
            power_mode.switch(root, TX2, 0)
        maxn, maxq = runs[0], runs[1]
        self.assertLess(maxq['idle'], maxn['idle'] - 120, 'MAXQ idles lower: %r' % runs)
        # MAXN stays the fastest: the convolution is slower under MAXQ's GPU cap, the net's layers too.
        self.assertGreater(maxq['conv2'][1], 1.15 * maxn['conv2'][1], 'MAXN is faster: %r' % runs)
        self.assertGreater(maxq['conv2'][1] + maxq['fc4'][1], maxn['conv2'][1] + maxn['fc4'][1], repr(runs))
        # Yet MAXQ measures less gross energy: the memory-bound layer, and the two layers' sum.
        self.assertLess(maxq['fc4'][0], 0.95 * maxn['fc4'][0], 'MAXQ measures less gross energy: %r' % runs)
        self.assertLess(maxq['conv2'][0] + maxq['fc4'][0], 0.97 * (maxn['conv2'][0] + maxn['fc4'][0]), repr(runs))
        self.assertEqual(read(root, 'var/lib/nvpmodel/status'), 'pmode:0000')

if __name__ == '__main__':
    unittest.main()
