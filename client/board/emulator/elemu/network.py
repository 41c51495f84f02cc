"""The layers Caffe would build for a prototxt, from the project's own analysis CLI.

The analysis JSON (`energy-lens analyze --json <prototxt>`) lists layers in file order without Split
layers; this module adds what Caffe adds at Net construction: an `Input` layer named "input" for
`input:` fields (upgrade_proto's UpgradeNetInput) and Split layers where a blob feeds several layers
(insert_splits.cpp), named `<blob>_<producer>_<idx>_split` with tops `..._split_<k>`.
"""
import hashlib
import json
import os
import re
import shlex
import subprocess

from . import config

ANALYZE_ENV = 'ENERGY_LENS_ANALYZE'
ANALYZE_JSON_ENV = 'ENERGY_LENS_ANALYZE_JSON'
DATA_TYPES = ('Input', 'Data', 'ImageData', 'MemoryData', 'HDF5Data', 'DummyData', 'WindowData')


class AnalysisError(Exception):
    """The network cannot be built (Caffe would abort with this message). `location`: (line, column, message)
    of a text-format error, 1-based as libprotobuf prints it, when the file does not parse."""

    def __init__(self, message, location=None):
        Exception.__init__(self, message)
        self.location = location


# The analysis CLI's problems on stderr: `<file>:<line>:<column>: error: <message>`
_PROBLEM_RE = re.compile(r'^.*?:(\d+):(\d+): error: (.*?)(?: \[[a-z-]+\])?$')


def _first_error_location(text):
    for line in text.splitlines():
        m = _PROBLEM_RE.match(line.strip())
        if m:
            return int(m.group(1)), int(m.group(2)), m.group(3)
    return None


def analysis_source(cfg):
    """('json', path) or ('cmd', command) saying where layer lists come from, environment first."""
    if os.environ.get(ANALYZE_JSON_ENV):
        return 'json', os.environ[ANALYZE_JSON_ENV]
    if os.environ.get(ANALYZE_ENV):
        return 'cmd', os.environ[ANALYZE_ENV]
    if cfg.get('analyze_json'):
        return 'json', cfg['analyze_json']
    if cfg.get('analyze'):
        return 'cmd', cfg['analyze']
    raise AnalysisError('no network analysis configured: set %s (e.g. "node out/cli/energy-lens.js analyze '
                        '--json") or %s=<file>' % (ANALYZE_ENV, ANALYZE_JSON_ENV))


def analyze(prototxt, cfg):
    """The analysis JSON of `prototxt` (cached per prototxt text and command in the board's state)."""
    if not os.path.isfile(prototxt):
        raise AnalysisError('Could not open file %s' % prototxt)
    kind, src = analysis_source(cfg)
    if kind == 'json':
        try:
            with open(src) as f:
                return _checked(json.load(f), prototxt)
        except (OSError, ValueError) as e:
            raise AnalysisError('cannot read analysis JSON %s: %s' % (src, e))
    with open(prototxt, 'rb') as f:
        key = hashlib.sha1(f.read() + b'\0' + src.encode()).hexdigest()
    cache = os.path.join(config.state_dir(cfg['root']), 'cache', key + '.json')
    if os.path.isfile(cache):
        with open(cache) as f:
            return json.load(f)
    try:
        proc = subprocess.run(shlex.split(src) + [prototxt], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AnalysisError('analysis command %r failed: %s' % (src, e))
    if proc.returncode != 0:
        msg = proc.stderr.decode('utf-8', 'replace').strip() or proc.stdout.decode('utf-8', 'replace').strip()
        raise AnalysisError('Failed to parse NetParameter file: %s (%s)' % (
            prototxt, msg.splitlines()[-1] if msg else 'analysis exit code %d' % proc.returncode),
            _first_error_location(proc.stderr.decode('utf-8', 'replace')))
    try:
        data = _checked(json.loads(proc.stdout.decode('utf-8')), prototxt)
    except ValueError as e:
        raise AnalysisError('analysis output is not JSON: %s' % e)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + '.tmp', 'w') as f:
        json.dump(data, f)
    os.replace(cache + '.tmp', cache)
    return data


