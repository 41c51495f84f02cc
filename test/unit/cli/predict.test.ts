import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { predict } from '../../../server/src/cli/predict';
import { check } from '../../../server/src/cli/check';
import { platforms } from '../../../server/src/cli/platforms';
import type { CliIo } from '../../../server/src/cli/io';
import { ExitCode } from '../../../server/src/cli/exit-codes';
import { CORPUS_PROTOTXT, CORPUS_CAFFEMODEL } from '../shared-paths';

function capture(cwd = process.cwd()): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

const squeezenet = path.join(CORPUS_PROTOTXT, 'squeezenet_v1.0.prototxt');

describe('cli: energy-lens predict', () => {
  it('--json is the analyze JSON with energy on every layer and the totals, consistent with each other', async () => {
    const io = capture();
    assert.equal(await predict([squeezenet, '--json'], io), 0);
    const json = JSON.parse(io.out);
    assert.equal(json.layers.length, json.layers.filter((l: { name: string }) => !l.name.endsWith('_split')).length);
    const conv1 = json.layers.find((l: { name: string }) => l.name === 'conv1');
    // conv1: 96 x 111 x 111 outputs x (3 x 7 x 7) MACs each (Cout*Hout*Wout*Cin/group*kh*kw).
    assert.equal(conv1.macs, 96 * 111 * 111 * 3 * 7 * 7);
    assert.ok(conv1.energy.low_mJ < conv1.energy.predicted_mJ && conv1.energy.predicted_mJ < conv1.energy.high_mJ);
    const sum = json.layers.reduce((s: number, l: { energy: { predicted_mJ: number | null } }) => s + (l.energy.predicted_mJ ?? 0), 0);
    assert.ok(Math.abs(sum - json.totals.energy.predicted_mJ) < 1e-6 * sum, 'total = sum of layers');
    assert.equal(json.totals.energy.kind, 'predicted');
    assert.deepEqual(json.totals.energy.coveredTypes, ['Concat', 'Convolution', 'Pooling', 'ReLU', 'Softmax']);
    assert.deepEqual(json.totals.energy.notModelledTypes, [], 'every layer that does work is counted');
    const extrapolated = json.totals.energy.byType.filter((t: { extrapolated: boolean }) => t.extrapolated);
    const share = extrapolated.reduce((s: number, t: { share: number }) => s + t.share, 0);
    assert.ok(Math.abs(share - json.totals.energy.extrapolatedShare) < 1e-12 && share > 0, String(share));
    assert.deepEqual(json.totals.energy.extrapolatedTypes, ['Concat', 'ReLU', 'Softmax']);
  });

  it('--budget-mj exits 3 when the prediction exceeds it, 0 when it fits', async () => {
    const total = JSON.parse(
      (
        await (async () => {
          const io = capture();
          await predict([squeezenet, '--json'], io);
          return io;
        })()
      ).out,
    ).totals.energy.predicted_mJ;
    const over = capture();
    assert.equal(await predict([squeezenet, '--budget-mj', String(total * 0.9)], over), ExitCode.overBudget);
    assert.match(over.err, /energy budget exceeded/);
    assert.equal(await predict([squeezenet, '--budget-mj', String(total * 1.1)], capture()), 0);
  });

  it('another platform gives other numbers; an unknown one is a usage error listing the known ones', async () => {
    const a = capture();
    const b = capture();
    await predict([squeezenet, '--json'], a);
    await predict([squeezenet, '--json', '--platform', 'snapdragon-820/caffe2-eigen/cpu'], b);
    assert.notEqual(JSON.parse(a.out).totals.energy.predicted_mJ, JSON.parse(b.out).totals.energy.predicted_mJ);
    const bad = capture();
    assert.equal(await predict([squeezenet, '--platform', 'nope'], bad), 2);
    assert.match(bad.err, /jetson-tx1\/caffe-openblas\/cpu\/1t/);
  });

  it('--csv has a header, one row per layer and a total row', async () => {
    const io = capture();
    await predict([squeezenet, '--csv'], io);
    const rows = io.out.trim().split('\n');
    assert.match(rows[0], /^layer,type,output_shape,macs,params,predicted_mJ/);
    assert.ok(rows[rows.length - 1].startsWith('total,'));
  });

  it('reads a .caffemodel and names the file in errors for bad input', async () => {
    const io = capture();
    assert.equal(await predict([path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.caffemodel'), '--json'], io), 0);
    assert.equal(JSON.parse(io.out).totals.params, 431080);
    const tmp = path.join(os.tmpdir(), `el-bad-${process.pid}.caffemodel`);
    fs.writeFileSync(tmp, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    const bad = capture();
    assert.equal(await predict([tmp], bad), 1);
    assert.match(bad.err, new RegExp(`${path.basename(tmp)}.*at byte`));
    fs.unlinkSync(tmp);
  });
});

describe('cli: energy-lens predict --budget-mj fails closed', () => {
  const allCnn = path.join(CORPUS_PROTOTXT, 'all_cnn_c_trainval.prototxt');
  const tmpNet = (name: string, text: string): string => {
    const file = path.join(os.tmpdir(), `el-budget-${process.pid}-${name}.prototxt`);
    fs.writeFileSync(file, text);
    return file;
  };
  const HEAD = 'name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n';

  it('the exit codes are distinct', () => {
    const codes = Object.values(ExitCode);
    assert.equal(new Set(codes).size, codes.length);
  });

  it('a Data-layer net without an input shape is not fully predicted (exit 4), naming the layers', async () => {
    const io = capture();
    assert.equal(await predict([allCnn, '--budget-mj', '0.001'], io), ExitCode.notFullyPredicted);
    assert.match(io.err, /energy budget not checked: the network is not fully predicted: 19 layer\(s\) without a number: 'conv1'/);
    assert.match(io.err, /missing-input-shape/);
  });

  it('the same net with an input shape is checked against the budget', async () => {
    assert.equal(await predict([allCnn, '--budget-mj', '0.001', '--input-shape', '1,3,32,32'], capture()), ExitCode.overBudget);
    assert.equal(await predict([allCnn, '--budget-mj', '1e9', '--input-shape', '1,3,32,32'], capture()), ExitCode.ok);
  });

  it('without a budget, an incomplete total is noted and the exit stays 0', async () => {
    const io = capture();
    assert.equal(await predict([allCnn], io), ExitCode.ok);
    assert.match(io.err, /note: the total is not complete: 19 layer\(s\)/);
  });

  it('num_output: 1e308 is an error in the file (exit 1) reported with its position, budget or not', async () => {
    const file = tmpNet(
      'huge',
      `${HEAD}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 1e308 kernel_size: 3 } }\n`,
    );
    const io = capture();
    assert.equal(await predict([file, '--budget-mj', '1e30'], io), ExitCode.errorsInFile);
    assert.match(io.err, /:4:\d+: error: `num_output` takes a non-negative integer/);
    assert.match(io.err, /blob-too-large/);
    assert.match(io.err, /energy budget not checked: 2 error\(s\) in the file/);
    assert.equal(await predict([file], capture()), ExitCode.errorsInFile);
    fs.unlinkSync(file);
  });

  it('a schema error (unknown field) fails the gate even when the total fits', async () => {
    const file = tmpNet(
      'typo',
      `${HEAD}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 kernal_size: 3 } }\n`,
    );
    const io = capture();
    assert.equal(await predict([file, '--budget-mj', '1e9'], io), ExitCode.errorsInFile);
    assert.match(io.err, /kernal_size/);
    fs.unlinkSync(file);
  });

  it('a budget that is not a positive finite number is a usage error', async () => {
    for (const bad of ['0', '-1', 'Infinity', 'NaN', 'x'])
      assert.equal(await predict([squeezenet, '--budget-mj', bad], capture()), ExitCode.usage, bad);
  });
});

describe('cli: energy-lens check and platforms', () => {
  it('check prints file:line:col diagnostics and exits 1 on errors', async () => {
    const tmp = path.join(os.tmpdir(), `el-check-${process.pid}.prototxt`);
    fs.writeFileSync(tmp, 'name: "x"\nlayer {\n  name: "c"\n  type: "Convolution"\n  convolution_param { kernal_size: 3 }\n}\n');
    const io = capture();
    assert.equal(await check([tmp], io), 1);
    assert.match(io.out, new RegExp(`${tmp.replace(/[.]/g, '\\.')}:5:23: error: .*kernal_size.*kernel_size`));
    fs.unlinkSync(tmp);
    const clean = capture();
    assert.equal(await check([squeezenet], clean), 0);
  });

  it('platforms lists the built-in models with their formulas', async () => {
    const io = capture();
    assert.equal(await platforms(['--json'], io), 0);
    const list = JSON.parse(io.out) as Array<{ id: string; subModels: string[] }>;
    assert.ok(list.some((p) => p.id === 'jetson-tx1/caffe-openblas/cpu/1t' && p.subModels.includes('Convolution')));
  });
});

describe('cli: energy-lens predict, latency', () => {
  const TX2 = 'jetson-tx2/pytorch-cuda/gpu';
  const alexnet = path.join(CORPUS_PROTOTXT, 'alexnet.prototxt');
  async function json(args: string[]) {
    const io = capture();
    assert.equal(await predict([...args, '--json'], io), 0, io.err);
    return JSON.parse(io.out);
  }

  it('--json gives latency per layer and a total that is their sum, with mean power', async () => {
    const j = await json([alexnet, '--platform', TX2]);
    const conv1 = j.layers.find((l: { name: string }) => l.name === 'conv1');
    assert.ok(conv1.latency.low_ms < conv1.latency.predicted_ms && conv1.latency.predicted_ms < conv1.latency.high_ms);
    assert.match(conv1.latency.formula, /^t = /);
    const sum = j.layers.reduce((s: number, l: { latency: { predicted_ms: number | null } }) => s + (l.latency.predicted_ms ?? 0), 0);
    assert.ok(Math.abs(sum - j.totals.latency.predicted_ms) < 1e-9 * sum, 'total = sum of layers');
    assert.equal(j.totals.latency.lowerBound, true, 'pooling, ReLU, LRN have no latency model on TX2');
    assert.ok(j.totals.latency.notModelledTypes.includes('Pooling'));
    const relu = j.layers.find((l: { type: string }) => l.type === 'ReLU');
    assert.equal(relu.latency.predicted_ms, null);
    assert.ok(j.totals.latency.meanPower_W > 0.1 && j.totals.latency.meanPower_W < 30, String(j.totals.latency.meanPower_W));
  });

  it('a platform without latency sub-models says so in JSON, table and CSV', async () => {
    const j = await json([alexnet]);
    assert.equal(j.totals.latency.predicted_ms, null);
    assert.match(j.totals.latency.note, /no latency sub-models/);
    const table = capture();
    await predict([alexnet], table);
    assert.match(table.out, /predicted latency: not modelled on .*\(its model has no latency sub-models\)/);
    assert.doesNotMatch(
      table.out.split('\n').find((l) => l.startsWith('layer'))!,
      /latency/,
    );
    const csv = capture();
    await predict([alexnet, '--csv'], csv);
    assert.ok(csv.out.split('\n')[0].endsWith(',predicted_ms,low_ms,high_ms'));
    assert.ok(csv.out.trim().split('\n').pop()!.endsWith(',,,'), 'empty latency cells');
  });

  it('the table and CSV carry the latency column on a platform that models it', async () => {
    const table = capture();
    await predict([alexnet, '--platform', TX2], table);
    assert.match(
      table.out.split('\n').find((l) => l.startsWith('layer'))!,
      /latency$/,
    );
    assert.match(
      table.out,
      /predicted latency per image on .*:\n {2}≥ [\d.]+ ms, 90 % interval .*; mean power [\d.]+ m?W( over the layers with both)? \(predicted E\/t\)/,
    );
    const csv = capture();
    await predict([alexnet, '--csv', '--platform', TX2], csv);
    const total = csv.out.trim().split('\n').pop()!.split(',');
    assert.ok(Number(total[12]) > 0, csv.out.trim().split('\n').pop());
  });

  it('--budget-ms exits 5 over the budget, 0 within it, with the reason', async () => {
    const total = (await json([alexnet, '--platform', TX2])).totals.latency.predicted_ms;
    const over = capture();
    assert.equal(await predict([alexnet, '--platform', TX2, '--budget-ms', String(total * 0.9)], over), ExitCode.overLatencyBudget);
    assert.match(over.err, /latency budget exceeded: predicted [\d.]+ ms per inference on .* > budget [\d.]+ ms/);
    const within = capture();
    assert.equal(await predict([alexnet, '--platform', TX2, '--budget-ms', String(total * 1.1)], within), ExitCode.ok);
    assert.match(within.err, /note: latency of .*Pooling.* is not modelled/);
  });

  it('--budget-ms fails closed on a platform without latency sub-models (exit 4)', async () => {
    const io = capture();
    assert.equal(await predict([alexnet, '--budget-ms', '1e9'], io), ExitCode.notFullyPredicted);
    assert.match(
      io.err,
      /latency budget not checked: the network is not fully predicted: the model of jetson-tx1\/caffe-openblas\/cpu\/1t has no latency sub-models/,
    );
  });

  it('both budgets: each gate is reported, the energy one decides first', async () => {
    const io = capture();
    assert.equal(await predict([alexnet, '--platform', TX2, '--budget-mj', '0.001', '--budget-ms', '0.001'], io), ExitCode.overBudget);
    assert.match(io.err, /energy budget exceeded/);
    assert.match(io.err, /latency budget exceeded/);
    assert.equal(await predict([alexnet, '--budget-ms', 'abc'], capture()), ExitCode.usage);
  });
});
