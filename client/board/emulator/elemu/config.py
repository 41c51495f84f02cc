"""The emulated board's private state: `<root>/.emulator/` (config, activity timeline, analysis cache).

The agent never reads this folder: it only sees the sysfs/procfs/etc files a real board has.
"""
import json
import os

from . import profiles

STATE_DIR = '.emulator'
ROOT_ENV = 'ENERGY_LENS_BOARD_ROOT'


class NotEmulated(Exception):
    pass


def state_dir(root):
    return os.path.join(root, STATE_DIR)


def config_path(root):
    return os.path.join(state_dir(root), 'board.json')


def activity_path(root):
    return os.path.join(state_dir(root), 'activity')


def write_config(root, cfg):
    os.makedirs(state_dir(root), exist_ok=True)
    tmp = config_path(root) + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(cfg, f, indent=2)
    os.replace(tmp, config_path(root))


def load_config(root=None):
    """Config of the board at `root` (default: the board this process runs on, from the environment)."""
    root = root if root is not None else os.environ.get(ROOT_ENV, '')
    if not root:
        raise NotEmulated('%s is not set: this emulated Caffe only runs on an emulated board' % ROOT_ENV)
    try:
        with open(config_path(root)) as f:
            cfg = json.load(f)
    except OSError:
        raise NotEmulated('%s is not an emulated board root (no %s)' % (root, config_path(root)))
    cfg['root'] = os.path.abspath(root)
    cfg['profile'] = profiles.profile(cfg['kind'])
    return cfg


def window_s(cfg):
    """The sensor's averaging window in this board's (scaled) time."""
    return cfg['profile']['window_s'] * cfg['time_scale']
