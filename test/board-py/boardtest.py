"""Shared helpers of the board Python tests (run by test/unit/board/python.test.ts, or `python3 -m unittest`)."""
import importlib.util
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
AGENT_PATH = os.path.join(REPO, 'client', 'board', 'agent', 'energy_lens_agent.py')
EMULATOR_DIR = os.path.join(REPO, 'client', 'board', 'emulator')
FIXTURES = os.path.join(REPO, 'test', 'unit', 'board', 'fixtures')
FIXTURE_NET = os.path.join(FIXTURES, 'board_fixture_net.prototxt')
FIXTURE_ANALYSIS = os.path.join(FIXTURES, 'board_fixture_net.analysis.json')
SHARED = os.environ.get('ENERGY_LENS_SHARED') or os.path.abspath(os.path.join(REPO, '..', 'shared'))
BOARD_FORMATS = os.path.join(SHARED, 'docs', 'BOARD-FORMATS.md')

if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)


def load_agent():
    spec = importlib.util.spec_from_file_location('energy_lens_agent', AGENT_PATH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def emulated_env(root, **extra):
    env = dict(os.environ)
    env.update({'ENERGY_LENS_BOARD_ROOT': root, 'PYTHONPATH': os.path.join(EMULATOR_DIR, 'pycaffe'),
                'PATH': os.path.join(EMULATOR_DIR, 'bin') + os.pathsep + env.get('PATH', '')})
    env.update(extra)
    return env
