"""Emulated pycaffe: the `caffe.Net` the agent drives (BOARD-FORMATS.md 1.5), backed by the cost model.

Blob data are `EmuArray`s: shape and a drift counter, no values (numpy is not assumed). They support
what a measurement harness does with real arrays: `.shape`, `.copy()` and `a[...] = saved`; copies cost
memory traffic on the board like real ones. An in-place layer whose repeated application drifts values
(Scale, BatchNorm, ...) slows down once its blob has drifted far (denormals) unless its input is restored.
"""
import collections
import os

from . import config, cost, glog, network, runtime

TRAIN = 0
TEST = 1
# Host time left for booking a layer ahead of its callbacks (the board idles meanwhile: in timing runs only).
HOOK_LEAD_S = 0.00005
_state = {'mode': 'cpu', 'device': 0, 'board': None}


def set_mode_cpu():
    _state['mode'] = 'cpu'


def set_mode_gpu():
    _state['mode'] = 'gpu'


def set_device(device_id):
    _state['device'] = int(device_id)


def set_random_seed(seed):
    pass


def board():
    if _state['board'] is None:
        _state['board'] = runtime.EmulatedBoard()
    return _state['board']


def threads_from_env(cores):
    for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        try:
            n = int(os.environ.get(var, ''))
            if n > 0:
                return min(n, cores)
        except ValueError:
            pass
    return cores  # OpenBLAS uses every core by default


class EmuArray(object):
    """Stands for a blob's float32 array: shape, size and the drift of in-place updates."""

    def __init__(self, shape, drift=0):
        self.shape = tuple(int(d) for d in shape)
        self.drift = drift
        self.dtype = 'float32'

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def nbytes(self):
        return 4 * self.size

    def __len__(self):
        return self.shape[0] if self.shape else 0

    def _copy_cost(self):
        b = board()
        sec, comps = cost.copy_cost(self.nbytes, b.hw(_state['mode']))
        b.execute(sec, comps)

    def copy(self):
        self._copy_cost()
        return EmuArray(self.shape, self.drift)

    def __setitem__(self, key, value):
        self._copy_cost()
        self.drift = value.drift if isinstance(value, EmuArray) else 0

    def __getitem__(self, key):
        if isinstance(key, int):
            if not self.shape:
                raise IndexError('too many indices')
            if not -self.shape[0] <= key < self.shape[0]:
                raise IndexError('index %d is out of bounds for axis 0 with size %d' % (key, self.shape[0]))
            return EmuArray(self.shape[1:], self.drift) if len(self.shape) > 1 else 0.0
        return self

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def tolist(self):
        if not self.shape:
            return 0.0
        return [self[i].tolist() if len(self.shape) > 1 else 0.0 for i in range(self.shape[0])]

    def __repr__(self):
        return 'EmuArray(shape=%r)' % (self.shape,)


class Blob(object):
    def __init__(self, shape):
        self._shape = tuple(int(d) for d in (shape or [1]))
        self.data = EmuArray(self._shape)
        self.diff = EmuArray(self._shape)

    @property
    def shape(self):
        return self._shape

    @property
    def count(self):
        return self.data.size

    def _axis(self, i):
        return self._shape[i] if len(self._shape) > i else 1

    num = property(lambda self: self._axis(0))
    channels = property(lambda self: self._axis(1))
    height = property(lambda self: self._axis(2))
    width = property(lambda self: self._axis(3))

    def reshape(self, *shape):
        self.__init__(shape)


