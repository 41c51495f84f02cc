"""The agent's parsers against the verbatim samples of BOARD-FORMATS.md (read from shared/, never copied)."""
import os
import re
import unittest

from boardtest import BOARD_FORMATS, load_agent

agent = load_agent()


def doc_glog_lines():
    """Every glog-looking line of the doc: code blocks and inline code."""
    with open(BOARD_FORMATS, encoding='utf-8') as f:
        text = f.read()
    lines = []
    in_block = False
    for line in text.splitlines():
        if line.strip().startswith('```'):
            in_block = not in_block
            continue
        if in_block and re.match(r'^\s*[IWEF]\d{4}', line):
            lines.append(line.strip(' '))
    for m in re.finditer(r'`([IWEF]\d{8} \d\d:[^`]+\] [^`]*)`', text):
        lines.append(m.group(1))
    return lines


@unittest.skipUnless(os.path.isfile(BOARD_FORMATS), 'shared/docs/BOARD-FORMATS.md not found')
class DocSamples(unittest.TestCase):
    def setUp(self):
        self.lines = doc_glog_lines()

    def find(self, fragment):
        hits = [l for l in self.lines if fragment in l]
        self.assertTrue(hits, 'sample with %r not in BOARD-FORMATS.md' % fragment)
        return hits[0]

    def test_every_sample_line_has_a_parsable_prefix(self):
        self.assertGreater(len(self.lines), 20)
        for line in self.lines:
            g = agent.parse_glog_line(line)
            self.assertIsNotNone(g, line)
            self.assertIn(g['level'], 'IWEF')

    def test_prefix_fields_without_year_4_digit_tid(self):
        g = agent.parse_glog_line(self.find('Average time per layer'))
        self.assertEqual((g['level'], g['year'], g['month'], g['day']), ('I', None, 3, 12))
        self.assertEqual((g['tid'], g['file'], g['line'], g['message']), (2367, 'caffe.cpp', 406, 'Average time per layer:'))
        self.assertEqual(g['time'], '15:29:30.427956')

    def test_prefix_with_year_and_6_digit_tid(self):
        g = agent.parse_glog_line(self.find('I20250403'))
        self.assertEqual((g['year'], g['month'], g['day'], g['tid'], g['file'], g['line']),
                         (2025, 4, 3, 720070, 'solver.cpp', 329))

    def test_layer_lines_tab_rendered_as_spaces(self):
        msg = agent.glog_message(self.find('data   forward: 0.0018944'))
        self.assertEqual(agent.parse_layer_time(msg), ('data', 'forward', 0.0018944))
        msg = agent.glog_message(self.find('conv1   backward: 0.182646'))
        self.assertEqual(agent.parse_layer_time(msg), ('conv1', 'backward', 0.182646))

    def test_layer_line_with_real_tab_and_long_name(self):
        line = self.find('fea_concat_bn_ds_16_mbox_conf\tforward')
        self.assertEqual(agent.parse_layer_time(agent.glog_message(line)),
                         ('fea_concat_bn_ds_16_mbox_conf', 'forward', 0.0520294))

    def test_msvc_exponent(self):
        name, kind, value = agent.parse_layer_time(agent.glog_message(self.find('3.68935e+011')))
        self.assertEqual((name, kind), ('input', 'forward'))
        self.assertAlmostEqual(value / 3.68935e11, 1.0, places=9)

    def test_the_ssd_fork_run_is_a_benchmark_with_other_line_numbers(self):
        block = '\n'.join(l for l in self.lines if '2624' in l)
        parsed = agent.parse_caffe_time(block)
        self.assertTrue(parsed['begun'] and parsed['initialized'])
        self.assertEqual(parsed['iterations'], 50)
        self.assertFalse(parsed['complete'])


