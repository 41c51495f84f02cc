#!/usr/bin/env python3
"""Accuracy and wall time of a board agent on an emulated board, against the emulator's hidden truth.

Runs on the host (not a test: it takes minutes; the mocha wrapper only runs test_*.py). Usage:

  python3 test/board-py/accuracy_check.py --net ../shared/corpus/prototxt/squeezenet_v1.0.prototxt \
      [--agent client/board/agent/energy_lens_agent.py] [--scale 0.2] [--seed 5] [--json out.json]

Agent arguments are the default campaign's (`--cpu --repetitions 3 --min-loop 2`, idle 2 s) with the
loop and idle times multiplied by the time scale, and `--settle-windows 3` (the emulated sensor publishes
up to ~0.6 window late). Errors are binned by the layer's board time (unscaled): < 0.1 ms, 0.1-1 ms, >= 1 ms.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from boardtest import AGENT_PATH, EMULATOR_DIR, REPO, emulated_env

from elemu import layout, truth  # noqa: E402

BINS = (('< 0.1 ms', 0.0, 0.1), ('0.1-1 ms', 0.1, 1.0), ('>= 1 ms', 1.0, float('inf')))


def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return float('nan')
    k = min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))
    return xs[k]


def run(args):
    root = tempfile.mkdtemp(prefix='el-acc-')
    cli = os.path.join(REPO, 'out', 'cli', 'energy-lens.js')
    layout.create(root, 'jetson-tx1', args.scale, args.seed, analyze='node %s analyze --json' % cli)
    env = emulated_env(root, GLOG_minloglevel='2')
    sensor = subprocess.Popen([sys.executable, os.path.join(EMULATOR_DIR, 'emulate.py'), 'serve', '--root', root],
                              stdout=subprocess.PIPE)
    try:
        sensor.stdout.readline()
        cmd = [sys.executable, args.agent, 'run', '--model', os.path.abspath(args.net), '--cpu',
               '--repetitions', '3', '--min-loop', repr(2.0 * args.scale), '--idle-time', repr(2.0 * args.scale),
               '--settle-windows', '3'] + args.extra
        t0 = time.monotonic()
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=args.timeout)
        wall = time.monotonic() - t0
    finally:
        sensor.terminate()
        sensor.wait()
    events = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode()[-3000:])
        raise SystemExit('agent exit %d' % p.returncode)
    t = truth.truth(root, os.path.abspath(args.net), 'cpu', None)
    return events, t, wall


def report(events, t, wall, scale):
    by_name = dict((l['name'], l) for l in t['layers'])
    layers = [e for e in events if e['event'] == 'layer']
    net_events = [e for e in events if e['event'] == 'net']
    fwd_by_name = dict((x['name'], x) for x in ((net_events[-1].get('in_forward') or {}).get('layers') or [])) \
        if net_events else {}
    out = {'bins': {}, 'wall_s': wall, 'wall_s_at_scale_1_estimate': wall / scale, 'layers': []}
    for label, lo, hi in BINS:
        errs, fwd = [], []
        for l in layers:
            tr = by_name[l['name']]
            if lo <= tr['board_time_ms'] < hi:
                errs.append(abs(l['energy_mj'] - tr['energy_mj']) / tr['energy_mj'])
                f = fwd_by_name.get(l['name']) or {}
                if f.get('energy_mj') is not None and tr.get('in_forward_energy_mj'):
                    fwd.append(abs(f['energy_mj'] - tr['in_forward_energy_mj']) / tr['in_forward_energy_mj'])
        out['bins'][label] = {'n': len(errs), 'median_pct': 100 * pct(errs, 0.5), 'p90_pct': 100 * pct(errs, 0.9),
                              'max_pct': 100 * max(errs) if errs else None,
                              'in_forward_p90_pct': 100 * pct(fwd, 0.9) if fwd else None}
    for l in layers:
        tr = by_name[l['name']]
        out['layers'].append([l['name'], l['type'], round(tr['board_time_ms'], 4),
                              round(100 * (l['energy_mj'] - tr['energy_mj']) / tr['energy_mj'], 1)])
    net = [e for e in events if e['event'] == 'net']
    if net:
        n = net[-1]
        out['net_err_pct'] = 100 * (n['energy_mj'] - t['net']['energy_mj']) / t['net']['energy_mj']
        out['sum_isolated_vs_net_pct'] = n.get('residual_pct')
        f = n.get('in_forward') or {}
        out['sum_in_forward_vs_net_pct'] = f.get('residual_pct')
    return out


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--net', required=True)
    p.add_argument('--agent', default=AGENT_PATH)
    p.add_argument('--scale', type=float, default=0.2)
    p.add_argument('--seed', type=int, default=5)
    p.add_argument('--timeout', type=float, default=3600)
    p.add_argument('--json')
    p.add_argument('extra', nargs='*', help='more agent arguments (after --)')
    args = p.parse_args(argv)
    events, t, wall = run(args)
    out = report(events, t, wall, args.scale)
    out.update({'net': os.path.basename(args.net), 'agent': args.agent, 'scale': args.scale, 'seed': args.seed})
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'summary': out, 'events': events, 'truth': t}, f)
    for label, b in out['bins'].items():
        print('%-9s n=%-3d median %5.1f %%  p90 %5.1f %%  max %5.1f %%  in-forward p90 %s' % (
            label, b['n'], b['median_pct'], b['p90_pct'], b['max_pct'] or float('nan'),
            '-' if b['in_forward_p90_pct'] is None else '%.1f %%' % b['in_forward_p90_pct']))
    print('whole net %.2f %%, sum of isolated layers vs net %s %%, sum of in-forward layers vs net %s %%' % (
        out.get('net_err_pct', float('nan')), out.get('sum_isolated_vs_net_pct'), out.get('sum_in_forward_vs_net_pct')))
    print('wall %.1f s at scale %g (~%.0f s at scale 1)' % (wall, args.scale, wall / args.scale))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
