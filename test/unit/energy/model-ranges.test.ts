// Model files from settings or the workspace: values out of range are rejected naming the field, and a
// file that is not JSON (a setting may name /etc/passwd) is described without echoing its content.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile, parseModelText } from '../../../server/src/energy/load-model';
import { REPO_ROOT } from '../shared-paths';

const BUILTIN = fs.readFileSync(
  path.join(REPO_ROOT, 'server', 'src', 'energy', 'builtin', 'jetson-tx1_caffe-openblas_cpu_1t.json'),
  'utf8',
);

function errorOf(text: string): string {
  const result = parseModelText(text, 'm.json');
  assert.ok('error' in result, 'the model is rejected');
  return result.error;
}

function withConv(change: (conv: Record<string, unknown>) => void): string {
  const model = JSON.parse(BUILTIN);
  change(model.subModels.Convolution);
  return JSON.stringify(model);
}

describe('energy model files: ranges and errors', () => {
  it('the built-in model itself loads', () => {
    assert.ok('model' in parseModelText(BUILTIN, 'builtin.json'));
  });

  it('sigmaLog: 1e308 is rejected naming the field', () => {
    assert.match(
      errorOf(
        withConv((c) => {
          c.sigmaLog = 1e308;
        }),
      ),
      /m\.json: \/subModels\/Convolution\/sigmaLog: must be at most 10 \(got 1e\+308\)/,
    );
  });

  it('a number past double range (1e309 parses as Infinity) is rejected', () => {
    const text = BUILTIN.replace('"coefficients": [\n        0.00000138795', '"coefficients": [\n        1e309');
    assert.notEqual(text, BUILTIN);
    assert.match(errorOf(text), /\/subModels\/Convolution\/coefficients\/0: must be number/);
  });

  it('a sub-model that can only predict energies ≤ 0 is rejected; mixed signs are allowed', () => {
    assert.match(
      errorOf(
        withConv((c) => {
          c.coefficients = [-1e-6];
          c.intercept = 0;
        }),
      ),
      /\/subModels\/Convolution\/coefficients: every coefficient and the intercept are ≤ 0/,
    );
    const mixed = withConv((c) => {
      c.features = ['macs', 'channelsIn'];
      c.coefficients = [1e-6, -0.01];
      c.intercept = 0.5;
    });
    assert.ok('model' in parseModelText(mixed, 'm.json'), 'individual-style fits have negative terms');
  });

  it('a file that is not JSON: kind and position only, never its content', () => {
    const secret = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:secret-token-123';
    const error = errorOf(secret);
    assert.match(error, /m\.json: \/: not valid JSON: unexpected character at line 1, column 1/);
    assert.doesNotMatch(error, /root|daemon|secret|bash/);
    const late = errorOf('{\n  "formatVersion": 1,\n  "platform": secret-value\n}');
    assert.match(late, /unexpected character at line 3, column 15/);
    assert.doesNotMatch(late, /secret/);
    if (fs.existsSync('/etc/passwd')) {
      const result = loadModelFile('/etc/passwd');
      assert.ok('error' in result);
      assert.doesNotMatch(result.error, /root:|:x:|\/bin/);
    }
  });

  it('a device or a huge file is refused before reading', () => {
    if (fs.existsSync('/dev/zero')) {
      const result = loadModelFile('/dev/zero');
      assert.ok('error' in result);
      assert.match(result.error, /\/dev\/zero: \/: not a regular file/);
    }
    const big = path.join(os.tmpdir(), `el-big-model-${process.pid}.json`);
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 17 * 1024 * 1024);
    const result = loadModelFile(big);
    assert.ok('error' in result);
    assert.match(result.error, /too large for a model file/);
    fs.unlinkSync(big);
  });
});
