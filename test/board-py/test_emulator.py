"""The emulated board: Caffe's net construction rules, the hidden cost model, the sensor, `caffe time`."""
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from boardtest import EMULATOR_DIR, FIXTURE_ANALYSIS, FIXTURE_NET, emulated_env, load_agent

from elemu import activity, cost, layout, network, profiles, sensor, truth  # noqa: E402

agent = load_agent()


def L(name, typ, bottoms, tops):
    return {'name': name, 'type': typ, 'bottoms': bottoms, 'tops': tops, 'shapes': [[1, 4, 8, 8]] * len(tops),
            'features': {}, 'is_split': False}


class NetConstruction(unittest.TestCase):
    def test_insert_splits_follows_caffe(self):
        layers = [L('input', 'Input', [], ['data']), L('conv1', 'Convolution', ['data'], ['conv1']),
                  L('relu1', 'ReLU', ['conv1'], ['conv1']), L('a', 'Convolution', ['conv1'], ['a']),
                  L('b', 'Convolution', ['conv1'], ['b']), L('c', 'Eltwise', ['a', 'b', 'data'], ['c'])]
        out = network.insert_splits(layers)
        names = [l['name'] for l in out]
        # `data` is read by conv1 and c; `conv1` (as left by the in-place relu1) by a and b
        self.assertEqual(names, ['input', 'data_input_0_split', 'conv1', 'relu1', 'conv1_relu1_0_split', 'a', 'b', 'c'])
        split = out[1]
        self.assertEqual((split['type'], split['bottoms'], split['tops']),
                         ('Split', ['data'], ['data_input_0_split_0', 'data_input_0_split_1']))
        self.assertEqual(out[2]['bottoms'], ['data_input_0_split_0'])
        self.assertEqual(out[5]['bottoms'], ['conv1_relu1_0_split_0'])
        self.assertEqual(out[6]['bottoms'], ['conv1_relu1_0_split_1'])
        self.assertEqual(out[7]['bottoms'], ['a', 'b', 'data_input_0_split_1'])

    def test_unknown_bottom_is_an_analysis_error(self):
        with self.assertRaises(network.AnalysisError):
            network.insert_splits([L('x', 'ReLU', ['nope'], ['x'])])

    def test_fixture_net_gets_input_layer_and_split(self):
        with open(FIXTURE_ANALYSIS) as f:
            layers = network.build_layers(json.load(f))
        self.assertEqual(layers[0]['name'], 'input')
        self.assertEqual(layers[0]['tops'], ['data'])
        split = [l for l in layers if l['type'] == 'Split']
        self.assertEqual([l['name'] for l in split], ['conv2_relu2_0_split'])
        self.assertEqual(len(layers), 18)
        self.assertTrue([l for l in layers if l['name'] == 'bn2'][0]['in_place'])


