// `energy-lens fit` on campaign records: three corpus networks measured by `profile --emulated`
// (a real emulated TX1 at 20x speed), then fitted leave-one-network-out. The per-network table is
// checked against the records on disk (measured whole net / time scale) and the paper's definition;
// the accuracy function itself against a case worked by hand; mixing platforms and unknown scales
// is refused with the reason.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fit } from '../../../server/src/cli/fit';
import { profile } from '../../../server/src/cli/profile';
import { networkAccuracy } from '../../../server/src/energy/fit/network-accuracy';
import { readCampaignFile } from '../../../server/src/measurements';
import { loadModelFile } from '../../../server/src/energy/load-model';
import { BUILTIN_MODELS } from '../../../server/src/energy/builtin';
import { predictLatency, PredictionCache } from '../../../server/src/energy/predict';
import { analyzeText } from '../../../server/src/net';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { ANALYZE_COMMAND, tempDir } from '../campaigns/helpers';

const NETS = ['lenet', 'cifar10_quick', 'cifar10_full'];

function capture(cwd: string) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd } };
}

describe("network-level accuracy (the paper's): all layers against the measured whole net", () => {
  it('counts unmodelled layers as nothing and names them; measured is the whole net, not the modelled rows', () => {
    const dataset = {
      features: ['macs'],
      target: 'energy_mJ',
      rows: [
        { values: [100], target: 10, type: 'Convolution', group: 'A' },
        { values: [0], target: 2, type: 'ReLU', group: 'A' },
        { values: [200], target: 20, type: 'Convolution', group: 'B' },
      ],
    };
    const a = networkAccuracy(
      dataset,
      [9, NaN, 22],
      [
        { network: 'A', measured_mJ: 12, measuredFrom: 'whole-net record' },
        { network: 'B', measured_mJ: 20, measuredFrom: 'sum of measured layers' },
      ],
    )!;
    assert.deepEqual(
      a.networks.map((n) => [n.network, n.predicted_mJ, n.accuracyPct, n.unmodelledTypes, n.unmodelled_mJ]),
      [
        ['A', 9, 75, ['ReLU'], 2],
        ['B', 22, 90, [], 0],
      ],
    );
    assert.equal(a.meanAccuracyPct, 82.5);
  });
});