class Layer(object):
    def __init__(self, spec):
        self.type = spec['type']
        self.blobs = []
        params = spec['features'].get('params') or 0
        cout = spec['features'].get('channelsOut') or 0
        if params:
            if cout and params > cout:
                self.blobs = [Blob([cout, (params - cout) // cout]), Blob([cout])]
            else:
                self.blobs = [Blob([params])]


def log_construction(log, prototxt, layers, phase):
    """The net.cpp/layer_factory.hpp lines Caffe 1.0 prints while building a net (BOARD-FORMATS 1.3)."""
    log.log('I', 'net.cpp:51', 'Initializing net from parameters: ')
    log.raw('state {\n  phase: %s\n  level: 0\n}' % ('TEST' if phase == TEST else 'TRAIN'))
    try:
        with open(prototxt) as f:
            for line in f:
                if line.strip() and not line.lstrip().startswith('#'):
                    log.raw(line.rstrip('\n'))
    except OSError:
        pass
    memory = 0
    consumed = set()
    for l in layers:
        log.log('I', 'layer_factory.hpp:77', 'Creating layer %s' % l['name'])
        log.log('I', 'net.cpp:84', 'Creating Layer %s' % l['name'])
        for b in l['bottoms']:
            log.log('I', 'net.cpp:406', '%s <- %s' % (l['name'], b))
            consumed.add(b)
        for t in l['tops']:
            if t in l['bottoms']:
                log.log('I', 'net.cpp:367', '%s -> %s (in-place)' % (l['name'], t))
            else:
                log.log('I', 'net.cpp:380', '%s -> %s' % (l['name'], t))
        log.log('I', 'net.cpp:122', 'Setting up %s' % l['name'])
        for t, s in zip(l['tops'], l['shapes'] + [None] * len(l['tops'])):
            shape = [int(d) for d in (s or [1])]
            n = 1
            for d in shape:
                n *= d
            log.log('I', 'net.cpp:129', 'Top shape: %s (%d)' % (' '.join(str(d) for d in shape), n))
            memory += 4 * n
        log.log('I', 'net.cpp:137', 'Memory required for data: %d' % memory)
    for l in reversed(layers):
        log.log('I', 'net.cpp:200', '%s does not need backward computation.' % l['name'])
    for o in _outputs(layers):
        log.log('I', 'net.cpp:242', 'This network produces output %s' % o)
    log.log('I', 'net.cpp:255', 'Network initialization done.')


def _outputs(layers):
    """Tops no later layer reads (Caffe's net outputs), in order."""
    available = collections.OrderedDict()
    for l in layers:
        for b in l['bottoms']:
            available.pop(b, None)
        for t in l['tops']:
            available[t] = True
    return list(available)


class CompiledNet(object):
    """Layers plus their precomputed costs on this board (shared by pycaffe Net and the caffe tool)."""

    def __init__(self, prototxt, phase, log):
        self.cfg = config.load_config()
        try:
            self.name, self.specs = network.load(prototxt, self.cfg)
        except network.AnalysisError as e:
            if e.location:  # protobuf's text parser reports where, then Caffe's check fails
                log.other('[libprotobuf ERROR google/protobuf/text_format.cc:274] Error parsing text-format '
                          'caffe.NetParameter: %d:%d: %s' % e.location)
                log.log('F', 'upgrade_proto.cpp:88', 'Check failed: ReadProtoFromTextFile(param_file, param) '
                        'Failed to parse NetParameter file: %s' % prototxt)
            else:
                log.log('F', 'upgrade_proto.cpp:88', 'Check failed: ReadProtoFromTextFile(param_file, param) %s' % e)
            raise
        self.board = board()
        self.mode = _state['mode']
        hw = self.board.hw(self.mode)
        self.threads = 1 if self.mode == 'gpu' else threads_from_env(hw.get('cores', 1))
        h = self.board.hidden
        self.warm, self.cold = [], []
        for s in self.specs:
            self.warm.append(cost.layer_cost(s, hw, self.mode, self.threads, h, True))
            self.cold.append(cost.layer_cost(s, hw, self.mode, self.threads, h, False))
        self.net_overhead = cost.net_overhead(hw, self.mode)
        self.harness = cost.harness_cost(hw, self.board.scale)
        self.callback = cost.callback_cost(hw)
        # `_forward(i, i)` from Python: the call and the layer as one segment (one emulated call per Python call
        # keeps the host's own cost per call small, under the board time it stands for)
        self.warm_called = [cost.combined(self.harness, w) for w in self.warm]
        self.cold_called = [cost.combined(self.harness, c) for c in self.cold]
        self.drifting = [s['in_place'] and s['type'] in cost.DRIFTING_TYPES for s in self.specs]
        self.last = -1
        log_construction(log, prototxt, self.specs, phase)

    def run(self, i, blobs=None, called=False):
        """One Forward of layer i (`called`: plus the Python call into pycaffe that ran it alone); returns its
        emulated duration (scaled s)."""
        if called:
            sec, comps = self.warm_called[i] if self.last == i else self.cold_called[i]
        else:
            sec, comps = self.warm[i] if self.last == i else self.cold[i]
        spec = self.specs[i]
        if blobs is not None:
            if self.drifting[i]:
                arr = blobs[spec['tops'][0]].data
                arr.drift += 1
                if arr.drift > cost.DENORMAL_AFTER_CALLS:
                    h = self.harness[0] if called else 0.0
                    sec = h + (sec - h) * cost.DENORMAL_SLOWDOWN
            else:
                for t in spec['tops']:
                    if t not in spec['bottoms']:
                        blobs[t].data.drift = 0
        self.last = i
        return self.board.execute(sec, comps)

    def run_net_overhead(self):
        self.board.execute(*self.net_overhead)

    def run_harness(self):
        """The Python call into pycaffe that starts a forward: board time on a core, no layer's."""
        self.board.execute(*self.harness)

    def run_callback_half(self):
        self.board.execute(*self.callback)


class Net(object):
    """caffe.Net(prototxt, phase) / (prototxt, weights, phase) / (prototxt, phase, weights=...)."""

    def __init__(self, *args, **kwargs):
        if not args or not isinstance(args[0], str):
            raise TypeError('Net(network_file, phase[, weights=...]) or Net(network_file, weights_file, phase)')
        prototxt = args[0]
        weights = kwargs.get('weights')
        rest = list(args[1:])
        if rest and isinstance(rest[0], str):
            weights = rest.pop(0)
        phase = rest[0] if rest else kwargs.get('phase')
        if phase not in (TRAIN, TEST):
            raise TypeError('phase must be caffe.TRAIN or caffe.TEST')
        for path in [prototxt] + ([weights] if weights else []):
            if not os.path.isfile(path):
                raise RuntimeError('Could not open file %s' % path)
        log = glog.Logger(year=_year())
        try:
            self._net = CompiledNet(prototxt, phase, log)
        except (network.AnalysisError, config.NotEmulated) as e:
            raise RuntimeError(str(e))
        specs = self._net.specs
        self._layer_names = [s['name'] for s in specs]
        self.layers = [Layer(s) for s in specs]
        self.blobs = collections.OrderedDict()
        for s in specs:
            for t, shape in zip(s['tops'], s['shapes'] + [None] * len(s['tops'])):
                if t not in self.blobs:
                    self.blobs[t] = Blob(shape)
        self.params = collections.OrderedDict(
            (s['name'], l.blobs) for s, l in zip(specs, self.layers) if l.blobs)
        self.layer_dict = collections.OrderedDict(zip(self._layer_names, self.layers))
        self.top_names = collections.OrderedDict((s['name'], list(s['tops'])) for s in specs)
        self.bottom_names = collections.OrderedDict((s['name'], list(s['bottoms'])) for s in specs)
        self.inputs = [t for s in specs if s['type'] == 'Input' for t in s['tops']]
        self.outputs = _outputs(specs)
        self._blob_names = list(self.blobs)
        self._before = []
        self._after = []

    def before_forward(self, fn):
        self._before.append(fn)

    def after_forward(self, fn):
        self._after.append(fn)

    def _forward(self, start, end):
        n = len(self.layers)
        if not (0 <= start <= end < n):
            raise IndexError('layer range [%d, %d] outside [0, %d]' % (start, end, n - 1))
        if start == end and not self._before and not self._after:
            self._net.run(start, self.blobs, called=True)
        else:
            self._net.run_harness()
            self._run_layers(start, end)
        return 0.0

    def _run_layers(self, start, end):
        run, blobs, before, after = self._net.run, self.blobs, self._before, self._after
        if not before and not after:
            for i in range(start, end + 1):
                run(i, blobs)
            return
        # Callbacks timestamp layers. A real board's before-callback returns before its layer starts and its
        # after-callback runs once the layer has ended: the host's lateness can only lengthen a span. So the
        # before callbacks run first (at their booked instant, or later when the host is late), then the
        # layer is booked from then on, a little ahead of now (the host books it meanwhile, the board idles),
        # with the callbacks' own time (half on each side of their timestamp), and the after callbacks run at
        # its booked end.
        w = self._net.board.writer
        half = self._net.run_callback_half
        for i in range(start, end + 1):
            w.anchor()
            w.hold = True
            try:
                for fn in before:
                    half()
                t_before = w.vclock
            finally:
                w.hold = False
            w.flush()
            w.wait_until(t_before)
            for fn in before:
                fn(i)
            w.lead(HOOK_LEAD_S)
            w.hold = True
            try:
                for fn in before:
                    half()
                run(i, blobs)
                for fn in after:
                    half()
                t_after = w.vclock
                for fn in after:
                    half()
            finally:
                w.hold = False
            w.flush()
            w.wait_until(t_after)
            for fn in after:
                fn(i)
        w.wait_until(w.vclock)

    def forward(self, blobs=None, start=None, end=None, **kwargs):
        names = self._layer_names
        start_ind = names.index(start) if start is not None else 0
        end_ind = names.index(end) if end is not None else len(names) - 1
        for name in kwargs:
            if name not in self.inputs:
                raise Exception('Input blob arguments do not match net inputs.')
        self._net.run_harness()
        if start is None and end is None:
            self._net.run_net_overhead()
        self._run_layers(start_ind, end_ind)
        self._net.board.sync()  # forward() returns when the net is done
        outs = list(self.outputs) + list(blobs or [])
        return dict((o, self.blobs[o].data) for o in outs)

    def reshape(self):
        pass

    def copy_from(self, weights):
        if not os.path.isfile(weights):
            raise RuntimeError('Could not open file %s' % weights)

    def share_with(self, other):
        pass


def _year():
    try:
        return bool(config.load_config().get('glog_year'))
    except config.NotEmulated:
        return False


class Timer(object):
    def __init__(self):
        import time
        self._clock = time.monotonic
        self._t0 = None
        self.ms = 0.0

    def start(self):
        self._t0 = self._clock()

    def stop(self):
        if self._t0 is not None:
            self.ms = (self._clock() - self._t0) * 1000.0