class CaffeTimeParser(unittest.TestCase):
    SAMPLE = '\n'.join([
        'I0312 15:29:30.000001  2367 caffe.cpp:352] Use CPU.',
        'I0312 15:29:30.000002  2367 net.cpp:51] Initializing net from parameters: ',
        'name: "x"',  # DebugString continuation lines have no prefix
        'layer {',
        'I0312 15:29:30.000003  2367 net.cpp:255] Network initialization done.',
        'I0312 15:29:30.000004  2367 caffe.cpp:374] *** Benchmark begins ***',
        'I0312 15:29:30.000005  2367 caffe.cpp:375] Testing for 7 iterations.',
        'I0312 15:29:30.000006  2367 caffe.cpp:403] Iteration: 1 forward-backward time: 52.1267 ms.',
        'I0312 15:29:30.000007  2367 caffe.cpp:406] Average time per layer: ',
        'I0312 15:29:30.000008  2367 caffe.cpp:409]       data\tforward: 0.0018944 ms.',
        'I0312 15:29:30.000009  2367 caffe.cpp:412]       data\tbackward: 0 ms.',
        'I0312 15:29:30.000010  2367 caffe.cpp:409] data_input_0_split\tforward: 1.2e-05 ms.',
        'I0312 15:29:30.000011  2367 caffe.cpp:412] data_input_0_split\tbackward: 0.00213 ms.',
        'I0312 15:29:30.000012  2367 caffe.cpp:417] Average Forward pass: 3.1 ms.',
        'I0312 15:29:30.000013  2367 caffe.cpp:419] Average Backward pass: 6.2 ms.',
        'I0312 15:29:30.000014  2367 caffe.cpp:421] Average Forward-Backward: 9.4 ms.',
        'I0312 15:29:30.000015  2367 caffe.cpp:423] Total Time: 65.8 ms.',
        'I0312 15:29:30.000016  2367 caffe.cpp:424] *** Benchmark ends ***',
    ])

    def test_table_and_summary(self):
        p = agent.parse_caffe_time(self.SAMPLE)
        self.assertEqual([l['name'] for l in p['layers']], ['data', 'data_input_0_split'])
        self.assertEqual(p['layers'][1]['forward_ms'], 1.2e-05)
        self.assertEqual(p['layers'][0]['backward_ms'], 0.0)
        self.assertEqual((p['forward_ms'], p['backward_ms'], p['forward_backward_ms'], p['total_ms']),
                         (3.1, 6.2, 9.4, 65.8))
        self.assertEqual(p['iterations'], 7)
        self.assertTrue(p['complete'] and p['initialized'] and p['begun'])
        self.assertIsNone(p['fatal'])

    def test_fatal_line_is_reported(self):
        text = ('F0312 15:29:30.000001  2367 upgrade_proto.cpp:88] Check failed: ReadProtoFromTextFile(param_file, '
                'param) Failed to parse NetParameter file: x.prototxt\n*** Check failure stack trace: ***\n')
        p = agent.parse_caffe_time(text)
        self.assertIn('Failed to parse NetParameter file', p['fatal'])
        self.assertFalse(p['initialized'])
        self.assertIn('Failed to parse', agent._failure_text(-6, text))

    def test_lines_outside_the_table_are_not_layers(self):
        p = agent.parse_caffe_time('I0312 15:29:30.000001  2367 caffe.cpp:409]      conv1\tforward: 1 ms.\n')
        self.assertEqual(p['layers'], [])
        self.assertIsNone(agent.parse_layer_time('Average Forward pass: 3.1 ms.'))
        self.assertIsNone(agent.parse_glog_line('layer {'))


