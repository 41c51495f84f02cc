// The language server's side of .caffemodel support: the view text request, same-name and chosen
// pairing, cross-check diagnostics once the weights are loaded (cached by mtime and size), the
// weights hover line, and the phase a view is analysed in.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import { describeBlobs } from '../../../server/src/caffe/caffemodel/to-prototxt';
import { CAFFEMODEL_SCHEME, caffemodelText, settingsForDocument } from '../../../server/src/analysis/caffemodel-view';
import { StructureCache, WeightsCrossCheck } from '../../../server/src/analysis/weights-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { escapeMarkdown } from '../../../server/src/markdown-escape';
import { CORPUS_CAFFEMODEL } from '../shared-paths';

const LENET = path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.caffemodel');
const LENET_DEPLOY = fs.readFileSync(path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.companion_mnist_deploy.prototxt'), 'utf8');
const CIFAR = path.join(CORPUS_CAFFEMODEL, 'cifar10_quick_iter_5000.caffemodel');

/** Runs `problems` until the weights have loaded (the first call starts the read). */
async function loadedProblems(crossCheck: WeightsCrossCheck, analysis: DocumentAnalysis) {
  const loaded = new Promise<void>((resolve) => crossCheck.setOnLoaded(resolve));
  const first = crossCheck.problems(analysis);
  if (first.length > 0) return first;
  const entry = crossCheck.cache.peek(crossCheck.weightsPathFor(analysis.uri)!);
  if (entry?.state === 'loading') await loaded;
  return crossCheck.problems(analysis);
}

describe('caffemodel support in the language server', () => {
  let dir: string;
  let prototxt: string;
  let weights: string;
  const analysisOf = (file: string, text: string, version = 1) =>
    new DocumentAnalysis(pathToFileURL(file).toString(), version, text, DEFAULT_SETTINGS);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-weights-'));
    prototxt = path.join(dir, 'lenet.prototxt');
    weights = path.join(dir, 'lenet.caffemodel');
    fs.writeFileSync(prototxt, LENET_DEPLOY);
    fs.copyFileSync(LENET, weights);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pairs a prototxt with the same-name caffemodel beside it, and finds no disagreement', async () => {
    const crossCheck = new WeightsCrossCheck();
    const analysis = analysisOf(prototxt, LENET_DEPLOY);
    assert.equal(crossCheck.weightsPathFor(analysis.uri), weights);
    assert.deepEqual(await loadedProblems(crossCheck, analysis), []);
    assert.equal(crossCheck.weightsPathFor(pathToFileURL(path.join(dir, 'other.prototxt')).toString()), undefined);
  });

  it('reports a planted disagreement, and the hover line gives the stored shapes', async () => {
    const crossCheck = new WeightsCrossCheck();
    const planted = LENET_DEPLOY.replace('num_output: 50', 'num_output: 64');
    const problems = await loadedProblems(crossCheck, analysisOf(prototxt, planted));
    const structure = await readCaffemodelStructure(LENET);
    const conv2 = structure.layers.find((l) => l.name === 'conv2')!;
    const [stored, ...rest] = conv2.blobs[0].dims;
    assert.equal(stored, 50);
    // conv2 itself, and ip1 whose input features grow with conv2's outputs.
    assert.deepEqual(
      problems.map((p) => p.message.split(':')[0]),
      ['conv2', 'ip1'],
    );
    assert.equal(
      problems[0].message,
      `conv2: weights in lenet.caffemodel are ${[stored, ...rest].join('x')} but this layer implies ${[64, ...rest].join('x')} (num_output); bias is 50, implied 64.`,
    );
    assert.equal(planted.slice(problems[0].span.start, problems[0].span.end), '64');
    assert.match(problems[1].message, /\(input features\)/);
    assert.equal(
      crossCheck.hoverLine(pathToFileURL(prototxt).toString(), 'conv2'),
      `**Weights** from \`lenet.caffemodel\`: ${escapeMarkdown(describeBlobs(conv2) ?? '', 400)}`,
    );
    assert.equal(crossCheck.hoverLine(pathToFileURL(prototxt).toString(), 'pool1'), undefined, 'no blobs, no line');
  });

  it('re-reads weights rewritten on disk (mtime/size) and checks against the new ones', async () => {
    const crossCheck = new WeightsCrossCheck();
    const analysis = analysisOf(prototxt, LENET_DEPLOY);
    assert.deepEqual(await loadedProblems(crossCheck, analysis), []);
    fs.copyFileSync(CIFAR, weights); // another net under the same name
    const problems = await loadedProblems(crossCheck, analysisOf(prototxt, LENET_DEPLOY, 2));
    assert.ok(
      problems.some((p) => p.code === 'weights-shape-mismatch' && p.message.startsWith('conv1:')),
      problems.map((p) => p.message).join('\n'),
    );
  });

  it('uses a chosen pairing over the same-name one, and unpairing restores it', async () => {
    const crossCheck = new WeightsCrossCheck();
    const uri = pathToFileURL(prototxt).toString();
    const other = path.join(dir, 'cifar.caffemodel');
    fs.copyFileSync(CIFAR, other);
    crossCheck.pair(uri, other);
    assert.equal(crossCheck.weightsPathFor(uri), other);
    assert.equal(crossCheck.prototxtPathFor(other), prototxt);
    const problems = await loadedProblems(crossCheck, analysisOf(prototxt, LENET_DEPLOY));
    assert.ok(problems.some((p) => p.message.includes('in cifar.caffemodel')));
    crossCheck.pair(uri, null);
    assert.equal(crossCheck.weightsPathFor(uri), weights);
  });

  it('warns once, at the top, when the paired weights are not a Caffe model', async () => {
    fs.writeFileSync(weights, fs.readFileSync(LENET).subarray(0, 3000)); // truncated inside a blob
    const problems = await loadedProblems(new WeightsCrossCheck(), analysisOf(prototxt, LENET_DEPLOY));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'weights-unreadable');
    assert.match(problems[0].message, /lenet\.caffemodel: at byte \d+: /);
  });

  it('answers caffemodelText with the net, its input shape from the paired prototxt', async () => {
    const result = await caffemodelText({ path: weights }, new WeightsCrossCheck());
    assert.equal(result.error, undefined);
    assert.ok(result.text?.startsWith('# lenet.caffemodel: 1,725,006 bytes'), result.text?.slice(0, 100));
    assert.ok(result.text?.includes('# Input shape not stored in the file: taken from lenet.prototxt.\n# energy-lens: input 1,1,28,28\n'));
    // The view is analysed as the TRAIN net it is: the Data layer is in, shapes are known, energy is predicted.
    const uri = `${CAFFEMODEL_SCHEME}:${weights}.prototxt`;
    const settings = settingsForDocument(uri, result.text!, DEFAULT_SETTINGS);
    assert.equal(settings.phase, 'TRAIN');
    const view = new DocumentAnalysis(uri, 1, result.text!, settings);
    assert.deepEqual(
      view.problems.filter((p) => p.severity === 'error' || p.severity === 'warning').map((p) => p.message),
      [],
    );
    assert.equal(view.net?.layers.find((l) => l.name === 'ip1')?.features.channelsIn, 800);
  });

  it('answers caffemodelText with an error naming the file and byte offset for a broken model', async () => {
    const broken = path.join(dir, 'broken.caffemodel');
    fs.writeFileSync(broken, fs.readFileSync(LENET).subarray(0, 3000));
    const result = await caffemodelText({ path: broken }, new WeightsCrossCheck());
    assert.equal(result.text, undefined);
    assert.match(result.error ?? '', /^broken\.caffemodel: at byte \d+: /);
    assert.match(
      (await caffemodelText({ path: path.join(dir, 'none.caffemodel') }, new WeightsCrossCheck())).error ?? '',
      /^none\.caffemodel: no such file$/,
    );
  });

  it('stops a cancelled caffemodelText request', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await caffemodelText({ path: weights }, new WeightsCrossCheck(new StructureCache()), controller.signal);
    assert.equal(result.error, 'lenet.caffemodel: cancelled');
  });

  it('leaves the phase of ordinary documents to the settings', () => {
    assert.equal(settingsForDocument(pathToFileURL(prototxt).toString(), '  phase: TRAIN\n', DEFAULT_SETTINGS), DEFAULT_SETTINGS);
    assert.equal(
      settingsForDocument(`${CAFFEMODEL_SCHEME}:/x.caffemodel.prototxt`, 'layer {\n  phase: TEST\n}\n', DEFAULT_SETTINGS).phase,
      'TEST',
    );
  });
});
