"""The emulated `nvpmodel` command: `-q [--verbose]` prints the mode as L4T's does, `-m ID` switches.

Like the real tool, switching needs root (the agent uses `sudo -n` where it is not root); on a board
without power modes (the TX1's L4T 28) there is no status file and the tool says so.
"""
import os
import sys

from . import config, power_mode

USAGE = 'usage: nvpmodel [-q [--verbose]] [-m MODE_ID]\n'


def main(argv):
    try:
        cfg = config.load_config()
    except config.NotEmulated as e:
        sys.stderr.write('nvpmodel (emulated): %s\n' % e)
        return 1
    root, prof = cfg['root'], cfg['profile']
    table = power_mode.modes(prof)
    mode = power_mode.current(root)
    if mode is None or not table:
        sys.stderr.write('NVPM ERROR: failed to read /var/lib/nvpmodel/status: no power modes on this board\n')
        return 1
    if argv[:1] == ['-q']:
        if '--verbose' in argv:
            for mode_id in sorted(table):
                sys.stdout.write('NVPM VERB: POWER_MODEL: ID=%d NAME=%s\n' % (mode_id, table[mode_id][0]))
        sys.stdout.write('NV Power Mode: %s\n%d\n' % (table.get(mode, ('?',))[0], mode))
        return 0
    if len(argv) == 2 and argv[0] == '-m':
        if not argv[1].isdigit() or int(argv[1]) not in table:
            sys.stderr.write('NVPM ERROR: Invalid power mode %s\n' % argv[1])
            return 1
        if hasattr(os, 'geteuid') and os.geteuid() != 0:
            sys.stderr.write('NVPM ERROR: failed to set power mode: Permission denied (run as root)\n')
            return 1
        power_mode.switch(root, prof, int(argv[1]))
        return 0
    sys.stderr.write(USAGE)
    return 1
