"""The agent's `run` arguments: the layers to skip on resume, given so that a name with a comma survives."""
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

from boardtest import load_agent

agent = load_agent()


def run_args(*extra):
    return agent.build_parser().parse_args(['run', '--model', 'net.prototxt'] + list(extra))


class SkipLayers(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def usage_error(self, *extra):
        """Runs main() with these run options; returns (exit code, stderr)."""
        err, saved = io.StringIO(), sys.stderr
        sys.stderr = err
        try:
            with self.assertRaises(SystemExit) as cm:
                agent.main(['run', '--model', 'net.prototxt'] + list(extra))
        finally:
            sys.stderr = saved
        return cm.exception.code, err.getvalue()

    def test_a_json_list_keeps_names_with_commas_and_quotes(self):
        names = ['conv1', 'inception_3a/1x1,relu', 'say "hi"', 'é']
        a = run_args('--skip-layers-json', json.dumps(names))
        self.assertEqual(agent.skip_layer_names(a), names)

    def test_a_file_holds_the_same_list(self):
        path = os.path.join(self.dir, 'skip.json')
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(['a,b', 'c'], f)
        self.assertEqual(agent.skip_layer_names(run_args('--skip-layers-file', path)), ['a,b', 'c'])

    def test_commas_still_work_by_hand_and_nothing_means_no_skip(self):
        self.assertEqual(agent.skip_layer_names(run_args('--skip-layers', 'conv1,,relu1')), ['conv1', 'relu1'])
        self.assertEqual(agent.skip_layer_names(run_args()), [])

    def test_the_selection_leaves_out_a_skipped_name_with_a_comma(self):
        names = ['data', 'a,b', 'a', 'b']
        types = ['Input', 'Convolution', 'ReLU', 'ReLU']
        a = run_args('--skip-layers-json', '["a,b"]')
        a.skip_layers = agent.skip_layer_names(a)
        order, skipped, unknown = agent._layer_selection(names, types, a)
        self.assertEqual(([names[i] for i in order], skipped, unknown), (['a', 'b'], ['a,b'], []))

    def test_bad_lists_are_usage_errors_that_say_what_is_wrong(self):
        code, err = self.usage_error('--skip-layers-json', '{"a": 1}')
        self.assertEqual(code, agent.EXIT_USAGE)
        self.assertIn('--skip-layers-json must be a JSON list of layer names (strings)', err)
        code, err = self.usage_error('--skip-layers-json', '[1, 2')
        self.assertEqual(code, agent.EXIT_USAGE)
        self.assertIn('--skip-layers-json is not JSON', err)
        missing = os.path.join(self.dir, 'missing.json')
        code, err = self.usage_error('--skip-layers-file', missing)
        self.assertEqual(code, agent.EXIT_USAGE)
        self.assertIn('--skip-layers-file %s cannot be read' % missing, err)

    def test_only_one_way_of_giving_the_list(self):
        code, err = self.usage_error('--skip-layers', 'a', '--skip-layers-json', '["b"]')
        self.assertEqual(code, agent.EXIT_USAGE)
        self.assertIn('not allowed with argument', err)


if __name__ == '__main__':
    unittest.main()
