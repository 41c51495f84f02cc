"""The emulated `caffe` command: `caffe time` and `caffe test` with Caffe 1.0's stderr (BOARD-FORMATS 1.2-1.4).

Every layer (Split layers included) is run on the emulated board, forward and backward, so the sensor
sees the same activity a real `caffe time` causes. Failures print glog FATAL lines and abort (SIGABRT).
"""
import sys

from . import config, glog, network, pynet

USAGE = """caffe: command line brew
usage: caffe <command> <args>

commands:
  train           train or finetune a model
  test            score a model
  device_query    show GPU diagnostic information
  time            benchmark model execution time
"""
FLAGS = {'model': '', 'weights': '', 'iterations': '50', 'gpu': '', 'phase': '', 'level': '0', 'stage': '',
         'solver': '', 'snapshot': '', 'sigint_effect': 'stop', 'sighup_effect': 'snapshot'}
BACKWARD_FACTOR = {'Convolution': 2.0, 'Deconvolution': 2.0, 'InnerProduct': 2.0, 'Input': 0.0}


def parse_flags(argv):
    """gflags style: -flag value, -flag=value, --flag value, --flag=value. Returns (flags, positional)."""
    flags = dict(FLAGS)
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith('-') and len(a) > 1:
            name = a.lstrip('-')
            value = None
            if '=' in name:
                name, value = name.split('=', 1)
            if name in ('version', 'help'):
                flags[name] = 'true'
                i += 1
                continue
            if name not in FLAGS:
                raise ValueError("ERROR: unknown command line flag '%s'" % name)
            if value is None:
                if i + 1 >= len(argv):
                    raise ValueError("ERROR: flag '%s' is missing its argument" % name)
                value = argv[i + 1]
                i += 1
            flags[name] = value
        else:
            pos.append(a)
        i += 1
    return flags, pos


def _ms(x):
    return '%g' % x


def main(argv):
    try:
        flags, pos = parse_flags(argv)
    except ValueError as e:
        sys.stderr.write(str(e) + '\n')
        return 1
    if flags.get('version'):
        sys.stdout.write('caffe version 1.0.0\n')
        return 0
    if not pos or flags.get('help'):
        sys.stderr.write(USAGE)
        return 1
    try:
        year = bool(config.load_config().get('glog_year'))
    except config.NotEmulated as e:
        sys.stderr.write('caffe (emulated): %s\n' % e)
        return 1
    log = glog.Logger(year=year)
    cmd = pos[0]
    if cmd == 'time':
        return time_cmd(flags, log)
    if cmd == 'test':
        return test_cmd(flags, log)
    if cmd == 'device_query':
        log.log('I', 'caffe.cpp:112', 'Querying GPUs %s' % (flags['gpu'] or '0'))
        log.log('I', 'common.cpp:168', 'Device id:                     0')
        log.log('I', 'common.cpp:169', 'Major revision number:         5')
        log.log('I', 'common.cpp:170', 'Minor revision number:         3')
        log.log('I', 'common.cpp:171', 'Name:                          NVIDIA Tegra X1')
        return 0
    log.log('E', 'caffe.cpp:436', 'Unknown action: %s' % cmd)
    sys.stderr.write(USAGE)
    return 1


def _setup(flags, log, default_phase, where_gpu, where_cpu):
    if not flags['model']:
        log.fatal('caffe.cpp:%d' % (where_cpu - 10), 'Check failed: FLAGS_model.size() > 0 (0 vs. 0) '
                  'Need a model definition to time.')
    phase = flags['phase'] or default_phase
    if phase not in ('TRAIN', 'TEST'):
        log.fatal('caffe.cpp:150', 'phase must be "TRAIN" or "TEST"')
    if flags['gpu']:
        dev = flags['gpu'].split(',')[0]
        log.log('I', 'caffe.cpp:%d' % where_gpu, 'Use GPU with device ID %s' % ('0' if dev == 'all' else dev))
        pynet.set_mode_gpu()
    else:
        log.log('I', 'caffe.cpp:%d' % where_cpu, 'Use CPU.')
        pynet.set_mode_cpu()
    try:
        return pynet.CompiledNet(flags['model'], pynet.TEST if phase == 'TEST' else pynet.TRAIN, log)
    except network.AnalysisError as e:
        log.fatal('upgrade_proto.cpp:88', None if e.location else 'Check failure: the network could not be built')


