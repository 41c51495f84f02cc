"""glog lines as Caffe prints them (BOARD-FORMATS.md 1.1): `I0312 15:29:30.427956  2367 caffe.cpp:406] ...`.

The year appears only with glog >= 0.6 (the board config's `glog_year`); the tid is right-aligned in 5.
"""
import os
import sys
import threading
import time


def _tid():
    get = getattr(threading, 'get_native_id', None)
    return get() if get else os.getpid()


def prefix(level, where, year=False):
    t = time.time()
    lt = time.localtime(t)
    date = ('%04d' % lt.tm_year if year else '') + '%02d%02d' % (lt.tm_mon, lt.tm_mday)
    return '%s%s %02d:%02d:%02d.%06d %5d %s] ' % (level, date, lt.tm_hour, lt.tm_min, lt.tm_sec,
                                                   int((t % 1.0) * 1e6), _tid(), where)


class Logger(object):
    """Writes glog lines to stderr, honouring GLOG_minloglevel as glog does (0 INFO .. 3 FATAL)."""
    LEVELS = 'IWEF'

    def __init__(self, year=False, stream=None):
        self.year = year
        self.stream = stream or sys.stderr
        try:
            self.min_level = int(os.environ.get('GLOG_minloglevel', '0'))
        except ValueError:
            self.min_level = 0

    def log(self, level, where, message):
        if self.LEVELS.index(level) >= self.min_level or level == 'F':
            self.stream.write(prefix(level, where, self.year) + message + '\n')
            self.stream.flush()

    def raw(self, text):
        """Continuation lines without a prefix (the DebugString of the net parameters)."""
        if self.min_level <= 0:
            self.stream.write(text if text.endswith('\n') else text + '\n')
            self.stream.flush()

    def other(self, text):
        """A line another library writes to stderr itself (libprotobuf's `[libprotobuf ERROR ...]`), whatever
        GLOG_minloglevel says."""
        self.stream.write(text + '\n')
        self.stream.flush()

    def fatal(self, where, message=None):
        """glog FATAL: the message (None: already logged), the stack-trace banner, then abort (SIGABRT, exit
        status 134 in a shell)."""
        if message is not None:
            self.log('F', where, message)
        self.stream.write('*** Check failure stack trace: ***\n')
        self.stream.flush()
        os.abort()
