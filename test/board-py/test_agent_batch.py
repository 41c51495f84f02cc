"""The agent measures at the batch the editor analysed: net inputs are reshaped before measuring
(pycaffe), or the `caffe time` fallback gets a copy of the net file with the batch rewritten."""
import unittest

from boardtest import load_agent

agent = load_agent()


class FakeBlob(object):
    def __init__(self, shape):
        self.shape = tuple(shape)

    def reshape(self, *shape):
        self.shape = tuple(shape)


class FakeNet(object):
    def __init__(self, inputs):
        self.inputs = list(inputs)
        self.blobs = dict((name, FakeBlob(shape)) for name, shape in inputs.items())
        self.reshaped = 0

    def reshape(self):
        self.reshaped += 1


class ReshapeBatch(unittest.TestCase):
    def test_a_deploy_batch_of_ten_is_measured_per_image(self):
        net = FakeNet({'data': [10, 3, 227, 227]})
        agent._reshape_batch(net, 1)
        self.assertEqual(net.blobs['data'].shape, (1, 3, 227, 227))
        self.assertEqual(net.reshaped, 1)

    def test_nothing_changes_when_the_batch_already_matches(self):
        net = FakeNet({'data': [1, 3, 224, 224], 'im_info': [1, 3]})
        agent._reshape_batch(net, 1)
        self.assertEqual(net.reshaped, 0)
        self.assertEqual(net.blobs['im_info'].shape, (1, 3))

    def test_every_input_is_reshaped(self):
        net = FakeNet({'a': [4, 3, 8, 8], 'b': [4, 10]})
        agent._reshape_batch(net, 2)
        self.assertEqual((net.blobs['a'].shape, net.blobs['b'].shape), ((2, 3, 8, 8), (2, 10)))


class PrototxtAtBatch(unittest.TestCase):
    def test_input_dim_first_of_every_four(self):
        text = 'input: "a"\ninput_dim: 10\ninput_dim: 3\ninput_dim: 8\ninput_dim: 8\n' \
               'input: "b"\ninput_dim: 10\ninput_dim: 10\ninput_dim: 1\ninput_dim: 1\n'
        out = agent.prototxt_at_batch(text, 1)
        self.assertEqual(out, text.replace('input_dim: 10\ninput_dim: 3', 'input_dim: 1\ninput_dim: 3')
                         .replace('input_dim: 10\ninput_dim: 10', 'input_dim: 1\ninput_dim: 10'))

    def test_input_shape_and_input_layers_first_dim_only(self):
        text = ('input: "data" input_shape { dim: 10 dim: 3 dim: 224 dim: 224 }\n'
                'input: "im" input_shape { dim: [10, 3] }\n'
                'layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 4 dim: 10 } shape: { dim: 4 } } }\n'
                'layer { name: "r" type: "Reshape" bottom: "x" top: "y" reshape_param { shape { dim: 0 dim: -1 } } }\n')
        self.assertEqual(agent.prototxt_at_batch(text, 2), (
            'input: "data" input_shape { dim: 2 dim: 3 dim: 224 dim: 224 }\n'
            'input: "im" input_shape { dim: [2, 3] }\n'
            'layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 10 } shape: { dim: 2 } } }\n'
            'layer { name: "r" type: "Reshape" bottom: "x" top: "y" reshape_param { shape { dim: 0 dim: -1 } } }\n'))

    def test_comments_strings_and_data_layers_are_left_alone(self):
        text = ('# input_dim: 10\nname: "input_dim: 10"\ninput: "data"\ninput_dim: 1 input_dim: 3 input_dim: 2 input_dim: 2\n'
                'layer { name: "d" type: "Data" top: "x" data_param { batch_size: 64 } }\n')
        self.assertIsNone(agent.prototxt_at_batch(text, 1))

    def test_nothing_to_change_gives_none(self):
        self.assertIsNone(agent.prototxt_at_batch('input: "data" input_shape { dim: 1 dim: 3 }', 1))
        self.assertIsNone(agent.prototxt_at_batch('', 1))


if __name__ == '__main__':
    unittest.main()
