// The hover's measured line sets measured and predicted side by side with a percentage only when
// they are comparable: same platform as the selected one, values in real-board units. Real parts: a
// campaign file on disk read by the MeasurementIndex, LeNet from the corpus, the built-in models.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelRegistry } from '../../../server/src/energy/registry';
import { measuredHoverLine } from '../../../server/src/lsp/energy-text';
import { MeasurementIndex, networkTextSha256 } from '../../../server/src/measurements';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { end, header, jsonl, layer, session, tempFolder } from '../measurements/helpers';
import { CORPUS_PROTOTXT } from '../shared-paths';

const LENET = fs.readFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), 'utf8');

describe('hover: measured vs predicted only when comparable', () => {
  let folder: string;
  const registry = new ModelRegistry();
  const hover = (emulator: { timeScale: number | null } | undefined, platform: string, repetitions = 3): string => {
    fs.writeFileSync(
      path.join(folder, 'c.jsonl'),
      jsonl(
        header({
          ...(emulator ? { emulator } : {}),
          network: { ...header().network, path: 'lenet.prototxt', sha256: networkTextSha256(LENET) },
        }),
        session(1, ['conv1']),
        { ...layer('conv1', 0.5, 1, 0.05), repetitions },
        end('complete', 1, 1),
      ),
    );
    const index = MeasurementIndex.fromFolder(folder);
    const analysis = new DocumentAnalysis(
      'file:///w/lenet.prototxt',
      1,
      LENET,
      { ...DEFAULT_SETTINGS, platform },
      registry.get(platform),
      () => ({ current: index.measuredFor(networkTextSha256(LENET)) }),
    );
    const conv1 = analysis.net!.layers.find((l) => l.name === 'conv1')!;
    return measuredHoverLine(analysis, conv1)!;
  };
  beforeEach(() => (folder = tempFolder()));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('same platform, known scale: the emulated value in real-board units with a percentage', () => {
    const line = hover({ timeScale: 0.1 }, 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.match(line, /measured 5(\.00)? mJ/, line); // 0.5 mJ at 10x speed is 5 mJ on the real board
    assert.match(line, /emulated \(10x speed\), in real-board units/);
    assert.match(line, /predicted [\d.]+ [mµ]?J \([+-]\d+ %\)/);
  });

  it('gives the spread over repetitions, and says there is none from one repetition', () => {
    assert.match(hover({ timeScale: 0.1 }, 'jetson-tx1/caffe-openblas/cpu/1t'), /measured 5(\.00)? mJ ± 10 %\*\* isolated/);
    const one = hover({ timeScale: 0.1 }, 'jetson-tx1/caffe-openblas/cpu/1t', 1);
    assert.match(one, /measured 5(\.00)? mJ\*\* \(one repetition, no spread\) isolated/, one);
    assert.doesNotMatch(one, /±/);
  });

  it('another platform selected: both values with their platforms, no percentage', () => {
    const line = hover({ timeScale: 0.1 }, 'jetson-tx2/pytorch-cuda/gpu');
    assert.doesNotMatch(line, /%\)/);
    assert.match(
      line,
      /no comparison: measured on `jetson-tx1\/caffe-openblas\/cpu\/1t`, the selected platform is `jetson-tx2\/pytorch-cuda\/gpu`/,
    );
  });

  it('an emulated campaign of unknown scale: no percentage, and the reason', () => {
    const line = hover(undefined, 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.doesNotMatch(line, /%\)/);
    assert.match(line, /measured 0\.500 mJ/);
    assert.match(line, /no comparison: measured on an emulated board whose time scale was not recorded/);
  });
});
