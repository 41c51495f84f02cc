"""Measurement fidelity of the agent, piece by piece: sensor-period calibration on a loaded board, the
harness and restore subtraction, robust idle, retries of a layer that gave no value."""
import math
import random
import unittest

from boardtest import load_agent

agent = load_agent()


def sensor_readings(window, seconds, repeat_share, seed, starved=None, poll=0.001):
    """What a 1 ms sampler reads from a sensor that publishes every `window` s, some values equal to the
    previous one (quantisation); during `starved` = (t0, t1, gap) the sampler only gets to read every
    `gap` s (a loaded board)."""
    rng = random.Random(seed)
    updates = []
    value = 1000.0
    k = 1
    while k * window < seconds:
        if rng.random() >= repeat_share:
            value += rng.choice((-8.0, 8.0, 16.0))
        updates.append((k * window, value))
        k += 1
    samples, j, current = [], 0, 1000.0
    t = 0.0
    while t < seconds:
        while j < len(updates) and updates[j][0] <= t:
            current = updates[j][1]
            j += 1
        samples.append((t, [current]))
        t += starved[2] if starved and starved[0] <= t < starved[1] else poll
    return samples


class WindowCalibration(unittest.TestCase):
    def test_a_starved_stretch_fools_one_estimate_not_the_median(self):
        # 21 ms window; for a third of the calibration the sampler reads every 55 ms only
        for seed in range(5):
            samples = sensor_readings(0.021, 2.4, 0.3, seed, starved=(0.8, 1.6, 0.055))
            single = agent.estimate_window([x for x in samples if 0.8 <= x[0] < 1.6], 0, 0.001)
            self.assertGreater(abs(single / 0.021 - 1), 0.3, 'the starved stretch alone reads %r' % single)
            w, ests = agent.robust_window(samples, 0, 0.001, 3)
            self.assertEqual(len(ests), 3)
            self.assertAlmostEqual(w, 0.021, delta=0.021 * 0.03)
            self.assertGreater(max(ests), 0.03)  # the bad block shows in the spread the records keep

    def test_a_clean_sensor_is_measured_exactly(self):
        samples = sensor_readings(0.0845, 4.0, 0.4, 3)
        w, ests = agent.robust_window(samples, 0, 0.001, 3)
        self.assertAlmostEqual(w, 0.0845, delta=0.002)
        self.assertEqual(agent.robust_window(samples[:200], 0, 0.001, 3), (None, []))


class FakeTrace(object):
    """mean_power over a span: a fixed power, or NaN for spans listed in `empty`."""

    def __init__(self, power_mw, empty=0):
        self.power_mw = power_mw
        self.empty = empty

    def mean_power(self, t0, t1, settle):
        if self.empty:
            self.empty -= 1
            return {'power_mw': float('nan'), 'samples': 0, 'settled': False}
        return {'power_mw': self.power_mw, 'samples': 40, 'settled': True}


class FakeSampler(object):
    def drop_before(self, t):
        pass


class Args(object):
    settle_windows = 2.0


def fake_run(power_mw, idle_mw=2000.0, harness=None):
    run = agent.Run.__new__(agent.Run)
    run.args = Args()
    run.trace = FakeTrace(power_mw)
    run.sampler = FakeSampler()
    run.window = 0.4
    run.idle = idle_mw
    run.harness = harness
    return run


class HarnessAndRestore(unittest.TestCase):
    def test_harness_and_restores_are_subtracted_per_call(self):
        # 10000 calls in 1 s at 3000 mW: 100 us and 0.3 mJ per call, of which the harness is 20 us at
        # 2500 mW (0.05 mJ) and 100 restores of 50 us at 2800 mW (0.14 mJ each).
        run = fake_run(3000.0, harness={'time_s': 20e-6, 'energy_mj': 0.05})
        restore = {'time_ms': 0.05, 'energy_mj': 0.14}
        r = run.rep_result(0.0, 1.0, 10000, 1.0, restores=100, restore=restore)
        t = 100e-6 - 100 * 50e-6 / 10000 - 20e-6
        e = 0.3 - 100 * 0.14 / 10000 - 0.05
        self.assertAlmostEqual(r['time_ms'], t * 1000, places=9)
        self.assertAlmostEqual(r['energy_mj'], e, places=9)
        self.assertAlmostEqual(r['power_mw'], e / t, places=6)
        self.assertAlmostEqual(r['dynamic_energy_mj'], e - 2000.0 * t, places=9)
        self.assertAlmostEqual(r['raw_energy_mj'], 0.3, places=9)
        self.assertNotIn('below_resolution', r)

    def test_uncorrected_loops_are_the_calibration_itself(self):
        run = fake_run(2500.0, harness={'time_s': 20e-6, 'energy_mj': 0.05})
        r = run.rep_result(0.0, 1.0, 50000, 1.0, corrected=False)
        self.assertAlmostEqual(r['time_ms'], 0.02, places=9)
        self.assertAlmostEqual(r['energy_mj'], 0.05, places=9)
        self.assertNotIn('raw_energy_mj', r)

    def test_a_layer_shorter_than_the_harness_resolves_is_flagged_not_negative(self):
        run = fake_run(2400.0, harness={'time_s': 20e-6, 'energy_mj': 0.05})
        r = run.rep_result(0.0, 1.0, 51000, 1.0)  # 19.6 us per call: below the 20 us harness
        self.assertTrue(r['below_resolution'])
        self.assertEqual((r['time_ms'], r['energy_mj']), (0.0, 0.0))
        self.assertEqual(r['power_mw'], 2400.0)
        self.assertTrue(agent.Run.aggregate([r])['below_resolution'])

    def test_below_resolution_zeroes_time_and_energy_together(self):
        # Time resolved (25 us > 20 us harness) but energy not (2000 mW x 25 us = 0.05 mJ - 0.05 mJ <= 0),
        # and the other way round: either way the repetition reads 0 and 0, never energy without time.
        for power, calls, harness in ((1999.0, 40000, {'time_s': 20e-6, 'energy_mj': 0.05}),
                                      (9000.0, 51000, {'time_s': 20e-6, 'energy_mj': 0.01})):
            run = fake_run(power, harness=harness)
            r = run.rep_result(0.0, 1.0, calls, 1.0)
            self.assertTrue(r['below_resolution'])
            self.assertEqual((r['time_ms'], r['energy_mj']), (0.0, 0.0))

    def test_medians_over_repetitions_never_pair_energy_with_zero_time(self):
        run = fake_run(9000.0, harness={'time_s': 20e-6, 'energy_mj': 0.01})
        reps = [run.rep_result(0.0, 1.0, 51000, 1.0), run.rep_result(0.0, 1.0, 51000, 1.0),
                run.rep_result(0.0, 1.0, 40000, 1.0)]
        agg = agent.Run.aggregate(reps)
        self.assertEqual((agg['time_ms'] > 0, agg['energy_mj'] > 0), (False, False))


