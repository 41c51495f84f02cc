// The built-in models are fitted, not typed: re-running the fit in-process reproduces the committed
// JSON byte for byte, and the fitted models behave sensibly on real nets. Needs ../shared (skipped without).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_DIR, fitBuiltinModels } from '../../../scripts/fit-builtin-models';
import { BUILTIN_MODELS } from '../../../server/src/energy/builtin';
import { predictLatency, predictNet, PredictionCache } from '../../../server/src/energy/predict';
import { analyzeText } from '../../../server/src/net';
import { MEMORY_TRAFFIC_SUBMODEL } from '../../../server/src/energy/layer-kinds';
import { DATA_LAYER_TYPES, LOSS_LAYER_TYPES } from '../../../server/src/net/layer-types';
import { CORPUS_PROTOTXT, DATA, SHARED } from '../shared-paths';

const haveShared = fs.existsSync(path.join(DATA, 'tx2_gpu_conv_sweep.csv'));

describe('energy: built-in models (real data)', function () {
  before(function () {
    if (!haveShared) this.skip();
  });

  let fitted: ReturnType<typeof fitBuiltinModels>;
  before(function () {
    if (!haveShared) return;
    fitted = fitBuiltinModels(SHARED);
  });

  it('re-fits every committed built-in byte for byte', () => {
    const committed = fs
      .readdirSync(BUILTIN_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(fitted.files.map((f) => f.name).sort(), committed);
    for (const f of fitted.files) {
      assert.equal(
        fs.readFileSync(path.join(BUILTIN_DIR, f.name), 'utf8'),
        f.text,
        `${f.name} is stale: run npx tsx scripts/fit-builtin-models.ts`,
      );
    }
  });

  it('keeps the raw data out of the model files (names, hashes and counts only)', () => {
    const sweep = fs.readFileSync(path.join(DATA, 'tx2_cpu_conv_sweep.csv'), 'utf8').split('\n');
    const someRow = sweep[1234].split(',');
    for (const f of fitted.files) {
      assert.ok(f.text.length < 20_000, `${f.name} is ${f.text.length} bytes`);
      assert.ok(!f.text.includes(someRow[8]), `${f.name} contains a measured energy value`);
    }
    const tx2 = fitted.files.find((f) => f.model.platform.id === 'jetson-tx2/pytorch/cpu')!;
    const data = tx2.model.subModels.Convolution.provenance.data![0];
    assert.equal(data.file, 'shared/data/tx2_cpu_conv_sweep.csv');
    assert.equal(data.rows, 5000);
    assert.match(data.sha256!, /^[0-9a-f]{64}$/);
  });

  it('fits TX1 CPU conv with zero intercept on SqueezeNet and reproduces its per-layer total', () => {
    const tx1 = BUILTIN_MODELS.find((b) => b.model.platform.id === 'jetson-tx1/caffe-openblas/cpu/1t')!.model;
    assert.equal(tx1.subModels.Convolution.intercept, 0);
    assert.deepEqual(tx1.subModels.Convolution.features, ['macs']);
    const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'squeezenet_v1.0.prototxt'), 'utf8'));
    const p = predictNet(net.layers, tx1, { cache: new PredictionCache() });
    const readoff = fs
      .readFileSync(path.join(DATA, 'squeezenet_tx1_cpu_layer_energy_readoff.csv'), 'utf8')
      .split('\n')
      .filter((l) => /^[a-z]/.test(l) && !l.startsWith('layer,'));
    const measured = new Map(
      readoff.map((l) => {
        const [name, , e] = l.split(',');
        return [name, Number(e)] as [string, number];
      }),
    );
    const measuredTotal = [...measured.values()].reduce((s, e) => s + e, 0);
    const predictedSame = p.layers.filter((l) => measured.has(l.name)).reduce((s, l) => s + l.predicted_mJ!, 0);
    assert.ok(Math.abs(predictedSame - measuredTotal) / measuredTotal < 0.1, `${predictedSame} vs ${measuredTotal}`);
    assert.ok(p.total.low_mJ < measuredTotal && measuredTotal < p.total.high_mJ, 'the 90 % interval covers the measured total');
    assert.deepEqual(p.notModelledTypes, [], 'every layer that does work is counted');
    const memory = p.byType.find((t) => t.subModel === MEMORY_TRAFFIC_SUBMODEL)!;
    assert.deepEqual([...memory.layerTypes].sort(), ['Concat', 'ReLU', 'Softmax']);
    assert.ok(memory.share >= 0.01 && memory.share <= 0.02, `memory-bound share ${memory.share}: the published 1-2 %`);
    assert.equal(memory.extrapolated, true);
  });

  it("sizes the TX1 CPU memory traffic from the published share, not from pooling's energy per byte", () => {
    const tx1 = BUILTIN_MODELS.find((b) => b.model.platform.id === 'jetson-tx1/caffe-openblas/cpu/1t')!.model;
    const memory = tx1.subModels[MEMORY_TRAFFIC_SUBMODEL];
    assert.deepEqual(memory.features, ['activationBytes']);
    assert.equal(memory.provenance.family, 'published-figure');
    assert.match(memory.provenance.source!, /others 1-2 %/);
    assert.ok(memory.coefficients[0] < tx1.subModels.Pooling.coefficients[0] / 10, 'far cheaper per byte than pooling');
    assert.match(memory.provenance.why!, /pooling/);
    assert.ok(memory.sigmaLog > tx1.subModels.Convolution.sigmaLog, 'wider than the fitted conv it borrows its scatter from');
  });

  it('counts every layer that does work in every corpus net on every platform (only data, loss and accuracy layers are left out)', () => {
    const leftOut = new Set([...DATA_LAYER_TYPES, ...LOSS_LAYER_TYPES, 'Accuracy']);
    let counted = 0;
    for (const file of fs.readdirSync(CORPUS_PROTOTXT).filter((f) => f.endsWith('.prototxt'))) {
      const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, file), 'utf8'));
      for (const { model } of BUILTIN_MODELS) {
        const p = predictNet(net.layers, model, { cache: new PredictionCache() });
        const unexpected = p.notModelledTypes.filter((t) => !leftOut.has(t));
        assert.deepEqual(unexpected, [], `${file} on ${model.platform.id}`);
        counted += p.layers.filter((l) => l.status === 'predicted' && l.subModel === MEMORY_TRAFFIC_SUBMODEL).length;
      }
    }
    assert.ok(counted > 1000, `${counted} memory-bound layer predictions`);
  });

  it('borrows pooling and memory traffic from the TX1 CPU, scaled by one factor and flagged, where a platform has no such data', () => {
    const tx1 = BUILTIN_MODELS.find((b) => b.model.platform.id === 'jetson-tx1/caffe-openblas/cpu/1t')!.model;
    for (const { model } of BUILTIN_MODELS.filter((b) => b.model !== tx1)) {
      const ratios = ['Pooling', MEMORY_TRAFFIC_SUBMODEL].map((key) => {
        const sub = model.subModels[key];
        assert.ok(sub, `${model.platform.id} has ${key}`);
        assert.equal(sub.extrapolated, true);
        assert.equal(sub.provenance.family, 'copied');
        assert.match(sub.provenance.method, /jetson-tx1\/caffe-openblas\/cpu\/1t/);
        assert.ok(sub.sigmaLog > tx1.subModels[key].sigmaLog, `${model.platform.id} ${key}: wider than the source`);
        return sub.coefficients[0] / tx1.subModels[key].coefficients[0];
      });
      assert.ok(Math.abs(ratios[0] / ratios[1] - 1) < 1e-4, `${model.platform.id}: one scale factor (${ratios.join(', ')})`);
    }
  });

  it('predicts AlexNet FC layers on every platform, flagged as extrapolated', () => {
    const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), 'utf8'));
    for (const { model } of BUILTIN_MODELS) {
      const p = predictNet(net.layers, model, { cache: new PredictionCache() });
      const fc = p.layers.filter((l) => l.type === 'InnerProduct');
      assert.equal(fc.length, 3);
      for (const l of fc) {
        assert.equal(l.status, 'predicted', `${model.platform.id} ${l.name}: ${l.message}`);
        assert.equal(l.extrapolated, true);
      }
    }
  });

  it("gives extrapolated sub-models a wider interval than the fitted one they copy, sized from the sweeps' FC-like rows", () => {
    for (const { model } of BUILTIN_MODELS) {
      const fc = model.subModels.InnerProduct;
      const conv = model.subModels.Convolution;
      assert.ok(fc.extrapolated);
      assert.ok(fc.sigmaLog > conv.sigmaLog * 1.5, `${model.platform.id}: FC σ ${fc.sigmaLog} vs conv σ ${conv.sigmaLog}`);
      assert.match(fc.provenance.spreadFrom, /1×1 output: FC layers in effect/);
      assert.equal(fc.domain, undefined, 'a copy has no training domain of its own');
    }
  });

  it("splits the TX1 GPU's published 150 mJ for SqueezeNet as on the TX1 CPU, so the net still totals 150 mJ", () => {
    const gpu = BUILTIN_MODELS.find((b) => b.model.platform.id === 'jetson-tx1/caffe-cudnn/gpu')!.model;
    const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'squeezenet_v1.0.prototxt'), 'utf8'));
    const p = predictNet(net.layers, gpu, { cache: new PredictionCache() });
    assert.ok(Math.abs(p.total.predicted_mJ - 150) < 0.01, String(p.total.predicted_mJ));
    assert.equal(gpu.platform.calibration, 'coarse');
    assert.match(gpu.subModels.Convolution.provenance.source!, /SyNERGY/);
  });
  it("predicts TX2 conv latency whose mean power E/t lies within the sweep's measured rail power", () => {
    const net = analyzeText(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), 'utf8'));
    for (const device of ['gpu', 'cpu']) {
      const rows = fs
        .readFileSync(path.join(DATA, `tx2_${device}_conv_sweep.csv`), 'utf8')
        .split('\n')
        .filter((l) => /^\d/.test(l));
      const watts = rows.map((l) => Number(l.split(',')[7]));
      const [lo, hi] = [Math.min(...watts), Math.max(...watts)];
      const tx2 = BUILTIN_MODELS.find((b) => b.model.platform.id.startsWith('jetson-tx2') && b.model.platform.device === device)!.model;
      const energy = predictNet(net.layers, tx2, { cache: new PredictionCache() });
      const latency = predictLatency(net.layers, tx2, { cache: new PredictionCache() })!;
      const convs = latency.layers.filter((l) => l.type === 'Convolution');
      assert.equal(convs.length, 5);
      for (const l of convs) {
        assert.equal(l.status, 'predicted', `${device} ${l.name}: ${l.message}`);
        const watt = energy.layers[l.index].predicted_mJ! / l.predicted_ms!;
        assert.ok(watt >= lo * 0.8 && watt <= hi * 1.2, `${device} ${l.name}: ${watt} W outside the sweep's ${lo}-${hi} W`);
      }
    }
  });
});
