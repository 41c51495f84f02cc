"""The agent measures at the batch the editor analysed: net inputs are reshaped before measuring."""
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


if __name__ == '__main__':
    unittest.main()
