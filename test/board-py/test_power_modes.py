"""Power modes on an emulated TX2: the emulated nvpmodel, DVFS in the cost model, and the agent's
`run --power-mode` that always switches back (also when cancelled; a killed run is restored later)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from boardtest import AGENT_PATH, FIXTURE_ANALYSIS, FIXTURE_NET, emulated_env

from elemu import layout, power_mode, profiles, truth  # noqa: E402

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


if __name__ == '__main__':
    unittest.main()
