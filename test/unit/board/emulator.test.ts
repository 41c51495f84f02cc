// The TS handle on an emulated board: create, environment, sensor process start/stop, truth, dispose.
import { strict as assert } from 'assert';
import { execFile, execFileSync } from 'child_process';
import { promisify } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { createEmulatedBoard, emulatorDir } from '../../../client/src/board/emulator';
import { FIXTURE_ANALYSIS, FIXTURE_NET } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('board emulator: TypeScript handle', function () {
  this.timeout(60000);

  it('creates a board, runs its sensor while started, and cleans up', async () => {
    const board = await createEmulatedBoard({ kind: 'jetson-tx1', timeScale: 0.05, seed: 4, analyzeJson: FIXTURE_ANALYSIS });
    try {
      assert.equal(board.env.ENERGY_LENS_BOARD_ROOT, board.root);
      assert.match(board.env.PYTHONPATH, /emulator[/\\]pycaffe$/);
      assert.ok(board.env.PATH.split(path.delimiter)[0].endsWith(path.join('emulator', 'bin')));
      assert.ok(fs.existsSync(board.agentPath));
      const vin = path.join(board.root, 'sys/bus/i2c/devices/1-0040/iio:device0/in_power0_input');
      const read = () => fs.readFileSync(vin, 'utf8');
      await board.start();
      await board.start(); // idempotent
      // a busy loop of the emulated caffe raises VDD_IN within a few (21 ms) windows
      const script =
        'import caffe, sys, time\nn = caffe.Net(sys.argv[1], caffe.TEST)\nt = time.monotonic()\n' +
        'while time.monotonic() - t < 0.6: n._forward(4, 4)\n';
      const seen = new Set<string>();
      const poll = setInterval(() => seen.add(read()), 5);
      await promisify(execFile)('python3', ['-c', script, FIXTURE_NET], { env: { ...process.env, ...board.env, GLOG_minloglevel: '2' } });
      clearInterval(poll);
      const values = [...seen].map((t) => {
        assert.match(t, /^\d+\n$/);
        return Number(t);
      });
      assert.ok(values.length > 5, `only ${values.length} distinct readings`);
      assert.ok(Math.max(...values) > 3300, `VDD_IN never rose: ${Math.max(...values)} mW`);
      await board.stop();
      const frozen = read();
      await sleep(150);
      assert.equal(read(), frozen, 'no updates after stop()');
      const truth = await board.truth(FIXTURE_NET, { threads: 1 });
      assert.equal(truth.kind, 'jetson-tx1');
      assert.equal(truth.time_scale, 0.05);
      const conv2 = truth.layers.find((l) => l.name === 'conv2')!;
      assert.ok(Math.abs(conv2.time_ms / conv2.board_time_ms - 0.05) < 1e-9);
      assert.ok(Math.abs(conv2.energy_mj - (conv2.power_mw * conv2.time_ms) / 1000) < 1e-9);
    } finally {
      await board.dispose();
    }
    assert.equal(fs.existsSync(board.root), false);
  });

  it('rejects a bad kind or time scale with a clear message', async () => {
    await assert.rejects(createEmulatedBoard({ kind: 'jetson-tx9' as never }), /invalid choice: 'jetson-tx9'/);
    await assert.rejects(createEmulatedBoard({ kind: 'jetson-tx1', timeScale: 0 }), /timeScale must be > 0/);
  });

  it('truth() reports an unbuildable network', async () => {
    const board = await createEmulatedBoard({ kind: 'jetson-tx1', analyzeCommand: 'python3 -c "import sys; sys.exit(1)"' });
    try {
      await assert.rejects(board.truth(FIXTURE_NET), /Failed to parse NetParameter file/);
    } finally {
      await board.dispose();
    }
  });

  it('emulate.py env prints the login environment', () => {
    const out = execFileSync('python3', [path.join(emulatorDir(), 'emulate.py'), 'env', '--root', '/tmp/x']).toString();
    assert.match(out, /^ENERGY_LENS_BOARD_ROOT=\/tmp\/x$/m);
    assert.match(out, /^PYTHONPATH=.*pycaffe$/m);
  });
});
