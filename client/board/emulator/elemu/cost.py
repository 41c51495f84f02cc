"""The hidden ground truth: how long a layer takes on the emulated board and what power it draws.

Deliberately not the shape any fitting code assumes (never E = a*MACs): time is a roofline of compute
and memory traffic with per-type efficiency that saturates with problem size, a fixed cost per call
and per group, partial overlap of compute and memory, and cache effects (a layer repeated in a loop finds
its weights in L2; inside a full forward they come from DRAM). Power has a static part per active core
and dynamic parts that follow compute and memory utilisation. Per-type efficiencies and a per-layer
idiosyncrasy are drawn from the board's seed. Run-to-run noise is added by the executor, not here:
these are the expected values the tests compare against.
"""
import math
import random
import zlib

ELEMENTWISE_OPS = {
    'ReLU': 1, 'PReLU': 2, 'ELU': 6, 'Sigmoid': 12, 'TanH': 12, 'AbsVal': 1, 'BNLL': 12, 'Power': 4,
    'Exp': 10, 'Log': 10, 'Threshold': 1, 'Scale': 2, 'Bias': 1, 'BatchNorm': 5, 'Eltwise': 1,
    'Dropout': 1, 'LRN': 11, 'Softmax': 18, 'MVN': 6, 'Normalize': 6,
}
SHARE_TYPES = ('Split', 'Flatten', 'Reshape', 'Silence', 'Input', 'Data', 'ImageData', 'MemoryData',
               'HDF5Data', 'DummyData', 'WindowData')
DATA_TYPES = ('Input', 'Data', 'ImageData', 'MemoryData', 'HDF5Data', 'DummyData', 'WindowData')
COPY_TYPES = ('Concat', 'Slice', 'Crop', 'Tile')
GEMM_TYPES = ('Convolution', 'Deconvolution')
# Types whose repeated in-place application drifts values towards denormals (BOARD-FORMATS 1.5).
DRIFTING_TYPES = ('Scale', 'BatchNorm', 'Bias', 'Power', 'PReLU', 'ELU', 'Exp', 'Eltwise', 'MVN')


def _stable_unit(*parts):
    """A deterministic number in [0, 1) from strings (Python's hash() is salted per process)."""
    return (zlib.crc32('\0'.join(str(p) for p in parts).encode()) & 0xffffffff) / 4294967296.0


class HiddenParams(object):
    """Per-board-instance perturbations of the nominal profile, fixed by the seed."""

    def __init__(self, seed):
        self.seed = int(seed)
        self._rng = random.Random(self.seed * 1000003 + 11)
        self._type_eff = {}
        self._type_pow = {}

    def type_eff(self, t):
        if t not in self._type_eff:
            self._type_eff[t] = 0.85 + 0.3 * _stable_unit(self.seed, 'eff', t)
        return self._type_eff[t]

    def type_pow(self, t):
        if t not in self._type_pow:
            self._type_pow[t] = 0.92 + 0.16 * _stable_unit(self.seed, 'pow', t)
        return self._type_pow[t]

    def layer_quirk(self, name):
        return 0.94 + 0.12 * _stable_unit(self.seed, 'quirk', name)


def _f(feats, key, default=0.0):
    v = feats.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else default


def _work(layer):
    """(kind, ops, extra bytes, groups): what the layer computes, in the units of its rate."""
    t, f = layer['type'], layer['features']
    out_el, in_el = _f(f, 'outputElements'), _f(f, 'inputElements')
    if t in GEMM_TYPES:
        kh, kw = _f(f, 'kernelH', 1), _f(f, 'kernelW', 1)
        one_by_one = kh == 1 and kw == 1 and _f(f, 'strideH', 1) == 1 and _f(f, 'padH', 0) == 0
        col = 0.0 if one_by_one else 8.0 * kh * kw * _f(f, 'channelsIn', 1) * _f(f, 'heightOut', 1) * \
            _f(f, 'widthOut', 1)  # im2col buffer written then read
        return 'gemm', _f(f, 'macs'), col, max(1.0, _f(f, 'group', 1))
    if t == 'InnerProduct':
        return 'gemv', _f(f, 'macs'), 0.0, 1.0
    if t == 'Pooling':
        kh, kw = _f(f, 'kernelH', 0), _f(f, 'kernelW', 0)
        area = kh * kw if kh > 0 and kw > 0 else (in_el / out_el if out_el > 0 else 1.0)
        return 'pool', out_el * area, 0.0, 1.0
    if t in SHARE_TYPES:
        return 'share', 0.0, 0.0, 1.0
    if t in COPY_TYPES:
        return 'copy', 0.0, 0.0, 1.0
    return 'elem', max(out_el, in_el) * ELEMENTWISE_OPS.get(t, 4), 0.0, 1.0


