// energyLens.targets: defaults, every rejected entry explained, and the agent arguments they give.
import { strict as assert } from 'assert';
import {
  newTargetEntry,
  parseHostAnswer,
  parseTarget,
  parseTargets,
  toBoardTarget,
  type TargetConfig,
} from '../../../client/src/board/targets';
import { measurementArgs, runArgs, skipListNeedsFile } from '../../../client/src/campaigns/agent-args';
import { pythonArgv } from '../../../client/src/campaigns/board-session';

function target(raw: Record<string, unknown>): TargetConfig {
  const t = parseTarget(raw);
  if (typeof t === 'string') throw new Error(t);
  return t;
}

describe('campaign targets (energyLens.targets)', () => {
  it('fills the defaults: cpu, python3, 3 repetitions of at least 2 s, whole-net check', () => {
    const t = target({ name: 'tx1', host: 'tx1.local', kind: 'jetson-tx1' });
    assert.deepEqual(
      [t.device, t.gpuDevice, t.python, t.repetitions, t.minLoopSeconds, t.netCheck, t.threads, t.idleSeconds, t.env],
      ['cpu', 0, 'python3', 3, 2, true, undefined, undefined, {}],
    );
    assert.deepEqual(toBoardTarget(target({ name: 'b', host: 'h', port: 2222, user: 'ubuntu', identityFile: '~/.ssh/id' })), {
      name: 'b',
      host: 'h',
      port: 2222,
      user: 'ubuntu',
      identityFile: '~/.ssh/id',
      proxyJump: undefined,
    });
    assert.equal(target({ name: 'b', host: 'h' }).kind, 'generic-linux');
    // The agent's progress timeout: unset means the runner's default; whole seconds from 1.
    assert.equal(t.progressTimeoutSeconds, undefined);
    assert.equal(target({ name: 'b', host: 'h', progressTimeoutSeconds: 60 }).progressTimeoutSeconds, 60);
    assert.equal(
      parseTarget({ name: 'b', host: 'h', progressTimeoutSeconds: 0 }),
      '"b": "progressTimeoutSeconds" must be an integer from 1',
    );
  });

  it('leaves out bad entries and says which and why; names must be unique', () => {
    const { targets, problems } = parseTargets([
      { name: 'ok', host: 'a' },
      { host: 'b' },
      { name: 'x', host: 'c', kind: 'raspberry' },
      { name: 'y', host: 'd', port: 70000 },
      { name: 'z', host: 'e', env: { 'BAD-NAME': '1' } },
      { name: 'w', host: 'f', device: 'npu' },
      { name: 'ok', host: 'g' },
      'tx1',
    ]);
    assert.deepEqual(
      targets.map((t) => t.name),
      ['ok'],
    );
    assert.deepEqual(problems, [
      'energyLens.targets[1]: "name" is missing',
      'energyLens.targets[2]: "x": "kind" must be one of jetson-tx1, jetson-tx2, jetson-nano, jetson-xavier, jetson-orin, generic-linux',
      'energyLens.targets[3]: "y": "port" must be an integer from 1 to 65535',
      'energyLens.targets[4]: "z": "env" has an invalid variable name "BAD-NAME"',
      'energyLens.targets[5]: "w": "device" must be "cpu" or "gpu"',
      'energyLens.targets[6]: a second target named "ok" (names must be unique): left out',
      'energyLens.targets[7]: must be an object',
    ]);
    assert.deepEqual(parseTargets({ name: 'x' }).problems, ['energyLens.targets must be a list of boards']);
    assert.deepEqual(parseTargets(undefined), { targets: [], problems: [] });
  });

  it('agent arguments follow the target: device, threads, repetitions, loop and idle time, resume skip list', () => {
    const cpu = target({ name: 't', host: 'h', threads: 1, repetitions: 5, minLoopSeconds: 2.5, idleSeconds: 3 });
    assert.deepEqual(measurementArgs(cpu), ['--cpu', '--threads', '1', '--repetitions', '5', '--min-loop', '2.5', '--idle-time', '3']);
    const gpu = target({ name: 'g', host: 'h', device: 'gpu', gpuDevice: 1, netCheck: false });
    assert.deepEqual(
      runArgs({ target: gpu, remoteModel: '/home/u/net.prototxt', remoteWeights: '/home/u/w.caffemodel', skip: ['conv1', 'relu1'] }),
      [
        'run',
        '--model',
        '/home/u/net.prototxt',
        '--weights',
        '/home/u/w.caffemodel',
        '--gpu',
        '1',
        '--repetitions',
        '3',
        '--min-loop',
        '2',
        '--skip-layers-json',
        '["conv1","relu1"]',
        '--no-net-check',
      ],
    );
    // A name with a comma survives; a list too long for one argument goes through a file on the board.
    const comma = runArgs({ target: cpu, remoteModel: 'm', skip: ['inception_3a/1x1,relu', 'b'] });
    assert.deepEqual(JSON.parse(comma[comma.indexOf('--skip-layers-json') + 1]), ['inception_3a/1x1,relu', 'b']);
    const many = Array.from({ length: 5000 }, (_, k) => `layer_${k}_with_a_long_name`);
    assert.equal(skipListNeedsFile(many), true);
    assert.equal(skipListNeedsFile(['a']), false);
    const viaFile = runArgs({ target: cpu, remoteModel: 'm', skip: many, skipFile: '/home/u/skip.json' });
    assert.deepEqual(viaFile.slice(viaFile.indexOf('--skip-layers-file'), viaFile.indexOf('--skip-layers-file') + 2), [
      '--skip-layers-file',
      '/home/u/skip.json',
    ]);
    assert.ok(!viaFile.includes('--skip-layers-json'));
    assert.deepEqual(runArgs({ target: cpu, remoteModel: 'm', netCheck: false }).slice(-1), ['--no-net-check']);
    // The analysed batch goes to the agent, which reshapes the inputs (a deploy file may say dim: 10).
    const withBatch = runArgs({ target: cpu, remoteModel: 'm', batch: 1 });
    assert.deepEqual(withBatch.slice(withBatch.indexOf('--batch'), withBatch.indexOf('--batch') + 2), ['--batch', '1']);
    // A power mode goes to the agent, which switches to it and back.
    assert.deepEqual(measurementArgs(target({ name: 'p', host: 'h', powerMode: 2 })).slice(-2), ['--power-mode', '2']);
    assert.ok(!measurementArgs(cpu).includes('--power-mode'), 'no mode set: measured as the board is');
    assert.match(String(parseTarget({ name: 'p', host: 'h', powerMode: -1 })), /"powerMode" must be an integer from 0 to 99/);
    assert.deepEqual(pythonArgv(' /usr/bin/python3.5  -u '), ['/usr/bin/python3.5', '-u']);
    assert.deepEqual(pythonArgv(''), ['python3']);
  });

  it('the add-a-board walk-through reads host answers and writes a minimal entry', () => {
    assert.deepEqual(parseHostAnswer('ubuntu@192.168.1.42:2222'), { user: 'ubuntu', host: '192.168.1.42', port: 2222 });
    assert.deepEqual(parseHostAnswer(' tx1 '), { user: undefined, host: 'tx1', port: undefined });
    assert.deepEqual(parseHostAnswer('[fe80::1]:22'), { user: undefined, host: 'fe80::1', port: 22 });
    assert.match(parseHostAnswer('two words') as string, /Type a host name/);
    assert.match(parseHostAnswer('h:99999') as string, /port must be from 1 to 65535/);
    const entry = newTargetEntry({ name: 'tx1', host: 'tx1.local', user: 'ubuntu', port: 22, kind: 'jetson-tx1' });
    assert.deepEqual(entry, { name: 'tx1', host: 'tx1.local', user: 'ubuntu', kind: 'jetson-tx1', device: 'cpu', threads: 1 });
    assert.equal(target(entry).threads, 1);
  });
});
