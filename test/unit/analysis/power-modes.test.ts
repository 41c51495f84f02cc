// Power modes as a dimension of the numbers: per-mode models (`…/mode<N>`) predict the net in each
// mode and the lowest-energy complete mode is recommended (within a latency budget); a sweep's
// campaigns of the same text give the measured choice per board; the CodeLens and `predict --modes`
// say it. Synthetic models with known coefficients, so every figure is computed by hand.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModelRegistry } from '../../../server/src/energy/registry';
import type { EnergyModel } from '../../../server/src/energy/model';
import { chooseMode, measuredModes, modeModels, predictedModes, type ModeFigure } from '../../../server/src/analysis/power-modes';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelService } from '../../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { codeLenses } from '../../../server/src/lsp/code-lens';
import { bestModeTitle } from '../../../server/src/lsp/power-mode-text';
import { predict } from '../../../server/src/cli/predict';
import { ExitCode } from '../../../server/src/cli/exit-codes';
import { splitPowerMode, withPowerMode, platformId, type MeasuredNetwork } from '../../../server/src/measurements';
import { layer, model, subModel } from '../energy/helpers';

const BASE = 'jetson-tx2/caffe-openblas/cpu/1t';
/** Per mode: energy per MAC (mJ) and time per MAC (ms) of the one convolution sub-model. */
const MODES: Array<[number, number, number]> = [
  [0, 2e-6, 1e-7],
  [1, 1.6e-6, 1.8e-7],
  [2, 1.8e-6, 1.3e-7],
];

function modeModel(mode: number, mJ: number, ms: number): EnergyModel {
  const m = model({ Convolution: subModel({ coefficients: [mJ] }) }, withPowerMode(BASE, mode));
  return { ...m, formatVersion: 3, latency: { unit: 'ms', subModels: { Convolution: subModel({ coefficients: [ms] }) } } };
}

function registry(modes = MODES): ModelRegistry {
  const r = new ModelRegistry([]);
  for (const [mode, mJ, ms] of modes) r.addModel(modeModel(mode, mJ, ms), { origin: 'workspace', path: `/w/mode${mode}.json` });
  r.addModel(model({ Convolution: subModel() }, 'jetson-tx1/caffe-openblas/cpu/1t'), { origin: 'builtin', path: 'tx1.json' });
  return r;
}

const MACS = 100e6;
const layers = [layer('data', 'Input', {}), layer('conv1', 'Convolution', { macs: MACS })];
const near = (a: number | undefined, b: number, what: string) =>
  assert.ok(a !== undefined && Math.abs(a - b) < 1e-9 * Math.abs(b), `${what}: ${a} vs ${b}`);

describe('power modes: the best mode for a net', () => {
  it('platform ids carry the mode as a suffix that splits back', () => {
    const id = platformId({ board: 'jetson-tx2', backend: 'caffe-openblas', device: 'cpu', threads: 1, mode: 2 });
    assert.equal(id, `${BASE}/mode2`);
    assert.deepEqual(splitPowerMode(id), { base: BASE, mode: 2 });
    assert.deepEqual(splitPowerMode(BASE), { base: BASE, mode: 0 });
    assert.equal(withPowerMode(BASE, 0), BASE);
  });

  it("finds the models of the platform's board in each mode, not other boards'", () => {
    const found = modeModels(registry().list(), `${BASE}/mode1`);
    assert.deepEqual(
      found.map((f) => f.mode),
      [0, 1, 2],
    );
    assert.equal(modeModels(registry().list(), 'jetson-tx1/caffe-openblas/cpu/1t').length, 1);
  });

  it('recommends the lowest predicted energy, and the lowest within a latency budget', () => {
    const free = predictedModes(layers, registry().list(), BASE)!;
    assert.equal(free.best?.mode, 1);
    near(free.best?.energy_mJ, 1.6e-6 * MACS, 'mode 1 energy');
    near(free.energyChangePct, -20, 'energy vs MAXN');
    near(free.latencyChangePct, 80, 'latency vs MAXN');
    // 14 ms: mode 1 takes 18 ms, mode 2 13 ms (and less energy than MAXN's 10 ms).
    const within = predictedModes(layers, registry().list(), BASE, 14)!;
    assert.equal(within.best?.mode, 2);
    near(within.energyChangePct, -10, 'mode 2 energy vs MAXN');
    const tight = predictedModes(layers, registry().list(), BASE, 5)!;
    assert.equal(tight.best, undefined);
    assert.match(tight.why!, /within the budget/);
  });

  it('never recommends a mode whose total leaves layers out', () => {
    const withPool = [...layers, layer('pool1', 'Pooling', { inputElements: 1e6 })];
    const r = registry();
    // Mode 1 (the cheapest) cannot predict the pooling layer: its total is a lower bound.
    for (const mode of [0, 2]) {
      const m = modeModel(mode, MODES[mode][1], MODES[mode][2]);
      m.subModels.Pooling = subModel({ features: ['inputElements'], coefficients: [1e-5] });
      r.addModel(m, { origin: 'workspace', path: `/w/mode${mode}-pool.json` });
    }
    const choice = predictedModes(withPool, r.list(), BASE)!;
    assert.ok(choice.figures.find((f) => f.mode === 1)!.energyGap, 'mode 1 is flagged incomplete');
    assert.equal(choice.best?.mode, 2);
  });

  it('needs two modes to compare', () => {
    assert.equal(predictedModes(layers, registry([MODES[0]]).list(), BASE), undefined);
  });

  it('a baseline-free choice or an all-incomplete one says so', () => {
    const f = (mode: number, energy_mJ: number, energyGap?: string): ModeFigure => ({
      mode,
      platformId: withPowerMode(BASE, mode),
      energy_mJ,
      energyGap,
      source: 's',
    });
    const noBaseline = chooseMode({ kind: 'predicted', basePlatform: BASE, figures: [f(2, 5), f(1, 4)] });
    assert.equal(noBaseline.best?.mode, 1);
    assert.equal(noBaseline.energyChangePct, undefined);
    const none = chooseMode({ kind: 'predicted', basePlatform: BASE, figures: [f(0, 5, 'x'), f(1, 4, 'y')] });
    assert.equal(none.best, undefined);
    assert.equal(none.why, 'no mode has a complete figure');
  });
});