class Retries(unittest.TestCase):
    def rep(self, energy):
        return {'time_ms': 1.0, 'power_mw': 3000.0 if energy == energy else energy, 'energy_mj': energy}

    def test_a_layer_without_value_is_measured_again(self):
        tries = []

        def measure(reps):
            tries.append(1)
            reps.append(self.rep(float('nan') if len(tries) == 1 else 3.0))
        reps, n = agent.measure_with_retries(measure, 2, 'fire9/expand3x3')
        self.assertEqual(n, 2)
        self.assertEqual(reps[0]['energy_mj'], 3.0)

    def test_retries_are_bounded(self):
        calls = []

        def measure(reps):
            calls.append(1)
            reps.append(self.rep(float('nan')))
        reps, n = agent.measure_with_retries(measure, 2, 'x')
        self.assertEqual((n, len(calls)), (3, 3))
        self.assertFalse(agent._has_values(reps))

    def test_has_values(self):
        self.assertTrue(agent._has_values([self.rep(1.0)]))
        self.assertFalse(agent._has_values([]))
        self.assertFalse(agent._has_values([self.rep(1.0), {'time_ms': 1.0, 'power_mw': None, 'energy_mj': 1.0}]))


class InForwardEstimator(unittest.TestCase):
    def test_median_follows_the_mean_spread_and_ignores_a_few_interrupted_forwards(self):
        # call-to-call spread of +-3 % around 1.0 (what the whole forward adds up), two of eleven forwards interrupted
        spans = [0.97, 1.03, 0.98, 1.02, 0.975, 1.025, 1.0, 0.99, 1.01, 3.2, 4.1]
        self.assertEqual(agent.IN_FORWARD_QUANTILE, 0.5)
        self.assertAlmostEqual(agent.quantile(spans, agent.IN_FORWARD_QUANTILE), 1.0, delta=0.011)
        # the lower quartile, used before, reads the layer short under the same spread (and the sum of layers with it)
        self.assertLess(agent.quantile(spans, 0.25), 0.99)
        self.assertTrue(math.isnan(agent.quantile([], 0.25)))
        self.assertEqual(agent.quantile([5.0], 0.25), 5.0)


class IdleBrackets(unittest.TestCase):
    def test_a_bracket_without_readings_keeps_the_previous_idle_and_the_campaign_going(self):
        run = fake_run(3000.0, idle_mw=2150.0)
        run.last_bracket = 0.0

        def no_readings():
            raise agent.AgentError(agent.EXIT_INTERNAL, 'no-samples', 'the power sampler returned no readings')
        run.measure_idle = no_readings
        run.bracket()
        self.assertEqual(run.idle, 2150.0)
        self.assertGreater(run.last_bracket, 0.0)

        def broken():
            raise agent.AgentError(agent.EXIT_INTERNAL, 'internal', 'something else')
        run.measure_idle = broken
        with self.assertRaises(agent.AgentError):
            run.bracket()


class IdlePower(unittest.TestCase):
    def test_a_background_spike_does_not_move_the_idle_power(self):
        class Sampler(object):
            def __init__(self, samples):
                self.samples = samples

            def wait_until(self, t, timeout=2.0):
                pass

            def between(self, t0, t1):
                return [s for s in self.samples if t0 <= s[0] <= t1]
        # 2000 mW for 2 s with a 0.3 s spike of +600 mW (a daemon waking up)
        samples = [(i * 0.01, [2000.0 + (600.0 if 1.0 <= i * 0.01 < 1.3 else 0.0)]) for i in range(200)]
        trace = agent.PowerTrace(Sampler(samples), [{'name': 'VDD_IN'}], 'VDD_IN', None, None)
        p = trace.median_power(0.0, 2.0, 0.2, 0.2)
        self.assertEqual(p['power_mw'], 2000.0)
        self.assertGreater(trace.mean_power(0.0, 2.0, 0.2)['power_mw'], 2080.0)
        self.assertTrue(math.isfinite(p['power_mw']))


if __name__ == '__main__':
    unittest.main()