class SysfsValues(unittest.TestCase):
    def test_integers_limits_model_release(self):
        self.assertEqual(agent.parse_sysfs_int('2345\n'), 2345)
        self.assertEqual(agent.parse_sysfs_int('32760 ma\n'), 32760)
        self.assertIsNone(agent.parse_sysfs_int(''))
        self.assertIsNone(agent.parse_sysfs_int('n/a\n'))
        self.assertEqual(agent.parse_limit('32760 ma\n'), (32760, 'ma'))
        self.assertEqual(agent.parse_limit('626 mw\n'), (626, 'mw'))
        self.assertEqual(agent.parse_limit('5\n'), (5, None))
        self.assertEqual(agent.parse_device_tree_model(b'NVIDIA Jetson Nano Developer Kit\x00'),
                         'NVIDIA Jetson Nano Developer Kit')
        r = agent.parse_tegra_release('# R32 (release), REVISION: 4.3, GCID: 21589087, BOARD: t186ref, EABI: '
                                      'aarch64, DATE: Fri Jun 26 04:34:27 UTC 2020\n')
        self.assertEqual((r['release'], r['revision'], r['l4t'], r['board'], r['gcid']),
                         ('R32', '4.3', '32.4.3', 't186ref', '21589087'))
        self.assertEqual(agent.parse_tegra_release('# R28 (release), REVISION: 2.0, GCID: 1')['l4t'], '28.2.0')
        self.assertEqual(agent.parse_tegra_release('something else'), {'raw': 'something else'})

    def test_total_rail_choice(self):
        rails = [{'name': n} for n in ('VDD_GPU_SOC', 'VDD_CPU_CV', 'VIN_SYS_5V0')]
        self.assertEqual(agent.choose_rails(rails), ('sum', 'VDD_CPU_CV', 'VDD_GPU_SOC'))
        rails = [{'name': n} for n in ('POM_5V_IN', 'POM_5V_GPU', 'POM_5V_CPU')]
        self.assertEqual(agent.choose_rails(rails), ('POM_5V_IN', 'POM_5V_CPU', 'POM_5V_GPU'))
        rails = [{'name': n} for n in ('VDD_IN', 'VDD_CPU_GPU_CV', 'VDD_SOC')]
        self.assertEqual(agent.choose_rails(rails), ('VDD_IN', 'VDD_CPU_GPU_CV', 'VDD_CPU_GPU_CV'))


class ParseErrorLocation(unittest.TestCase):
    def test_libprotobufs_line_col_is_kept(self):
        # as Caffe users post it (e.g. BVLC/caffe#3947, pycaffe on a fork's prototxt)
        err = ('WARNING: Logging before InitGoogleLogging() is written to STDERR\n'
               '[libprotobuf ERROR google/protobuf/text_format.cc:274] Error parsing text-format caffe.NetParameter: '
               '6:15: Message type "caffe.LayerParameter" has no field named "input_param".\n'
               'F0405 18:54:10.311813 33623 upgrade_proto.cpp:68] Check failed: ReadProtoFromTextFile(param_file, param) '
               'Failed to parse NetParameter file: deploy.prototxt\n*** Check failure stack trace: ***\n')
        self.assertEqual(agent.parse_error_location(err), {
            'line': 6, 'column': 15, 'message': 'Message type "caffe.LayerParameter" has no field named "input_param".'})
        self.assertIn('Failed to parse NetParameter file', agent._failure_text(-6, err))
        self.assertIsNone(agent.parse_error_location('F0405 18:54:10.311813 33623 net.cpp:1] Unknown layer type: Foo'))


class Statistics(unittest.TestCase):
    def test_window_estimate_survives_repeated_readings(self):
        # updates every 0.1 s, but every other reading equals the previous one (quantisation)
        samples, t, k = [], 0.0, 0
        values = [10, 10, 11, 12, 12, 13, 14, 14, 15, 16, 16, 17, 18, 19, 19, 20, 21, 22]
        for i in range(1800):
            t = i * 0.001
            samples.append((t, [float(values[min(len(values) - 1, int(t / 0.1))])]))
        w = agent.estimate_window(samples, 0, 0.001)
        self.assertAlmostEqual(w, 0.1, delta=0.003)
        self.assertIsNone(agent.estimate_window(samples[:150], 0, 0.001))

    def test_median_spread_disagree(self):
        self.assertEqual(agent.median([3, 1, 2]), 2)
        self.assertEqual(agent.median([4, 1, 2, 3]), 2.5)
        self.assertAlmostEqual(agent.spread([1.0, 2.0, 3.0]), 1.0)
        self.assertEqual(agent.spread([5.0]), 0.0)
        self.assertTrue(agent.disagree([100.0, 110.0], 0.05))
        self.assertFalse(agent.disagree([100.0, 103.0], 0.05))


if __name__ == '__main__':
    unittest.main()
