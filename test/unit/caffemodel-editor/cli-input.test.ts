// `loadNetworkInput`: what `energy-lens analyze` / `predict` read for a prototxt or a .caffemodel.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNetworkInput, type NetworkInput } from '../../../server/src/cli/caffemodel-input';
import { analyzeText } from '../../../server/src/net';
import { CORPUS_CAFFEMODEL, CORPUS_PROTOTXT } from '../shared-paths';

function ok(result: NetworkInput | { error: string }): NetworkInput {
  assert.ok(!('error' in result), 'error' in result ? result.error : '');
  return result;
}

describe('CLI network input', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-cli-input-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a prototxt as its text', async () => {
    const input = ok(await loadNetworkInput('lenet.prototxt', { cwd: CORPUS_PROTOTXT }));
    assert.equal(input.kind, 'prototxt');
    assert.equal(input.text, fs.readFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), 'utf8'));
    assert.equal(input.phase, undefined);
  });

  it('decodes a caffemodel into an analysable TRAIN net, saying which input shape it assumed', async () => {
    const input = ok(await loadNetworkInput('cifar10_quick_iter_5000.caffemodel', { cwd: CORPUS_CAFFEMODEL }));
    assert.equal(input.kind, 'caffemodel');
    assert.equal(input.phase, 'TRAIN');
    assert.match(input.note ?? '', /^cifar10_quick_iter_5000\.caffemodel: note: input shape 1x3x32x32 assumed: .*--input-shape/);
    const net = analyzeText(input.text, { phase: input.phase });
    assert.deepEqual(net.inputs[0].shape, [1, 3, 32, 32]);
    assert.deepEqual(net.layers.find((l) => l.name === 'ip1')?.outputShapes, [[1, 64]]);
  });

  it('takes --input-shape instead of inferring one', async () => {
    const input = ok(
      await loadNetworkInput(path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.caffemodel'), { cwd: dir }, { inputShape: [1, 1, 32, 32] }),
    );
    assert.equal(input.note, undefined);
    assert.deepEqual(analyzeText(input.text, { phase: input.phase, inputShape: [1, 1, 32, 32] }).inputs[0].shape, [1, 1, 32, 32]);
  });

  it('names the file for a missing file, a broken model and a binary file that is no model', async () => {
    const missing = await loadNetworkInput('nope.caffemodel', { cwd: dir });
    assert.deepEqual(missing, { error: 'nope.caffemodel: error: cannot read file: no such file' });
    fs.writeFileSync(
      path.join(dir, 'cut.caffemodel'),
      fs.readFileSync(path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.caffemodel')).subarray(0, 5000),
    );
    const cut = await loadNetworkInput('cut.caffemodel', { cwd: dir });
    assert.match('error' in cut ? cut.error : '', /^cut\.caffemodel: error: not a readable Caffe model: at byte \d+: /);
    fs.writeFileSync(path.join(dir, 'image.prototxt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const image = await loadNetworkInput('image.prototxt', { cwd: dir });
    assert.match('error' in image ? image.error : '', /^image\.prototxt: error: not a readable Caffe model: .*PNG image/);
    const folder = await loadNetworkInput('.', { cwd: dir });
    assert.deepEqual(folder, { error: '.: error: cannot read file: is a directory' });
  });
});
