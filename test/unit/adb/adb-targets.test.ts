// energyLens.targets entries of kind "adb": parsed with clear messages, and left alone by the SSH parser.
import * as assert from 'assert';
import { parseAdbTargets } from '../../../client/src/board/adb-targets';
import { parseTargets } from '../../../client/src/board/targets';

describe('adb targets in energyLens.targets', () => {
  const setting = [
    { name: 'tx1', host: 'tx1.local', kind: 'jetson-tx1' },
    { name: 'phone', kind: 'adb', host: '192.168.1.50:5555', probeCommand: 'arm-probe --csv', probeColumns: { time: 't', power: 'P' } },
    { name: 'usb-phone', kind: 'adb', host: 'ZX1G22ABCD', powerSource: 'fuel-gauge', steadySeconds: 5 },
    { name: 'bad', kind: 'adb', host: 'x:1' },
    { name: 'bad2', kind: 'adb', host: 'x:1', powerSource: 'monsoon', probeCommand: 'c' },
  ];

  it('reads serials, host:port and power sources', () => {
    const r = parseAdbTargets(setting);
    assert.deepStrictEqual(
      r.targets.map((t) => [t.name, t.serial, t.power.kind, t.steadySeconds]),
      [
        ['phone', '192.168.1.50:5555', 'external-probe', 3],
        ['usb-phone', 'ZX1G22ABCD', 'fuel-gauge', 5],
      ],
    );
    assert.deepStrictEqual(r.targets[0].power, { kind: 'external-probe', command: 'arm-probe --csv', columns: { time: 't', power: 'P' } });
    assert.deepStrictEqual(r.problems, [
      'energyLens.targets[3]: "bad": "probeCommand" is missing: the host command that prints the probe\'s CSV samples (or set "powerSource": "fuel-gauge")',
      'energyLens.targets[4]: "bad2": "powerSource" must be "external-probe" or "fuel-gauge"',
    ]);
  });

  it('the SSH parser keeps its boards and does not complain about phones', () => {
    const r = parseTargets(setting);
    assert.deepStrictEqual(
      r.targets.map((t) => t.name),
      ['tx1'],
    );
    assert.deepStrictEqual(r.problems, []);
  });
});