def _backward_cost(net, i):
    sec, comps = net.cold[i]
    t = net.specs[i]['type']
    if t == 'Split':
        return sec * (1 + len(net.specs[i]['tops'])), comps
    return sec * BACKWARD_FACTOR.get(t, 1.2), comps


def time_cmd(flags, log):
    try:
        iterations = int(flags['iterations'])
    except ValueError:
        sys.stderr.write("ERROR: failed validation of new value '%s' for flag 'iterations'\n" % flags['iterations'])
        return 1
    net = _setup(flags, log, 'TRAIN', 348, 352)
    b = net.board
    n = len(net.specs)
    log.log('I', 'caffe.cpp:360', 'Performing Forward')
    for i in range(n):
        net.run(i)
    log.log('I', 'caffe.cpp:365', 'Initial loss: 0')
    log.log('I', 'caffe.cpp:366', 'Performing Backward')
    for i in reversed(range(n)):
        b.execute(*_backward_cost(net, i))
    log.log('I', 'caffe.cpp:374', '*** Benchmark begins ***')
    log.log('I', 'caffe.cpp:375', 'Testing for %d iterations.' % iterations)
    fwd = [0.0] * n
    bwd = [0.0] * n
    total = 0.0
    for it in range(iterations):
        iter_s = 0.0
        for i in range(n):
            d = net.run(i)
            fwd[i] += d
            iter_s += d
        for i in reversed(range(n)):
            d = b.execute(*_backward_cost(net, i))
            bwd[i] += d
            iter_s += d
        b.flush()
        total += iter_s
        log.log('I', 'caffe.cpp:403', 'Iteration: %d forward-backward time: %s ms.' % (it + 1, _ms(iter_s * 1000)))
    log.log('I', 'caffe.cpp:406', 'Average time per layer: ')
    for i, s in enumerate(net.specs):
        log.log('I', 'caffe.cpp:409', '%10s\tforward: %s ms.' % (s['name'], _ms(fwd[i] * 1000 / max(1, iterations))))
        log.log('I', 'caffe.cpp:412', '%10s\tbackward: %s ms.' % (s['name'], _ms(bwd[i] * 1000 / max(1, iterations))))
    it = max(1, iterations)
    log.log('I', 'caffe.cpp:417', 'Average Forward pass: %s ms.' % _ms(sum(fwd) * 1000 / it))
    log.log('I', 'caffe.cpp:419', 'Average Backward pass: %s ms.' % _ms(sum(bwd) * 1000 / it))
    log.log('I', 'caffe.cpp:421', 'Average Forward-Backward: %s ms.' % _ms(total * 1000 / it * 1.002))
    log.log('I', 'caffe.cpp:423', 'Total Time: %s ms.' % _ms(total * 1000 * 1.002))
    log.log('I', 'caffe.cpp:424', '*** Benchmark ends ***')
    return 0


def test_cmd(flags, log):
    if not flags['weights']:
        log.fatal('caffe.cpp:269', 'Check failed: FLAGS_weights.size() > 0 (0 vs. 0) Need model weights to score.')
    iterations = int(flags['iterations'])
    net = _setup(flags, log, 'TEST', 275, 284)
    log.log('I', 'caffe.cpp:290', 'Running for %d iterations.' % iterations)
    outputs = pynet._outputs(net.specs)
    shapes = dict((t, s) for sp in net.specs for t, s in zip(sp['tops'], sp['shapes'] + [None] * len(sp['tops'])))
    for it in range(iterations):
        net.run_net_overhead()
        for i in range(len(net.specs)):
            net.run(i)
        net.board.flush()
        for o in outputs:
            count = 1
            for d in shapes.get(o) or [1]:
                count *= int(d)
            for _ in range(count):
                log.log('I', 'caffe.cpp:313', 'Batch %d, %s = 0' % (it, o))
    log.log('I', 'caffe.cpp:318', 'Loss: 0')
    for o in outputs:
        log.log('I', 'caffe.cpp:330', '%s = 0' % o)
    return 0