def _checked(data, prototxt):
    if not isinstance(data, dict) or not isinstance(data.get('layers'), list):
        raise AnalysisError('analysis of %s has no layer list' % prototxt)
    errors = [p for p in data.get('problems') or [] if isinstance(p, dict) and p.get('severity') == 'error']
    if errors:
        raise AnalysisError('Failed to parse NetParameter file: %s (%s)' % (prototxt, errors[0].get('message')))
    if not data['layers']:
        raise AnalysisError('network %s has no layers' % prototxt)
    return data


def _count(shape):
    if not shape:
        return None
    n = 1
    for d in shape:
        n *= int(d)
    return n


def build_layers(analysis):
    """Caffe's layer list: dicts with name, type, bottoms, tops, shapes (per top), features, is_split."""
    raw = []
    any_split = False
    for l in analysis['layers']:
        feats = dict(l.get('features') or {})
        for k in ('macs', 'params', 'inputElements', 'outputElements', 'weightBytes', 'activationBytes',
                  'kernelH', 'kernelW', 'strideH', 'strideW', 'group', 'channelsIn', 'channelsOut'):
            if k not in feats and l.get(k) is not None:
                feats[k] = l[k]
        any_split = any_split or bool(l.get('isSplit'))
        raw.append({'name': l['name'], 'type': l['type'], 'bottoms': list(l.get('bottoms') or []),
                    'tops': list(l.get('tops') or []), 'shapes': list(l.get('outputShapes') or []),
                    'features': feats, 'is_split': bool(l.get('isSplit'))})
    inputs = [(i['name'], i.get('shape')) for i in analysis.get('inputs') or []]
    produced = set(t for l in raw for t in l['tops'])
    missing = [(n, s) for n, s in inputs if n not in produced]
    if missing:
        raw.insert(0, {'name': 'input', 'type': 'Input', 'bottoms': [], 'tops': [n for n, _ in missing],
                       'shapes': [s for _, s in missing], 'features': {}, 'is_split': False})
    layers = raw if any_split else insert_splits(raw)
    shapes = {}
    for l in layers:
        for t, s in zip(l['tops'], l['shapes'] + [None] * len(l['tops'])):
            shapes[t] = s
    for l in layers:
        f = l['features']
        if f.get('outputElements') is None:
            f['outputElements'] = sum(_count(shapes.get(t)) or 0 for t in l['tops'])
        if f.get('inputElements') is None:
            f['inputElements'] = sum(_count(shapes.get(b)) or 0 for b in l['bottoms'])
        l['in_place'] = any(b in l['tops'] for b in l['bottoms'])
    return layers


def split_layer_name(layer, blob, idx):
    return '%s_%s_%d_split' % (blob, layer, idx)


def split_blob_name(layer, blob, idx, k):
    return '%s_%s_%d_split_%d' % (blob, layer, idx, k)


def insert_splits(layers):
    """insert_splits.cpp: a Split layer after each top that several bottoms read, consumers renamed."""
    last_top = {}
    source = {}
    count = {}
    for i, l in enumerate(layers):
        for j, b in enumerate(l['bottoms']):
            if b not in last_top:
                raise AnalysisError('Unknown bottom blob \'%s\' (layer \'%s\', bottom index %d)' % (b, l['name'], j))
            source[(i, j)] = last_top[b]
            count[last_top[b]] = count.get(last_top[b], 0) + 1
        for j, t in enumerate(l['tops']):
            last_top[t] = (i, j)
    out = []
    used = {}
    for i, l in enumerate(layers):
        new = dict(l, bottoms=list(l['bottoms']))
        for j, b in enumerate(l['bottoms']):
            src = source[(i, j)]
            if count.get(src, 0) > 1:
                k = used.get(src, 0)
                used[src] = k + 1
                new['bottoms'][j] = split_blob_name(layers[src[0]]['name'], b, src[1], k)
        out.append(new)
        for j, t in enumerate(l['tops']):
            n = count.get((i, j), 0)
            if n > 1:
                shape = l['shapes'][j] if j < len(l['shapes']) else None
                out.append({'name': split_layer_name(l['name'], t, j), 'type': 'Split', 'bottoms': [t],
                            'tops': [split_blob_name(l['name'], t, j, k) for k in range(n)],
                            'shapes': [shape] * n, 'features': {}, 'is_split': True})
    return out


def load(prototxt, cfg):
    """(network name, layers) for a prototxt on the board `cfg`; AnalysisError if Caffe could not build it."""
    analysis = analyze(prototxt, cfg)
    return analysis.get('network') or analysis.get('name') or '', build_layers(analysis)