describe('energy-lens fit RECORDS: campaign records from profile --emulated', function () {
  this.timeout(180000);
  let cwd: string;
  const saved = process.env.ENERGY_LENS_ANALYZE;
  before(async () => {
    cwd = tempDir('fit-records');
    for (const n of NETS) fs.copyFileSync(path.join(CORPUS_PROTOTXT, `${n}.prototxt`), path.join(cwd, `${n}.prototxt`));
    process.env.ENERGY_LENS_ANALYZE = ANALYZE_COMMAND;
    const { out, io } = capture(cwd);
    const code = await profile(
      [
        ...NETS.map((n) => `${n}.prototxt`),
        '--emulated',
        'tx1',
        '--time-scale',
        '0.05',
        '--repetitions',
        '1',
        '--min-loop',
        '0.2',
        '--idle-time',
        '0.2',
      ],
      io,
    );
    assert.equal(code, 0, out.stderr);
  });
  after(() => {
    if (saved === undefined) delete process.env.ENERGY_LENS_ANALYZE;
    else process.env.ENERGY_LENS_ANALYZE = saved;
    if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('fits leave-one-network-out and prints the per-network table and its mean, in text and --json, in real-board units', async () => {
    const folder = path.join(cwd, '.energy-lens', 'measurements');
    const text = capture(cwd);
    assert.equal(await fit(['.energy-lens/measurements/', '--method', 'ols'], text.io), 0, text.out.stderr);
    assert.match(
      text.out.stdout,
      /3 campaign\(s\) on jetson-tx1\/caffe-openblas\/cpu\/1t; 3 emulated \(time scale 0\.05\), energies rescaled to real-board units/,
    );
    assert.match(text.out.stdout, /validation: leave-one-network-out/);
    assert.match(text.out.stdout, /ReLU: fitted on activationBytes \(energy per byte read and written\)/);
    assert.match(text.out.stdout, /mean network accuracy over 3 held-out networks: \d+\.\d %/);

    const json = capture(cwd);
    assert.equal(await fit([folder, '--method', 'ols', '--json'], json.io), 0, json.out.stderr);
    const report = JSON.parse(json.out.stdout) as {
      records: {
        platform: string;
        networkAccuracy: {
          networks: Array<{
            network: string;
            measured_mJ: number;
            predicted_mJ: number;
            accuracyPct: number;
            unmodelledTypes: string[];
            measuredFrom: string;
          }>;
          meanAccuracyPct: number;
        };
      };
      models: Array<{ cv: { networkAccuracy: number } }>;
    };
    const acc = report.records.networkAccuracy;
    assert.equal(report.records.platform, 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.equal(acc.networks.length, 3);
    for (const file of fs.readdirSync(folder)) {
      const read = readCampaignFile(path.join(folder, file));
      const row = acc.networks.find((n) => n.network === read.campaign!.network.name)!;
      assert.ok(row, `a row for ${read.campaign!.network.name}`);
      assert.equal(row.measuredFrom, 'whole-net record');
      assert.ok(Math.abs(row.measured_mJ - read.net!.energy_mJ / 0.05) < 1e-9 * row.measured_mJ, 'measured whole net in real-board units');
      assert.ok(row.predicted_mJ > 0);
      assert.ok(Math.abs(row.accuracyPct - (100 - (100 * Math.abs(row.predicted_mJ - row.measured_mJ)) / row.measured_mJ)) < 1e-9);
      // With `macs` as the features, pooling and ReLU (0 MACs) are fitted on their activation bytes, not left out.
      assert.ok(!row.unmodelledTypes.includes('Pooling') && !row.unmodelledTypes.includes('ReLU'), `counted: ${row.unmodelledTypes}`);
      assert.ok(text.out.stdout.includes(row.network), 'the text table lists the network');
    }
    const mean = acc.networks.reduce((s, n) => s + n.accuracyPct, 0) / 3;
    assert.ok(Math.abs(acc.meanAccuracyPct - mean) < 1e-9);
    assert.ok(Math.abs(report.models[0].cv.networkAccuracy - mean) < 1e-9, 'the comparison table uses the same metric');
    assert.ok(text.out.stdout.includes(`${mean.toFixed(1)} %`));
  });

  it('leaves out an emulated campaign of unknown time scale with the reason, refuses mixed platforms and records mixed with CSV', async () => {
    const folder = path.join(cwd, '.energy-lens', 'measurements');
    const files = fs.readdirSync(folder).map((n) => path.join(folder, n));
    const other = tempDir('fit-mixed');
    try {
      const rewrite = (file: string, change: (h: Record<string, unknown>) => void): string => {
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        const h = JSON.parse(lines[0]) as Record<string, unknown>;
        change(h);
        lines[0] = JSON.stringify(h);
        const dest = path.join(other, path.basename(file));
        fs.writeFileSync(dest, lines.join('\n'));
        return dest;
      };
      const unknown = rewrite(files[0], (h) => delete h.emulator);
      const noScale = capture(cwd);
      assert.equal(await fit([unknown, files[1], files[2], '--method', 'ols'], noScale.io), 0, noScale.out.stderr);
      assert.match(noScale.out.stderr, /skipped: measured on an emulated board whose time scale was not recorded/);
      assert.match(noScale.out.stdout, /2 campaign\(s\)/);

      const tx2 = rewrite(
        files[1],
        (h) => (h.platform = { ...(h.platform as object), id: 'jetson-tx2/caffe-openblas/cpu/1t', board: 'jetson-tx2' }),
      );
      const mixed = capture(cwd);
      assert.equal(await fit([files[0], tx2, '--method', 'ols'], mixed.io), 2);
      assert.match(
        mixed.out.stderr,
        /2 platforms \(jetson-tx1\/caffe-openblas\/cpu\/1t, jetson-tx2\/caffe-openblas\/cpu\/1t\).*give --platform ID/,
      );

      // A second board (same platform) that measured one of the networks: a row per network and board.
      const boardB = rewrite(files[0], (h) => (h.target = { ...(h.target as object), name: 'tx1-b' }));
      const two = capture(cwd);
      assert.equal(await fit([...files, boardB, '--method', 'ols', '--json'], two.io), 0, two.out.stderr);
      const rows = (
        JSON.parse(two.out.stdout) as {
          records: {
            notes: string[];
            networkAccuracy: { networks: Array<{ network: string; target: string; predicted_mJ: number; measured_mJ: number }> };
          };
        }
      ).records;
      assert.match(rows.notes[0], /4 campaign\(s\) on jetson-tx1\/caffe-openblas\/cpu\/1t from 2 boards \(emulated-tx1, tx1-b\)/);
      assert.equal(rows.networkAccuracy.networks.length, 4);
      const b = rows.networkAccuracy.networks.find((n) => n.target === 'tx1-b')!;
      const same = rows.networkAccuracy.networks.filter((n) => n.network === b.network);
      // The copy on board b is the same measurement: same figures, each campaign counted once.
      assert.equal(same.length, 2);
      assert.equal(same[0].predicted_mJ, same[1].predicted_mJ);
      assert.equal(same[0].measured_mJ, same[1].measured_mJ);
      const twoText = capture(cwd);
      assert.equal(await fit([...files, boardB, '--method', 'ols'], twoText.io), 0);
      assert.match(twoText.out.stdout, / on tx1-b /);
      assert.match(twoText.out.stdout, /over 4 held-out network-board pairs/);

      const csv = capture(cwd);
      assert.equal(await fit([folder, path.join(other, 'x.csv')], csv.io), 2);
      assert.match(csv.out.stderr, /either campaign records .* or CSV tables, not both/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('--quantity latency fits time per layer call from the records and adds it to the built-in energy model', async () => {
    const folder = path.join(cwd, '.energy-lens', 'measurements');
    const json = capture(cwd);
    assert.equal(await fit([folder, '--quantity', 'latency', '--method', 'relative', '--json'], json.io), 0, json.out.stderr);
    const report = JSON.parse(json.out.stdout) as { rows: number; records: { networkAccuracy: unknown } };
    // Every timed layer of every campaign is a row (below-resolution ones are no measurement).
    const reads = fs.readdirSync(folder).map((n) => readCampaignFile(path.join(folder, n)));
    const timed = reads.flatMap((r) => r.layers.filter((l) => l.time_ms > 0 && !l.calibration?.belowResolution));
    assert.equal(report.rows, timed.length);
    assert.equal(report.records.networkAccuracy, null, 'the whole-net energy accuracy is not a latency figure');

    const text = capture(cwd);
    const out = path.join('models', 'tx1-latency.json');
    assert.equal(await fit([folder, '--quantity', 'latency', '--method', 'relative', '--out', out], text.io), 0, text.out.stderr);
    assert.match(text.out.stdout, /of measured latency \(ms per layer call\)/);
    assert.match(text.out.stdout, /Convolution: t = /, 'latency formulas read t = …');
    assert.match(text.out.stderr, /latency sub-models added to the built-in jetson-tx1\/caffe-openblas\/cpu\/1t energy model/);
    const loaded = loadModelFile(path.join(cwd, out));
    assert.ok('model' in loaded, 'error' in loaded ? loaded.error : '');
    const builtin = BUILTIN_MODELS.find((b) => b.model.platform.id === 'jetson-tx1/caffe-openblas/cpu/1t')!.model;
    assert.deepEqual(loaded.model.subModels, builtin.subModels, 'the energy sub-models are the built-in ones');
    assert.equal(loaded.model.formatVersion, 3);
    assert.ok(loaded.model.latency!.subModels.Convolution, 'a convolution latency sub-model');
    // The saved latency predicts the measured conv layers of the records within reason (emulated, rescaled).
    const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), 'utf8'));
    const latency = predictLatency(net.layers, loaded.model, { cache: new PredictionCache() })!;
    const lenet = reads.find((r) => r.campaign!.network.path.endsWith('lenet.prototxt'))!;
    const scale = lenet.campaign!.emulator!.timeScale!;
    for (const l of latency.layers.filter((x) => x.type === 'Convolution')) {
      const measured = lenet.layers.find((m) => m.name === l.name)!.time_ms / scale;
      assert.equal(l.status, 'predicted', `${l.name}: ${l.message}`);
      assert.ok(
        l.predicted_ms! > measured / 3 && l.predicted_ms! < measured * 3,
        `${l.name}: ${l.predicted_ms} ms vs ${measured} ms measured`,
      );
    }
    // Written again over its own output: the file's energy sub-models are kept, the latency replaced.
    assert.equal(await fit([folder, '--quantity', 'latency', '--method', 'ols', '--out', out], capture(cwd).io), 0);
    const again = loadModelFile(path.join(cwd, out));
    assert.ok('model' in again && again.model.latency!.subModels.Convolution.provenance.method === 'ols');
  });
});
