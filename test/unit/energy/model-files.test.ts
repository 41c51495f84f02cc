// Model files: schema validation errors name the file and the field (JSON pointer); the registry
// loads built-ins, setting files/folders and workspace models, later ones overriding earlier ones.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile, parseModelText } from '../../../server/src/energy/load-model';
import { ModelRegistry, buildRegistry, describeSource } from '../../../server/src/energy/registry';
import { BUILTIN_MODELS, DEFAULT_PLATFORM_ID } from '../../../server/src/energy/builtin';
import { model, subModel } from './helpers';

function errorsOf(value: unknown, source = 'm.json') {
  const r = parseModelText(JSON.stringify(value), source);
  assert.ok('error' in r, 'expected the model to be rejected');
  return r;
}

describe('energy models: validation of model files', () => {
  const good = model({
    Convolution: subModel({ appliesTo: ['ConvolutionDepthwise'] }),
    Pooling: subModel({ features: ['inputElements*kernelH*kernelW'] }),
  });

  it('accepts a well-formed model', () => {
    const r = parseModelText(JSON.stringify(good), 'good.json');
    assert.ok('model' in r);
    assert.equal(r.model.platform.id, 'test/board/cpu');
  });

  it('names the file and the JSON pointer of a wrongly typed field', () => {
    const bad = structuredClone(good);
    (bad.subModels.Convolution.coefficients as unknown[])[0] = 'fast';
    const r = errorsOf(bad, 'models/bad.json');
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      ['/subModels/Convolution/coefficients/0'],
    );
    assert.match(r.error, /^models\/bad\.json: \/subModels\/Convolution\/coefficients\/0: must be number$/);
  });

  it('reports a missing required field at the pointer it should be', () => {
    const bad = structuredClone(good) as unknown as Record<string, Record<string, unknown>>;
    delete bad.platform.calibration;
    const r = errorsOf(bad);
    assert.match(r.error, /m\.json: \/platform\/calibration: required field is missing/);
  });

  it('reports unknown fields, bad enums and a wrong format version', () => {
    const bad = structuredClone(good) as unknown as Record<string, unknown>;
    (bad.platform as Record<string, unknown>).calibration = 'guessed';
    (bad.subModels as Record<string, Record<string, unknown>>).Pooling.colour = 'red';
    bad.formatVersion = 4;
    const messages = errorsOf(bad).error.split('\n');
    assert.ok(messages.includes('m.json: /platform/calibration: must be one of "fitted", "coarse"'), messages.join('\n'));
    assert.ok(messages.includes('m.json: /subModels/Pooling/colour: unknown field (not in the model format)'), messages.join('\n'));
    assert.ok(messages.includes('m.json: /formatVersion: must be one of 1, 2, 3'), messages.join('\n'));
  });

  it('checks what the schema cannot: coefficient count, feature names, a type claimed twice', () => {
    const bad = structuredClone(good);
    bad.subModels.Convolution.coefficients = [1, 2];
    bad.subModels.Pooling.features = ['inputElements*kernelArea'];
    bad.subModels.Pooling.appliesTo = ['ConvolutionDepthwise'];
    const r = errorsOf(bad);
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      ['/subModels/Convolution/coefficients', '/subModels/Pooling/features/0', '/subModels/Pooling/appliesTo/0'],
    );
    assert.match(r.errors[0].message, /has 2 values but features has 1/);
    assert.match(r.errors[1].message, /unknown layer feature 'kernelArea'/);
    assert.match(r.errors[2].message, /already predicted by sub-model 'Convolution'/);
  });

  it('rejects a term that does not parse, at the schema level', () => {
    const bad = structuredClone(good);
    bad.subModels.Convolution.features = ['macs+params'];
    assert.deepEqual(
      errorsOf(bad).errors.map((e) => e.pointer),
      ['/subModels/Convolution/features/0'],
    );
  });

  it('reports invalid JSON with its line and column, and unreadable files', () => {
    const r = parseModelText('{\n  "formatVersion": 1,\n  "platform": {"id": 1\n}', 'broken.json');
    assert.ok('error' in r);
    assert.match(r.error, /^broken\.json: \/: not valid JSON: .+ at line \d+, column \d+$/);
    const missing = loadModelFile('/nonexistent/model.json');
    assert.ok('error' in missing);
    assert.match(missing.error, /\/nonexistent\/model\.json: \/: cannot read the file \(ENOENT\)/);
  });
});

