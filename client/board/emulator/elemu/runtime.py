"""Executes emulated work on the emulated board: the cost model's expected time, scaled and made noisy,
occupied on the activity timeline (so the sensor sees its power) and in wall-clock time.
"""
import os
import random
import time

from . import activity, config, cost, power_mode

TIME_JITTER_SIGMA = 0.03   # per call, log-normal with mean 1
RUN_SIGMA = 0.003          # per process (run-to-run), normal with mean 1
JITTER_TABLE = 4093


class EmulatedBoard(object):
    def __init__(self, cfg=None):
        self.cfg = cfg if cfg is not None else config.load_config()
        self.prof = self.cfg['profile']
        self.scale = float(self.cfg['time_scale'])
        self.hidden = cost.HiddenParams(self.cfg['seed'])
        self.rng = random.Random('%s/%d/%f' % (self.cfg['seed'], os.getpid(), time.time()))
        self.writer = activity.ActivityWriter(config.activity_path(self.cfg['root']), config.window_s(self.cfg),
                                              self.rng)
        self.run_factor = 1.0 + self.rng.gauss(0.0, RUN_SIGMA)
        mu = -TIME_JITTER_SIGMA ** 2 / 2.0
        # Per-call jitter from a table walked with random restarts: drawing a log-normal per call would cost
        # the host more than the board time of the shortest calls it emulates.
        self._jitter = [self.scale * self.run_factor * self.rng.lognormvariate(mu, TIME_JITTER_SIGMA)
                        for _ in range(JITTER_TABLE)]
        self._k = 0
        # The power mode this process started in (nvpmodel switches between runs, not during one).
        mode_id = power_mode.current(self.cfg['root'])
        self._hw = dict((m, power_mode.hw_for(self.prof, mode_id, m)) for m in ('cpu', 'gpu'))

    def hw(self, mode):
        return self._hw['gpu' if mode == 'gpu' else 'cpu']

    def scaled_duration(self, seconds):
        """A call's noisy duration in this board's (scaled) wall time."""
        k = self._k + 1
        if k >= JITTER_TABLE:
            k = self.rng.randrange(JITTER_TABLE)
        self._k = k
        return seconds * self._jitter[k]

    def execute(self, seconds, comps):
        """Occupy the board for an expected `seconds` (unscaled) at dynamic power `comps`.

        Returns the scaled duration actually emulated.
        """
        d = self.scaled_duration(seconds)
        self.writer.run(d, comps)
        return d

    def flush(self):
        self.writer.flush()

    def sync(self):
        self.writer.sync()

    def anchor(self):
        self.writer.anchor()