def layer_cost(layer, hw, mode, threads, hidden, warm):
    """Expected (seconds, (cpu W, gpu W, ddr W)) of one call of `layer` at full board speed (unscaled).

    `warm`: the previous call was the same layer (a steady-state loop) rather than its predecessor in a
    forward pass.
    """
    kind, ops, extra_bytes, groups = _work(layer)
    f, t = layer['features'], layer['type']
    wbytes = _f(f, 'weightBytes', 4.0 * _f(f, 'params'))
    abytes = _f(f, 'activationBytes', 4.0 * (_f(f, 'inputElements') + _f(f, 'outputElements')))
    if kind == 'share':
        abytes = 0.0
    working = wbytes + abytes + extra_bytes
    l2 = hw['l2_bytes']
    dram = max(0.0, working - 0.75 * l2)
    if not warm:
        dram += min(wbytes, working - dram)  # weights were evicted since the last forward
        if kind != 'share':
            dram += min(abytes * hw.get('cold_activation_share', 0.0), working - dram)
    cached = working - dram
    gpu = mode == 'gpu'
    cores = 1.0 if gpu else float(max(1, min(threads, hw['cores'] if 'cores' in hw else 1)))

    if kind in ('gemm', 'gemv'):
        per_group = ops / groups
        # BLAS efficiency saturates with the per-group problem size (small GEMMs waste their setup)
        eff = math.sqrt(per_group / (per_group + hw['gemm_half_macs'])) if per_group > 0 else 0.0
        rate = hw['gemm_macs_per_s'] * max(eff, 1e-3) * (0.35 if kind == 'gemv' else 1.0)
        par = 1.0 if gpu else cores ** hw.get('thread_exponent', 1.0)
        t_comp = ops / (rate * par) if ops > 0 else 0.0
        active = cores
    elif kind == 'pool':
        t_comp, active = ops / hw['pool_ops_per_s'], 1.0
    elif kind == 'elem':
        t_comp, active = ops / hw['elem_ops_per_s'], 1.0
    else:
        t_comp, active = 0.0, 1.0
    bw_dram = hw['dram_bw'] if gpu or active <= 1 else hw.get('dram_bw_all', hw['dram_bw'])
    t_mem = dram / bw_dram + cached / hw['l2_bw']
    t_body = (max(t_comp, t_mem) + 0.25 * min(t_comp, t_mem)) * hidden.type_eff(t) * hidden.layer_quirk(layer['name'])
    # Caffe's InputLayer::Forward does nothing; Split/Flatten/Reshape only share pointers
    overhead = 0.2e-6 if t in DATA_TYPES else 1.5e-6 if t in SHARE_TYPES else hw['overhead_s']
    if kind == 'gemm':
        overhead += hw['conv_overhead_s'] + hw['group_overhead_s'] * groups
    if not warm and t not in DATA_TYPES:
        overhead += hw.get('cold_call_s', 0.0)
    total = overhead + t_body

    busy = t_body / total if total > 0 else 0.0
    u_c = min(1.0, t_comp / t_body) if t_body > 0 else 0.0
    u_m = min(1.0, t_mem / t_body) if t_body > 0 else 0.0
    pw = hidden.type_pow(t)
    ddr_rate = dram / total if total > 0 else 0.0
    ddr = hw['p_ddr'] * min(1.0, ddr_rate / hw.get('dram_bw_all', hw['dram_bw']))
    if gpu:
        g = (hw['p_base'] + busy * (hw['p_comp'] * u_c + hw['p_mem'] * u_m)) * pw
        return total, (hw['p_feed'], g, ddr)
    c = active * (hw['p_base'] + busy * (hw['p_comp'] * u_c + hw['p_mem'] * u_m)) * pw
    return total, (c, 0.0, ddr)


def net_overhead(hw, mode):
    """Cost of one Net::Forward beyond its layers (unscaled s, comps W): loop and binding overhead."""
    return hw['net_overhead_s'], ((hw['p_feed'], hw['p_base'] * 0.5, 0.0) if mode == 'gpu'
                                  else (hw['p_base'], 0.0, 0.0))


# The emulated interpreter is the host's real one, which a time scale cannot speed up: a scaled call into
# pycaffe never takes less than this much wall time (else the host, not the board, would set the pace).
HARNESS_MIN_WALL_S = 10e-6


def harness_cost(hw, scale=1.0):
    """One call from Python into pycaffe (`net._forward`, `net.forward`): interpreter and binding time on one
    core. Real on a board, never part of a layer (unscaled s, comps W)."""
    sec = hw.get('harness_call_s', 0.0)
    if sec > 0:
        sec = max(sec, HARNESS_MIN_WALL_S / scale)
    return sec, (hw.get('harness_cpu_w', hw.get('p_base', 0.0)), 0.0, 0.0)


def combined(a, b):
    """Two costs run back to back as one: (total s, time-weighted mean comps)."""
    sa, ca = a
    sb, cb = b
    total = sa + sb
    if total <= 0:
        return b
    return total, tuple((sa * x + sb * y) / total for x, y in zip(ca, cb))


def callback_cost(hw):
    """One before/after_forward callback (C++ into Python and back), half before its timestamp, half after."""
    return hw.get('callback_s', 0.0) / 2.0, (hw.get('harness_cpu_w', hw.get('p_base', 0.0)), 0.0, 0.0)


def copy_cost(nbytes, hw):
    """A host memcpy of a blob (restoring an in-place layer's input)."""
    t = 2e-6 + 2.0 * nbytes / hw['dram_bw']
    return t, (hw['p_base'] + hw['p_mem'], 0.0, hw['p_ddr'] * 0.6)


DENORMAL_SLOWDOWN = 2.5
DENORMAL_AFTER_CALLS = 200
