// Per-layer top shapes against real BVLC Caffe logs (`Top shape:` lines, net.cpp), read from
// /work/shared/corpus/reference_shapes. The extracted logs list one row per distinct top shape of each
// layer in execution order (inserted Split layers included) and omit scalar tops (loss, accuracy),
// so the analysis is compared in the same form.
import { strict as assert } from 'assert';
import { analyzeCorpus, referenceShapeRows } from './helpers';
import type { AnalyzeOptions, NetAnalysis } from '../../../server/src/net/types';

/** `layer<TAB>N C H W` rows as the log extraction writes them. */
function asLogRows(a: NetAnalysis): string[] {
  const rows: string[] = [];
  for (const l of a.layers) {
    let previous = '';
    for (const shape of l.outputShapes) {
      assert.ok(shape, `${l.name}: unknown output shape`);
      if (shape.length === 0) continue;
      const text = shape.join(' ');
      if (text !== previous) rows.push(`${l.name}\t${text}`);
      previous = text;
    }
  }
  return rows;
}

function expectLog(file: string, logFile: string, options: AnalyzeOptions, phase?: string): void {
  const expected = referenceShapeRows(logFile)
    .filter((r) => (phase ? r[0] === phase : true))
    .map((r) => (phase ? r.slice(1) : r))
    .map(([name, shape]) => `${name}\t${shape}`);
  assert.ok(expected.length > 5, `reference rows for ${logFile}`);
  assert.deepEqual(asLogRows(analyzeCorpus(file, options)), expected);
}

describe('net: shapes equal real Caffe logs', () => {
  it('AlexNet deploy (Input 10x3x227x227, Jetson TX2 log)', () => {
    expectLog('alexnet.prototxt', 'alexnet_caffe_log_top_shapes.tsv', { batch: 10 });
  });

  it('LeNet deploy (Input 64x1x28x28)', () => {
    expectLog('lenet.prototxt', 'lenet_caffe_log_top_shapes.tsv', { batch: 64 });
  });

  it('All-CNN-C TRAIN net, batch 256, with Caffe-inserted Split layers', () => {
    expectLog(
      'all_cnn_c_trainval.prototxt',
      'all_cnn_c_caffe_log_top_shapes.tsv',
      { phase: 'TRAIN', batch: 256, inputShape: [256, 3, 32, 32] },
      'TRAIN',
    );
  });

  it('All-CNN-C TEST net, batch 200', () => {
    expectLog(
      'all_cnn_c_trainval.prototxt',
      'all_cnn_c_caffe_log_top_shapes.tsv',
      { phase: 'TEST', batch: 200, inputShape: [200, 3, 32, 32] },
      'TEST',
    );
  });

  it('the batch option replaces N whatever the file says (AlexNet Input says 10)', () => {
    const a = analyzeCorpus('alexnet.prototxt');
    assert.deepEqual(a.inputs[0].shape, [1, 3, 227, 227]);
    assert.deepEqual(a.layers.find((l) => l.name === 'fc8')?.outputShapes, [[1, 1000]]);
  });
});
