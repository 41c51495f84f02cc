"""Emulated pycaffe (Energy Lens board emulator): what `import caffe` finds on an emulated board.

It sits on the board's PYTHONPATH the way a real board's PYTHONPATH points at caffe/python.
"""
import os as _os
import sys as _sys

_EMULATOR = _os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))))
if _EMULATOR not in _sys.path:
    _sys.path.append(_EMULATOR)

from elemu.pynet import (TRAIN, TEST, Net, Timer, set_mode_cpu, set_mode_gpu, set_device,  # noqa: E402,F401
                         set_random_seed)

__version__ = '1.0.0'