/** A campaign summary as the measurement index makes it (only the fields the choice reads). */
function measured(target: string, mode: number, net_mJ: number, net_ms: number, extra: Partial<MeasuredNetwork> = {}): MeasuredNetwork {
  return {
    campaign: {
      probe: {
        nvpmodel: {
          modes: [
            { id: 0, name: 'MAXN' },
            { id: 1, name: 'MAXQ' },
            { id: 2, name: 'MAXP_CORE_ALL$(alert)' },
          ],
        },
      },
    },
    file: `/w/.energy-lens/measurements/lenet-${target}-${mode}.jsonl`,
    layers: new Map(),
    total_mJ: net_mJ * 0.9,
    total_ms: net_ms * 0.9,
    net_mJ,
    net_ms,
    date: '2026-12-04T03:00:00Z',
    updated: '2026-12-04T03:00:00Z',
    target,
    emulated: true,
    status: 'complete',
    measuredCount: 9,
    plannedCount: 9,
    textSha256: 'abc',
    networkPath: 'lenet.prototxt',
    realUnits: { known: true, timeScale: 0.05 },
    platformId: withPowerMode(BASE, mode),
    unitsNote: '',
    ...extra,
  } as unknown as MeasuredNetwork;
}

describe('power modes: measured by a sweep', () => {
  const sweep = [
    measured('tx2-a', 0, 100, 10),
    measured('tx2-a', 1, 88, 14),
    measured('tx2-a', 2, 95, 11),
    measured('tx2-b', 0, 100, 10),
    measured('tx2-b', 1, 80, 20, { status: 'partial', measuredCount: 4 }),
    measured('tx2-b', 2, 97, 12),
    measured('tx2-c', 0, 100, 10),
  ];

  it('per board, the lowest whole-net energy among complete campaigns, with the mode names of its probe', () => {
    const choices = measuredModes(sweep);
    assert.deepEqual(
      choices.map((c) => c.target),
      ['tx2-a', 'tx2-b'],
      'a board measured in one mode only has nothing to compare',
    );
    const [a, b] = choices;
    assert.equal(a.measure, 'whole-net energy');
    assert.equal(a.best?.mode, 1);
    assert.equal(a.best?.name, 'MAXQ');
    near(a.energyChangePct, -12, 'tx2-a energy');
    near(a.latencyChangePct, 40, 'tx2-a latency');
    // tx2-b's mode 1 campaign stopped early: its 80 mJ is no figure to choose.
    assert.equal(b.best?.mode, 2);
    assert.equal(b.best?.name, 'MAXP_CORE_ALLalert)', 'codicon syntax from the board is dropped');
  });

  it('falls back to the sum of layers when a campaign has no whole-net check', () => {
    const [a] = measuredModes([measured('tx2-a', 0, 100, 10), measured('tx2-a', 1, 88, 14, { net_mJ: undefined, net_ms: undefined })]);
    assert.equal(a.measure, 'sum of layers');
    near(a.best?.energy_mJ, 88 * 0.9, 'mode 1 sum of layers');
  });

  it("a board's name from the records is one bounded line in the CodeLens, without icon syntax", () => {
    const long = `$(alert)${'x'.repeat(5000)}\nfake line`;
    const choices = measuredModes([measured(long, 0, 100, 10), measured(long, 1, 90, 12)]);
    const title = bestModeTitle(choices[0]);
    assert.ok(!title.includes('$(') && !title.includes('\n'), title);
    assert.ok(title.length < 400, `bounded: ${title.length} characters`);
  });

  it('the CodeLens names the best measured mode per board and the predicted one', () => {
    const text =
      'name: "one"\ninput: "data"\ninput_shape { dim: 1 dim: 1 dim: 10 dim: 10 }\nlayer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 4 kernel_size: 3 } }\n';
    const r = registry();
    const analysis = new DocumentAnalysis(
      'file:///w/one.prototxt',
      1,
      text,
      { ...DEFAULT_SETTINGS, platform: BASE },
      r.get(BASE),
      () => ({ current: sweep[0], sameText: sweep }),
      true,
      modeModels(r.list(), BASE).map((m) => m.entry),
    );
    const titles = codeLenses(analysis).map((l) => l.command?.title ?? '');
    const predicted = titles.find((t) => t.includes('best mode for this net (predicted'));
    assert.ok(predicted, titles.join('\n'));
    assert.match(predicted, /mode 1 · .* · −20 % energy, \+80 % latency vs mode 0/);
    const onA = titles.find((t) => t.includes('measured on tx2-a'));
    assert.match(onA ?? '', /mode 1 \(MAXQ\) · 88\.0 mJ · 14\.0 ms · −12 % energy, \+40 % latency vs mode 0 \(MAXN\)/);
    const onB = titles.find((t) => t.includes('measured on tx2-b'));
    assert.match(onB ?? '', /1 mode left out \(incomplete\)/);
  });
});

