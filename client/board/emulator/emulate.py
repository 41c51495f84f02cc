#!/usr/bin/env python3
"""Emulated Jetson boards for Energy Lens tests and the demo.

  emulate.py create --kind jetson-tx1|jetson-tx1-nosensor|jetson-tx2|jetson-orin --root DIR
                    [--time-scale S] [--seed N] [--analyze CMD | --analyze-json FILE] [--glog-year]
  emulate.py serve --root DIR          run the INA3221 sensor until SIGTERM/SIGINT (prints "ready")
  emulate.py truth --root DIR --model X.prototxt [--mode cpu|gpu] [--threads N]   (tests only)
  emulate.py env --root DIR            the environment a login on the board needs (KEY=VALUE lines)

A login on the board is any process with ENERGY_LENS_BOARD_ROOT=DIR, PYTHONPATH=<this dir>/pycaffe
(the emulated pycaffe) and <this dir>/bin first on PATH (the emulated `caffe` command).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from elemu import config, layout, network, profiles, sensor, truth  # noqa: E402


def board_env(root):
    return {
        config.ROOT_ENV: os.path.abspath(root),
        'PYTHONPATH': os.path.join(HERE, 'pycaffe'),
        'PATH': os.path.join(HERE, 'bin') + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'),
    }


def main(argv):
    p = argparse.ArgumentParser(prog='emulate.py', description='Emulated Jetson boards')
    sub = p.add_subparsers(dest='cmd')
    c = sub.add_parser('create')
    c.add_argument('--kind', required=True, choices=profiles.KINDS)
    c.add_argument('--root', required=True)
    c.add_argument('--time-scale', type=float, default=1.0)
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--analyze', help='analysis command (the prototxt path is appended)')
    c.add_argument('--analyze-json', help='fixed analysis JSON file (tests)')
    c.add_argument('--glog-year', action='store_true', help='emulate glog >= 0.6 (year in the prefix)')
    s = sub.add_parser('serve')
    s.add_argument('--root', required=True)
    t = sub.add_parser('truth')
    t.add_argument('--root', required=True)
    t.add_argument('--model', required=True)
    t.add_argument('--mode', choices=('cpu', 'gpu'), default='cpu')
    t.add_argument('--threads', type=int)
    e = sub.add_parser('env')
    e.add_argument('--root', required=True)
    args = p.parse_args(argv)
    try:
        if args.cmd == 'create':
            root = layout.create(args.root, args.kind, args.time_scale, args.seed, args.analyze,
                                 os.path.abspath(args.analyze_json) if args.analyze_json else None, args.glog_year)
            print(json.dumps({'root': root, 'kind': args.kind, 'env': board_env(root)}))
            return 0
        if args.cmd == 'serve':
            return sensor.serve(args.root)
        if args.cmd == 'truth':
            print(json.dumps(truth.truth(args.root, os.path.abspath(args.model), args.mode, args.threads)))
            return 0
        if args.cmd == 'env':
            for k, v in sorted(board_env(args.root).items()):
                print('%s=%s' % (k, v))
            return 0
    except (ValueError, config.NotEmulated, network.AnalysisError, sensor.AlreadyServed) as err:
        sys.stderr.write('emulate.py %s: %s\n' % (args.cmd, err))
        return 1
    p.print_help(sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