describe('energy models: built-ins and the registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-models-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ships valid built-ins, the default platform among them, each fitted or coarse', () => {
    const ids = BUILTIN_MODELS.map((b) => b.model.platform.id);
    assert.ok(ids.includes(DEFAULT_PLATFORM_ID));
    assert.deepEqual([...ids].sort(), [
      'jetson-tx1/caffe-cudnn/gpu',
      'jetson-tx1/caffe-openblas/cpu/1t',
      'jetson-tx1/caffe2-eigen/cpu',
      'jetson-tx2/pytorch-cuda/gpu',
      'jetson-tx2/pytorch/cpu',
      'snapdragon-820/caffe2-eigen/cpu',
    ]);
    for (const { model: m } of BUILTIN_MODELS) {
      assert.ok(m.subModels.Convolution, m.platform.id);
      assert.equal(m.subModels.InnerProduct.extrapolated, true, `${m.platform.id}: FC is extrapolated from conv`);
      assert.ok(m.subModels.InnerProduct.note, `${m.platform.id}: extrapolation explained`);
    }
  });

  it('lists every JSON file of the builtin folder', () => {
    const folder = path.resolve(__dirname, '../../../server/src/energy/builtin');
    const files = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(BUILTIN_MODELS.map((b) => b.name).sort(), files);
  });

  it('lets setting files override built-ins and workspace models override both, remembering the sources', () => {
    const override = model({ Convolution: subModel({ coefficients: [9e-6] }) }, DEFAULT_PLATFORM_ID);
    const settingFile = path.join(dir, 'mine.json');
    fs.writeFileSync(settingFile, JSON.stringify(override));
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(path.join(ws, '.energy-lens', 'models'), { recursive: true });
    const wsModel = model({ Convolution: subModel({ coefficients: [7e-6] }) }, DEFAULT_PLATFORM_ID);
    fs.writeFileSync(path.join(ws, '.energy-lens', 'models', 'a.json'), JSON.stringify(wsModel));
    fs.writeFileSync(
      path.join(ws, '.energy-lens', 'models', 'b.json'),
      JSON.stringify(model({ Pooling: subModel() }, 'lab/new-board/cpu')),
    );

    const registry = buildRegistry({ modelFiles: [settingFile], workspaceFolders: [ws] });
    const entry = registry.get(DEFAULT_PLATFORM_ID)!;
    assert.equal(entry.model.subModels.Convolution.coefficients[0], 7e-6);
    assert.equal(entry.source.origin, 'workspace');
    assert.deepEqual(
      entry.overrides.map((s) => s.origin),
      ['builtin', 'setting'],
    );
    assert.match(describeSource(entry), /^workspace file .*a\.json \(overrides .*mine\.json\)$/);
    assert.equal(registry.get('lab/new-board/cpu')!.source.origin, 'workspace');
    assert.equal(describeSource(registry.get('jetson-tx2/pytorch/cpu')!), 'built-in');
    assert.equal(registry.problems.length, 0);
    assert.equal(registry.list().length, BUILTIN_MODELS.length + 1);
  });

  it('records a bad model file as a problem and keeps the built-in', () => {
    const folder = path.join(dir, 'models');
    fs.mkdirSync(folder);
    const bad = model({ Convolution: subModel({ sigmaLog: -1 }) }, DEFAULT_PLATFORM_ID);
    fs.writeFileSync(path.join(folder, 'bad.json'), JSON.stringify(bad));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a model');
    const registry = new ModelRegistry();
    registry.addPath(folder, 'setting');
    registry.addPath(path.join(dir, 'missing.json'), 'setting');
    assert.equal(registry.get(DEFAULT_PLATFORM_ID)!.source.origin, 'builtin');
    assert.equal(registry.problems.length, 2);
    assert.match(registry.problems[0].message, /bad\.json: \/subModels\/Convolution\/sigmaLog: must be >= 0/);
    assert.match(registry.problems[1].message, /missing\.json: no such model file or folder/);
  });

  it('treats a workspace without .energy-lens/models as normal', () => {
    const registry = buildRegistry({ workspaceFolders: [dir] });
    assert.equal(registry.problems.length, 0);
    assert.equal(registry.list().length, BUILTIN_MODELS.length);
  });
});
