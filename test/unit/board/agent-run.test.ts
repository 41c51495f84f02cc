// The agent's `run` outside the happy path: exit codes, the caffe-time fallback, resume, cancellation.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEmulatedBoard, EmulatedBoard, BoardTruth } from '../../../client/src/board/emulator';
import { boardEnv, FIXTURE_ANALYSIS, FIXTURE_NET, only, relErr, runAgent } from './helpers';

const EXIT = { ok: 0, noSensor: 3, noCaffe: 4, badNetwork: 5, cancelled: 6 };
const FAST = ['--min-loop', '0.2', '--repetitions', '1', '--settle-windows', '3', '--min-windows', '3', '--idle-time', '0.2'];

describe('board agent: run outcomes on emulated boards', function () {
  this.timeout(90000);
  let board: EmulatedBoard;
  let truth: BoardTruth;
  const extra: EmulatedBoard[] = [];

  before(async () => {
    board = await createEmulatedBoard({ kind: 'jetson-tx1', timeScale: 0.2, seed: 5, analyzeJson: FIXTURE_ANALYSIS });
    await board.start();
    truth = await board.truth(FIXTURE_NET, { threads: 1 });
  });
  after(async () => {
    await board?.dispose();
    for (const b of extra) await b.dispose();
  });

  it('no sensor: exit 3 with an error event and the hint', async () => {
    const b = await createEmulatedBoard({ kind: 'jetson-tx1-nosensor', timeScale: 0.2, analyzeJson: FIXTURE_ANALYSIS });
    extra.push(b);
    const r = await runAgent(b, ['run', '--model', FIXTURE_NET]);
    assert.equal(r.code, EXIT.noSensor);
    const err = only(r.events, 'error')[0];
    assert.equal(err.code, 'no-sensor');
    assert.match(err.hint as string, /CONFIG_SENSORS_INA3221/);
    const done = r.events[r.events.length - 1];
    assert.deepEqual([done.event, done.status, done.exit_code], ['done', 'error', EXIT.noSensor]);
    assert.doesNotMatch(r.stderr, /Traceback/);
  });

  it('no pycaffe and no caffe binary: exit 4', async () => {
    const env = boardEnv(board, { PYTHONPATH: undefined, PATH: '/usr/bin:/bin' });
    const r = await runAgent(board, ['run', '--model', FIXTURE_NET], { env });
    assert.equal(r.code, EXIT.noCaffe);
    assert.equal(only(r.events, 'error')[0].code, 'no-caffe');
  });

  it("bad network: missing file, or a prototxt Caffe cannot build: exit 5 with Caffe's message", async () => {
    const missing = await runAgent(board, ['run', '--model', '/nonexistent/net.prototxt']);
    assert.equal(missing.code, EXIT.badNetwork);
    assert.match(only(missing.events, 'error')[0].message as string, /not found: \/nonexistent\/net.prototxt/);
    const env = boardEnv(board, {
      ENERGY_LENS_ANALYZE_JSON: undefined,
      ENERGY_LENS_ANALYZE: 'python3 -c "import sys; sys.stderr.write(\'5:7: Expected identifier, got: }\\n\'); sys.exit(1)"',
    });
    const bad = await runAgent(board, ['run', '--model', FIXTURE_NET], { env });
    assert.equal(bad.code, EXIT.badNetwork, bad.stderr);
    const err = only(bad.events, 'error')[0];
    assert.equal(err.code, 'bad-network');
    assert.match(err.message as string, /Failed to parse NetParameter file.*5:7: Expected identifier/);
  });

  it('without pycaffe it falls back to `caffe time` (method caffe-time, Split layers included)', async () => {
    const env = boardEnv(board, { PYTHONPATH: undefined });
    const r = await runAgent(board, ['run', '--model', FIXTURE_NET, '--threads', '1', '--iterations', '60', ...FAST], { env });
    assert.equal(r.code, EXIT.ok, r.stderr.slice(-2000));
    assert.equal(only(r.events, 'start')[0].method, 'caffe-time');
    const layers = only(r.events, 'layer');
    assert.ok(layers.some((l) => l.name === 'conv2_relu2_0_split'));
    assert.ok(layers.every((l) => l.method === 'caffe-time'));
    const conv2 = layers.find((l) => l.name === 'conv2')!;
    const t = truth.layers.find((l) => l.name === 'conv2')!;
    assert.ok(Math.abs(relErr(conv2.time_ms as number, t.time_ms)) < 0.1, `conv2 ${conv2.time_ms} ms vs ${t.time_ms}`);
    assert.ok(typeof conv2.backward_ms === 'number' && (conv2.backward_ms as number) > (conv2.time_ms as number));
    const powers = new Set(layers.map((l) => l.power_mw));
    assert.equal(powers.size, 1, 'one mean power for the whole run: the lower-fidelity method');
    const net = only(r.events, 'net')[0];
    assert.ok(Math.abs(relErr(net.time_ms as number, truth.net.time_ms)) < 0.1);
  });

  it('caffe time measures at --batch: it runs a copy of the net with the batch rewritten, removed afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-batch-'));
    try {
      const model = path.join(dir, 'deploy.prototxt');
      fs.writeFileSync(model, fs.readFileSync(FIXTURE_NET, 'utf8').replace('input_shape { dim: 1 dim: 3', 'input_shape { dim: 10 dim: 3'));
      const seen = path.join(dir, 'seen.txt');
      // The emulated `caffe` builds its net through this command: it records the file it was given.
      const analyze = `python3 -c "import sys,shutil; shutil.copy(sys.argv[-1], '${seen}'); open('${seen}.path','w').write(sys.argv[-1]); sys.stdout.write(open('${FIXTURE_ANALYSIS}').read())"`;
      const env = boardEnv(board, { PYTHONPATH: undefined, ENERGY_LENS_ANALYZE: analyze });
      const r = await runAgent(board, ['run', '--model', model, '--batch', '1', '--threads', '1', '--iterations', '20', ...FAST], { env });
      assert.equal(r.code, EXIT.ok, r.stderr.slice(-2000));
      assert.equal(only(r.events, 'start')[0].method, 'caffe-time');
      assert.match(fs.readFileSync(seen, 'utf8'), /input_shape \{ dim: 1 dim: 3 dim: 96 dim: 96 \}/);
      const ran = fs.readFileSync(`${seen}.path`, 'utf8');
      assert.notEqual(ran, model, 'caffe time ran a rewritten copy');
      assert.equal(fs.existsSync(ran), false, 'the copy is removed after the run');
      assert.match(fs.readFileSync(model, 'utf8'), /dim: 10 dim: 3/, "the user's file is untouched");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resume: --skip-layers leaves out layers already measured', async () => {
    const r = await runAgent(board, [
      'run',
      '--model',
      FIXTURE_NET,
      '--threads',
      '1',
      '--layers',
      'conv1,relu1,fc5',
      '--skip-layers',
      'relu1,nosuch',
      '--no-net-check',
      ...FAST,
    ]);
    assert.equal(r.code, EXIT.ok, r.stderr.slice(-2000));
    const start = only(r.events, 'start')[0];
    assert.deepEqual(start.skipped_layers, ['relu1']);
    assert.deepEqual(start.unknown_layers, ['nosuch']);
    assert.deepEqual(
      only(r.events, 'layer').map((l) => l.name),
      ['conv1', 'fc5'],
    );
    assert.equal(only(r.events, 'net').length, 0);
    assert.deepEqual(r.events[r.events.length - 1].layers_measured, ['conv1', 'fc5']);
  });

  it('SIGTERM mid-run: stops within a second, prints what was measured, exits 6', async () => {
    let sentAt = 0;
    let starts = 0;
    const r = await runAgent(
      board,
      [
        'run',
        '--model',
        FIXTURE_NET,
        '--threads',
        '1',
        '--min-loop',
        '0.6',
        '--repetitions',
        '2',
        '--max-repetitions',
        '2',
        '--settle-windows',
        '3',
        '--idle-time',
        '0.2',
      ],
      {
        onEvent: (e, child) => {
          if (e.event === 'layer-start' && ++starts === 2) {
            // relu1 is in place: its restore-only loop (0.6 s) runs first, so 1.5 s is during its 2nd loop
            setTimeout(() => {
              sentAt = Date.now();
              child.kill('SIGTERM');
            }, 1500);
          }
        },
      },
    );
    assert.ok(sentAt > 0, 'signal was sent');
    assert.equal(r.code, EXIT.cancelled, r.stderr.slice(-2000));
    assert.ok(r.exitedAt - sentAt < 1000, `took ${r.exitedAt - sentAt} ms`);
    const layers = only(r.events, 'layer');
    assert.equal(layers[0].name, 'conv1');
    assert.equal(layers[0].partial, undefined);
    assert.equal(layers[1].name, 'relu1');
    assert.equal(layers[1].partial, true);
    assert.equal((layers[1].repetitions as unknown[]).length, 1);
    const done = r.events[r.events.length - 1];
    assert.deepEqual([done.event, done.status, done.exit_code], ['done', 'cancelled', EXIT.cancelled]);
    assert.deepEqual(done.layers_measured, ['conv1']);
    assert.deepEqual(done.partial_layers, ['relu1']);
  });
});