class Board(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp()
        layout.create(cls.root, 'jetson-tx1', 0.1, 7, analyze_json=FIXTURE_ANALYSIS)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root)

    def test_sysfs_files_read_as_the_kernel_prints_them(self):
        d = os.path.join(self.root, 'sys/bus/i2c/devices/1-0040')
        with open(os.path.join(d, 'name')) as f:
            self.assertEqual(f.read(), 'ina3221x\n')
        self.assertTrue(os.path.islink(os.path.join(d, 'iio_device')))
        iio = os.path.join(d, 'iio:device0')
        for n, rail in enumerate(('VDD_IN', 'VDD_GPU', 'VDD_CPU')):
            with open(os.path.join(iio, 'rail_name_%d' % n)) as f:
                self.assertEqual(f.read(), rail + '\n')
            with open(os.path.join(iio, 'in_power%d_input' % n)) as f:
                text = f.read()
            self.assertRegex(text, r'^\d+\n$')
            with open(os.path.join(iio, 'crit_current_limit_%d' % n)) as f:
                self.assertRegex(f.read(), r'^\d+ ma\n$')
        with open(os.path.join(self.root, 'proc/device-tree/model'), 'rb') as f:
            self.assertTrue(f.read().endswith(b'\0'))

    def test_register_quantisation(self):
        import random
        rail = profiles.profile('jetson-tx1')['sensors'][0]['rails'][0]
        rng = random.Random(1)
        for p in (2150.0, 3600.0, 5321.0):
            v, i, mw, shunt = sensor.convert(p, rail, rng)
            self.assertEqual(v % 8, 0)
            self.assertEqual(shunt % 40, 0)
            self.assertEqual(mw, v * i // 1000)
            self.assertLess(abs(mw - p) / p, 0.05)

    def test_sensor_averages_activity_over_its_window(self):
        # 30 % of one window busy at +1 W of CPU: VDD_IN rises by ~0.3 W / 0.85 over idle
        path = os.path.join(self.root, '.emulator', 'probe-activity')
        w = activity.ActivityWriter(path, 0.5, __import__('random').Random(2))
        w._write([100.0, 100.15, (1.0, 0.0, 0.0)])
        w.close()
        r = activity.ActivityReader(path)
        r.poll()
        c = r.mean_components(99.8, 100.3)
        self.assertAlmostEqual(c['cpu'], 0.3, delta=0.01)
        prof = profiles.profile('jetson-tx1')
        self.assertAlmostEqual(profiles.total_power_mw(prof, c) - 2150, 300 / 0.85, delta=10)

    def test_truth_is_deterministic_per_seed_and_not_linear_in_macs(self):
        t1 = truth.truth(self.root, FIXTURE_NET, 'cpu', 1)
        t2 = truth.truth(self.root, FIXTURE_NET, 'cpu', 1)
        self.assertEqual(t1, t2)
        other = tempfile.mkdtemp()
        try:
            layout.create(other, 'jetson-tx1', 0.1, 8, analyze_json=FIXTURE_ANALYSIS)
            t3 = truth.truth(other, FIXTURE_NET, 'cpu', 1)
        finally:
            shutil.rmtree(other)
        self.assertNotEqual([l['energy_mj'] for l in t1['layers']], [l['energy_mj'] for l in t3['layers']])
        with open(FIXTURE_ANALYSIS) as f:
            macs = dict((l['name'], l['macs']) for l in json.load(f)['layers'])
        per_mac = [l['board_energy_mj'] / macs[l['name']] for l in t1['layers']
                   if l['type'] in ('Convolution', 'InnerProduct') and macs.get(l['name'])]
        self.assertGreater(max(per_mac) / min(per_mac), 2.0)  # energy per MAC varies across layers
        self.assertGreater(t1['net']['energy_mj'], 0)
        self.assertTrue(all(l['power_mw'] > t1['idle_power_mw'] for l in t1['layers']))

    def test_more_threads_speed_up_convolution(self):
        one = truth.truth(self.root, FIXTURE_NET, 'cpu', 1)
        four = truth.truth(self.root, FIXTURE_NET, 'cpu', 4)
        gpu = truth.truth(self.root, FIXTURE_NET, 'gpu')
        c1 = [l for l in one['layers'] if l['name'] == 'conv2'][0]
        c4 = [l for l in four['layers'] if l['name'] == 'conv2'][0]
        cg = [l for l in gpu['layers'] if l['name'] == 'conv2'][0]
        self.assertLess(c4['time_ms'], c1['time_ms'] / 2)
        self.assertGreater(c4['power_mw'], c1['power_mw'])
        self.assertLess(cg['time_ms'], c1['time_ms'])
        self.assertGreater(cg['rails_mw']['VDD_GPU'], c1['rails_mw']['VDD_GPU'] + 500)

    def test_caffe_time_prints_caffe_format_with_split_layers(self):
        env = emulated_env(self.root)
        p = subprocess.run(['caffe', 'time', '-model', FIXTURE_NET, '-iterations', '2'], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode()[-500:])
        err = p.stderr.decode()
        self.assertEqual(p.stdout, b'')  # everything on stderr, as glog does
        parsed = agent.parse_caffe_time(err)
        names = [l['name'] for l in parsed['layers']]
        self.assertIn('conv2_relu2_0_split', names)
        self.assertEqual(names[0], 'input')
        self.assertTrue(parsed['complete'])
        table = [l for l in err.splitlines() if 'forward: ' in l and 'caffe.cpp:409]' in l]
        self.assertIn('caffe.cpp:409]      conv1\tforward: ', table[1])  # width-10 right-aligned + TAB
        self.assertRegex(err, r'\nI\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ caffe.cpp:406\] Average time per layer: \n')
        self.assertIn('caffe.cpp:412]      conv1\tbackward: ', err)
        self.assertIn('net.cpp:367] relu1 -> conv1 (in-place)', err)
        self.assertIn('Top shape: 1 32 48 48 (73728)', err)
        self.assertAlmostEqual(sum(l['forward_ms'] for l in parsed['layers']), parsed['forward_ms'], delta=0.01)

    def test_caffe_time_without_model_aborts_like_glog(self):
        p = subprocess.run(['caffe', 'time'], env=emulated_env(self.root), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, -signal.SIGABRT)
        self.assertRegex(p.stderr.decode(), r'F\d{4} .*Need a model definition to time\.')

    def test_pycaffe_api(self):
        code = ('import caffe, sys\n'
                'caffe.set_mode_cpu()\n'
                'n = caffe.Net(sys.argv[1], caffe.TEST)\n'
                'assert list(n._layer_names)[:2] == ["input", "conv1"], n._layer_names\n'
                'assert [l.type for l in n.layers][-1] == "Softmax"\n'
                'assert n.blobs["conv1"].data.shape == (1, 32, 48, 48)\n'
                'assert n.inputs == ["data"] and n.outputs == ["prob"], (n.inputs, n.outputs)\n'
                'assert n.bottom_names["bn2"] == ["conv2"] and n.top_names["bn2"] == ["conv2"]\n'
                'seen = []\n'
                'n.before_forward(lambda i: seen.append(("b", i)))\n'
                'n.after_forward(lambda i: seen.append(("a", i)))\n'
                'out = n.forward()\n'
                'assert set(out) == {"prob"} and len(seen) == 2 * len(n.layers)\n'
                'n._forward(3, 3)\n'
                'saved = n.blobs["conv2"].data.copy(); n.blobs["conv2"].data[...] = saved\n'
                'n2 = caffe.Net(sys.argv[1], sys.argv[1], caffe.TEST)\n'
                'n3 = caffe.Net(sys.argv[1], caffe.TEST, weights=sys.argv[1])\n'
                'print("ok")\n')
        p = subprocess.run([sys.executable, '-c', code, FIXTURE_NET], env=emulated_env(self.root, GLOG_minloglevel='2'),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.stdout.decode().strip(), 'ok', p.stderr.decode()[-1500:])

    def test_failed_analysis_makes_net_raise(self):
        env = emulated_env(self.root, ENERGY_LENS_ANALYZE='%s -c "import sys; sys.stderr.write(\'line 3: bad\\n\'); '
                                                           'sys.exit(1)"' % sys.executable, GLOG_minloglevel='2')
        env.pop('ENERGY_LENS_ANALYZE_JSON', None)
        code = ('import caffe, sys\n'
                'try:\n    caffe.Net(sys.argv[1], caffe.TEST)\nexcept RuntimeError as e:\n    print("raised", e)\n')
        p = subprocess.run([sys.executable, '-c', code, FIXTURE_NET], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertIn('raised Failed to parse NetParameter file', p.stdout.decode(), p.stderr.decode()[-800:])
        self.assertIn('line 3: bad', p.stdout.decode())

    def test_a_net_that_does_not_parse_prints_libprotobufs_location_then_glogs_fatal_line(self):
        fail = ('%s -c "import sys; sys.stderr.write(\'net.prototxt:12:35: error: unknown field kernal_size '
                '[unknown-field]\\n\'); sys.exit(1)"' % sys.executable)
        env = emulated_env(self.root, ENERGY_LENS_ANALYZE=fail, GLOG_minloglevel='2')
        env.pop('ENERGY_LENS_ANALYZE_JSON', None)
        p = subprocess.run(['caffe', 'time', '-model', FIXTURE_NET], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode()
        self.assertEqual(p.returncode, -signal.SIGABRT)
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(lines[0], '[libprotobuf ERROR google/protobuf/text_format.cc:274] Error parsing text-format '
                                   'caffe.NetParameter: 12:35: unknown field kernal_size')
        self.assertRegex(lines[1], r'^F\d{4} [\d:.]+ +\d+ upgrade_proto.cpp:88\] Check failed: ReadProtoFromTextFile'
                                   r'\(param_file, param\) Failed to parse NetParameter file: .*board_fixture_net.prototxt$')
        self.assertEqual(agent.parse_error_location(err),
                         {'line': 12, 'column': 35, 'message': 'unknown field kernal_size'})

    def test_in_place_drift_slows_a_layer_unless_restored(self):
        from elemu import pynet
        old = dict(os.environ)
        os.environ.update({'ENERGY_LENS_BOARD_ROOT': self.root, 'GLOG_minloglevel': '2'})
        try:
            n = pynet.Net(FIXTURE_NET, pynet.TEST)
            i = n._layer_names.index('scale2')
            n._net.board.execute = lambda sec, comps: sec  # durations only, no waiting
            saved = n.blobs['conv2'].data.copy()

            def mean_duration(k):
                return sum(n._net.run(i, n.blobs) for _ in range(k)) / k
            fresh = mean_duration(150)
            mean_duration(100)
            drifted = mean_duration(150)
            n.blobs['conv2'].data[...] = saved
            restored = mean_duration(150)
        finally:
            os.environ.clear()
            os.environ.update(old)
        self.assertAlmostEqual(drifted / fresh, cost.DENORMAL_SLOWDOWN, delta=0.1)
        self.assertAlmostEqual(restored / fresh, 1.0, delta=0.05)


class HarnessAndForwardPhysics(unittest.TestCase):
    """What the emulated board charges beyond a layer, so a harness that ignores it is caught."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp()
        layout.create(cls.root, 'jetson-tx1', 0.1, 7, analyze_json=FIXTURE_ANALYSIS)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root)

    def net(self):
        from elemu import pynet
        old = dict(os.environ)
        os.environ.update({'ENERGY_LENS_BOARD_ROOT': self.root, 'GLOG_minloglevel': '2'})
        try:
            n = pynet.Net(FIXTURE_NET, pynet.TEST)
        finally:
            os.environ.clear()
            os.environ.update(old)
        charged = []
        n._net.board.execute = lambda sec, comps: charged.append((sec, comps)) or sec
        return n, charged

    def test_each_python_call_costs_the_harness_on_one_core(self):
        n, charged = self.net()
        hw = profiles.profile('jetson-tx1')['cpu']
        h = cost.harness_cost(hw, 0.1)[0]
        # at time scale 0.1 a call takes at least HARNESS_MIN_WALL_S of the host's (real) interpreter
        self.assertAlmostEqual(h, max(hw['harness_call_s'], cost.HARNESS_MIN_WALL_S / 0.1), places=12)
        self.assertEqual(cost.harness_cost(hw, 1.0)[0], hw['harness_call_s'])
        i = n._layer_names.index('relu1')
        n._forward(i, i)
        n._forward(i, i)
        layer_s = n._net.warm[i][0]
        self.assertEqual(len(charged), 2)  # one segment per call: harness and layer together
        self.assertAlmostEqual(charged[1][0], h + layer_s, places=12)
        # the Input layer does nothing: a call of it is the harness alone
        del charged[:]
        n._forward(0, 0)
        n._forward(0, 0)
        self.assertLess(charged[1][0] - h, 1e-6)
        # a whole forward pays the harness once, then the Net's overhead and its layers (cold)
        del charged[:]
        n.forward()
        self.assertEqual(len(charged), 2 + len(n.layers))
        self.assertAlmostEqual(charged[0][0], h, places=12)

    def test_callbacks_cost_board_time_around_their_timestamps(self):
        n, charged = self.net()
        n._net.board.execute = lambda sec, comps: sec  # keep the writer real for the booked instants
        seen = []
        n.before_forward(lambda i: seen.append(('b', i)))
        n.after_forward(lambda i: seen.append(('a', i)))
        n._forward(2, 3)
        self.assertEqual(seen, [('b', 2), ('a', 2), ('b', 3), ('a', 3)])

    def test_truth_in_forward_adds_up_to_the_net_and_is_colder_than_the_loop(self):
        t = truth.truth(self.root, FIXTURE_NET, 'cpu', 1)
        hw = profiles.profile('jetson-tx1')['cpu']
        over_s, over_comps = cost.net_overhead(hw, 'cpu')
        prof = profiles.profile('jetson-tx1')
        over_mj = profiles.total_power_mw(prof, {'cpu': over_comps[0], 'gpu': over_comps[1], 'ddr': over_comps[2]}) * \
            over_s * t['time_scale']
        total = sum(l['in_forward_energy_mj'] for l in t['layers']) + over_mj
        self.assertAlmostEqual(total, t['net']['energy_mj'], delta=1e-9 * t['net']['energy_mj'])
        for l in t['layers']:
            if l['type'] != 'Input':
                self.assertGreater(l['in_forward_time_ms'], l['time_ms'], l['name'])
        concat = [l for l in t['layers'] if l['type'] == 'Concat'][0]
        self.assertGreater(concat['in_forward_energy_mj'] / concat['energy_mj'], 1.2)  # cold inputs

    def test_background_spikes_and_drift_are_seeded_and_bounded(self):
        import random
        a = sensor.Background(0.0, 1.0, random.Random(3))
        b = sensor.Background(0.0, 1.0, random.Random(3))
        spans = [(t, t + 0.4224) for t in [x * 0.4224 for x in range(0, 2000)]]
        wa = [a.cpu_w(x, y) for x, y in spans]
        self.assertEqual(wa, [b.cpu_w(x, y) for x, y in spans])
        self.assertLess(wa[0], 0.001)  # no spike, no drift at start
        self.assertGreater(max(wa), 0.15)  # a daemon woke up at least once in 14 minutes
        quiet = sorted(wa)[len(wa) // 2]
        self.assertGreater(quiet, 0.5 * sensor.DRIFT_CPU_W * (1 - math.exp(-400.0 / sensor.DRIFT_TAU_S)))
        self.assertLess(max(wa), max(sensor.SPIKE_CPU_W) + sensor.DRIFT_CPU_W + 1e-9)


class AtomicFiles(unittest.TestCase):
    def test_concurrent_reader_never_sees_a_partial_value(self):
        d = tempfile.mkdtemp()
        try:
            path = os.path.join(d, 'in_power0_input')
            from elemu import files
            files.atomic_write(path, '1000\n')
            stop = []

            def writer():
                k = 0
                while not stop:
                    files.atomic_write(path, '%d\n' % (1000000 + k % 7 * 1111111))
                    k += 1
            t = threading.Thread(target=writer)
            t.start()
            bad = 0
            end = time.monotonic() + 0.5
            n = 0
            while time.monotonic() < end:
                with open(path) as f:
                    text = f.read()
                n += 1
                if not (text.endswith('\n') and text[:-1].isdigit()):
                    bad += 1
            stop.append(1)
            t.join()
            self.assertEqual(bad, 0)
            self.assertGreater(n, 100)
        finally:
            shutil.rmtree(d)


if __name__ == '__main__':
    unittest.main()
