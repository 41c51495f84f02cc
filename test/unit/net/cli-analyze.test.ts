// `energy-lens analyze`, run in-process: the table, the JSON contract, options and bad input.
import { strict as assert } from 'assert';
import { analyze } from '../../../server/src/cli/analyze';
import { CORPUS_PROTOTXT } from '../shared-paths';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await analyze(args, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd: CORPUS_PROTOTXT,
  });
  return { code, out, err };
}

describe('cli: analyze', () => {
  it('--json prints exactly network/inputs/layers/totals, layers in file order without Split layers', async () => {
    const { code, out, err } = await run('squeezenet_v1.1.prototxt', '--json');
    assert.equal(code, 0, err);
    const json = JSON.parse(out);
    assert.deepEqual(Object.keys(json), ['network', 'inputs', 'layers', 'totals']);
    assert.equal(json.network, '', 'the file has no name field');
    assert.deepEqual(json.inputs, [{ name: 'data', shape: [1, 3, 227, 227] }]);
    assert.ok(json.layers.every((l: { name: string }) => !l.name.endsWith('_split')));
    assert.equal(json.layers[0].name, 'data');
    const conv1 = json.layers[1];
    assert.deepEqual(Object.keys(conv1).slice(0, 7), ['name', 'type', 'bottoms', 'tops', 'outputShapes', 'macs', 'params']);
    assert.deepEqual(conv1.outputShapes, [[1, 64, 113, 113]]);
    assert.equal(conv1.kernelH, 3);
    assert.equal(json.totals.params, 1_235_496);
    assert.equal(
      json.totals.macs,
      json.layers.reduce((n: number, l: { macs: number }) => n + l.macs, 0),
    );
  });

  it('the table lists each layer with shape, MACs and params, and the totals', async () => {
    const { code, out } = await run('alexnet.prototxt');
    assert.equal(code, 0);
    const lines = out.split('\n');
    const conv1 = lines.find((l) => l.startsWith('conv1 '));
    assert.ok(conv1);
    assert.deepEqual(conv1.trim().split(/\s{2,}/), ['conv1', 'Convolution', '1x96x55x55', '105,415,200', '34,944']);
    assert.match(lines.find((l) => l.startsWith('total')) ?? '', /724,406,816\s+60,965,224$/);
    assert.equal(new Set(lines.filter((l) => /^(conv|fc)\d/.test(l)).map((l) => l.length)).size, 1, 'aligned columns');
  });

  it('--input-shape, --batch and --phase reach the analysis', async () => {
    const { code, out } = await run(
      'all_cnn_c_trainval.prototxt',
      '--json',
      '--input-shape',
      '1,3,32,32',
      '--batch',
      '4',
      '--phase',
      'TRAIN',
    );
    assert.equal(code, 0);
    const json = JSON.parse(out);
    assert.deepEqual(json.inputs[0].shape, [4, 3, 32, 32]);
    assert.equal(json.layers.filter((l: { name: string }) => l.name === 'data').length, 1);
    assert.equal(json.totals.macs, 4 * 270_798_336);
  });

  it('unknown shapes print as ? / null with a warning naming the file, line and problem', async () => {
    const { code, out, err } = await run('all_cnn_c_trainval.prototxt');
    assert.equal(code, 0);
    assert.match(out, /^conv1\s+Convolution\s+\?\s+\?\s+\?$/m);
    assert.match(err, /^all_cnn_c_trainval\.prototxt:\d+:\d+: warning: .*missing-input-shape/m);
  });

  it('bad files and bad options: a message naming the file or option, non-zero exit', async () => {
    const missing = await run('no-such.prototxt');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no-such\.prototxt: error: cannot read file: no such file/);
    const garbage = await run('../FILES.tsv');
    assert.equal(garbage.code, 1);
    assert.match(garbage.err, /FILES\.tsv:1:\d+: error: /);
    assert.equal((await run('alexnet.prototxt', '--batch', '0')).code, 2);
    assert.equal((await run('alexnet.prototxt', '--phase', 'DEPLOY')).code, 2);
    assert.equal((await run()).code, 2);
  });
});