describe('cli: energy-lens predict --modes', () => {
  let dir: string;
  let net: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-modes-'));
    const models = path.join(dir, '.energy-lens', 'models');
    fs.mkdirSync(models, { recursive: true });
    for (const [mode, mJ, ms] of MODES)
      fs.writeFileSync(path.join(models, `tx2-mode${mode}.json`), JSON.stringify(modeModel(mode, mJ, ms)));
    net = path.join(dir, 'one.prototxt');
    // 16 outputs of 98x98 from 3x3x3 kernels: 16*98*98*27 MACs.
    fs.writeFileSync(
      net,
      'name: "one"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 100 dim: 100 }\nlayer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 16 kernel_size: 3 } }\n',
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[]) {
    const io = { out: '', err: '', cwd: dir, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return predict([net, '--platform', BASE, ...args], io).then((code) => ({ code, ...io }));
  }
  const macs = 16 * 98 * 98 * 27;

  it('prints every mode with its change against MAXN and marks the recommendation', async () => {
    const r = await run(['--modes', 'all']);
    assert.equal(r.code, ExitCode.ok, r.err);
    const row = r.out.split('\n').find((l) => l.startsWith('mode 1'))!;
    assert.match(row, /−20 %\s+\+80 %.*← recommended/);
    assert.match(r.out, /recommended: mode 1, the lowest predicted energy \(−20 % energy, \+80 % latency vs mode 0\)/);
  });

  it('--json: figures per mode and the recommendation within --budget-ms', async () => {
    const budget = (1.3e-7 * macs * 1.01).toString();
    const r = await run(['--modes', '0,1,2', '--budget-ms', budget, '--json']);
    assert.equal(r.code, ExitCode.ok, r.err);
    const json = JSON.parse(r.out);
    assert.equal(json.modes.length, 3);
    near(json.modes[2].predicted_mJ, 1.8e-6 * macs, 'mode 2 energy');
    near(json.modes[2].predicted_ms, 1.3e-7 * macs, 'mode 2 latency');
    assert.equal(json.recommended.mode, 2);
    assert.equal(json.budget_ms, Number(budget));
  });

  it('a budget no mode meets exits as over the latency budget, saying why', async () => {
    const r = await run(['--modes', 'all', '--budget-ms', String(1e-7 * macs * 0.5)]);
    assert.equal(r.code, ExitCode.overLatencyBudget);
    assert.match(r.err, /no power mode recommended: no mode's predicted latency is within the budget/);
  });

  it("the platform picker's list says each model's mode where its board has models in several", () => {
    const service = new ModelService();
    service.rebuild([], [dir]);
    const listed = service.platforms();
    assert.deepEqual(
      listed.filter((p) => p.id.startsWith(BASE)).map((p) => [p.id, p.powerMode]),
      MODES.map(([mode]) => [withPowerMode(BASE, mode), mode]),
    );
    assert.ok(
      listed.filter((p) => !p.id.startsWith(BASE)).every((p) => p.powerMode === undefined),
      'a built-in without sibling modes shows none',
    );
  });

  it('a mode without a model is a usage error that says how to make one', async () => {
    const r = await run(['--modes', '0,3']);
    assert.equal(r.code, ExitCode.usage);
    assert.match(r.err, /no energy model for mode 3 of jetson-tx2\/caffe-openblas\/cpu\/1t \(modes with a model: 0, 1, 2\)/);
    assert.match(r.err, /energy-lens fit \.energy-lens\/measurements --platform jetson-tx2\/caffe-openblas\/cpu\/1t\/mode3/);
    const bad = await run(['--modes', 'fast']);
    assert.equal(bad.code, ExitCode.usage);
  });
});
