"""The ground truth of a network on an emulated board, for tests only (the agent never sees it).

Per layer: expected time of one call in a steady-state loop (warm caches), the mean power of the total
rail (and every rail) while it runs, and its energy (the rails' idle, their static power, is that of the
board's power mode, as the sensor's: `idle_rails_mw`); `in_forward_*`: the same inside a full forward (cold
caches: these add up, with the Net's own overhead, to the whole net). The harness's cost (the Python call
into pycaffe, callbacks) is no layer's and is in neither. For the whole net: one full forward (layers in
sequence, cold weights, plus the Net's own overhead). Times and energies are in the board's scaled time
(what a measurement on the emulated board sees); `board_*` fields are the unscaled physics.
"""
from . import config, cost, network, power_mode, profiles


def _power(prof, comps, idles):
    d = {'cpu': comps[0], 'gpu': comps[1], 'ddr': comps[2]}
    rails = dict((r[0], profiles.rail_power_mw(r, d, idles[r[0]])) for _, _, r in profiles.rails(prof)
                 if r[0] != 'NC')
    return profiles.total_power_mw(prof, d, idles), rails


def truth(root, prototxt, mode='cpu', threads=None):
    cfg = config.load_config(root)
    prof = cfg['profile']
    scale = float(cfg['time_scale'])
    mode_id = power_mode.current(cfg['root'])
    hw = power_mode.hw_for(prof, mode_id, mode)
    if mode == 'gpu':
        threads = 1
    elif not threads:
        threads = hw['cores']
    threads = max(1, min(int(threads), hw['cores'])) if mode != 'gpu' else 1
    hidden = cost.HiddenParams(cfg['seed'])
    name, specs = network.load(prototxt, cfg)
    idles = power_mode.rail_idle_mw(prof, mode_id)  # the rails at rest in this mode (static power)
    idle = profiles.idle_total_mw(prof, idles)
    layers = []
    net_s, net_mj = 0.0, 0.0
    for i, s in enumerate(specs):
        sec, comps = cost.layer_cost(s, hw, mode, threads, hidden, True)
        p, rails = _power(prof, comps, idles)
        t = sec * scale
        layers.append({
            'index': i, 'name': s['name'], 'type': s['type'], 'in_place': s['in_place'],
            'time_ms': t * 1000.0, 'board_time_ms': sec * 1000.0, 'power_mw': p, 'rails_mw': rails,
            'energy_mj': p * t, 'dynamic_energy_mj': (p - idle) * t, 'board_energy_mj': p * sec,
        })
        csec, ccomps = cost.layer_cost(s, hw, mode, threads, hidden, False)
        cp = _power(prof, ccomps, idles)[0]
        layers[-1].update({'in_forward_time_ms': csec * scale * 1000.0, 'in_forward_power_mw': cp,
                           'in_forward_energy_mj': cp * csec * scale,
                           'in_forward_dynamic_energy_mj': (cp - idle) * csec * scale})
        net_s += csec
        net_mj += cp * csec
    osec, ocomps = cost.net_overhead(hw, mode)
    net_s += osec
    net_mj += _power(prof, ocomps, idles)[0] * osec
    return {
        'v': 1, 'network': name, 'kind': cfg['kind'], 'mode': mode, 'power_mode': mode_id,
        'threads': threads, 'time_scale': scale,
        'idle_power_mw': idle, 'idle_rails_mw': dict((k, float(v)) for k, v in idles.items()), 'layers': layers,
        'net': {'time_ms': net_s * scale * 1000.0, 'board_time_ms': net_s * 1000.0,
                'power_mw': net_mj / net_s, 'energy_mj': net_mj * scale,
                'dynamic_energy_mj': (net_mj / net_s - idle) * net_s * scale, 'board_energy_mj': net_mj},
    }
