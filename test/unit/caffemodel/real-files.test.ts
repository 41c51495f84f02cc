// The two real trained models of the corpus against the net definitions shipped with them.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { caffeSchema } from '../../../server/src/caffe/schema';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import type { CaffemodelStructure, LayerStructure } from '../../../server/src/caffe/caffemodel/types';
import { CORPUS_CAFFEMODEL } from '../shared-paths';
import { companionLayers, type CompanionLayer } from './companion';

const MODELS = [
  { file: 'lenet_iter_10000.caffemodel', companion: 'lenet_iter_10000.companion_mnist_deploy.prototxt', format: 'V2', name: 'LeNet' },
  {
    file: 'cifar10_quick_iter_5000.caffemodel',
    companion: 'cifar10_quick_iter_5000.companion_prediction_example.prototxt',
    format: 'V1',
    name: 'CIFAR10_quick',
  },
];

const DATA_TYPES = new Set(['Data', 'ImageData', 'Input', 'MemoryData', 'HDF5Data', 'DummyData', 'WindowData']);

function v2Type(layer: LayerStructure): string {
  return layer.format === 'V2' ? layer.type : (caffeSchema().v1ToV2LayerType(layer.type) ?? layer.type);
}

/**
 * Legacy blobs are stored as 4-D num/channels/height/width padded with leading 1s (a bias of 32
 * is 1x1x1x32); Caffe reads them by element count, so compare without that padding.
 */
function effectiveDims(dims: number[]): number[] {
  const out = [...dims];
  while (out.length > 1 && out[0] === 1) out.shift();
  return out;
}

for (const model of MODELS) {
  describe(`real caffemodel ${model.file}`, () => {
    let structure: CaffemodelStructure;
    let companion: CompanionLayer[];
    before(async () => {
      structure = await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, model.file));
      companion = companionLayers(fs.readFileSync(path.join(CORPUS_CAFFEMODEL, model.companion), 'utf8'));
    });

    it('decodes the header and format', () => {
      assert.equal(structure.name, model.name);
      assert.equal(structure.format, model.format);
      assert.equal(structure.fileSize, fs.statSync(path.join(CORPUS_CAFFEMODEL, model.file)).size);
    });

    it('has the processing layers of the companion, in order, with the same types', () => {
      // The model was saved from the training net: its data and loss layers differ from the
      // deploy-style companion's; every other layer must match by name, type and order.
      const processing = structure.layers.filter((l) => !DATA_TYPES.has(v2Type(l)) && !v2Type(l).endsWith('Loss'));
      assert.ok(processing.length >= 7);
      let from = 0;
      for (const layer of processing) {
        const at = companion.findIndex((c, i) => i >= from && c.name === layer.name);
        assert.ok(at >= 0, `layer ${layer.name} missing from the companion (or out of order)`);
        assert.equal(v2Type(layer), companion[at].type, `type of ${layer.name}`);
        from = at + 1;
      }
    });

    it('stores exactly the blobs the companion implies, shape by shape', () => {
      const learnable = companion.filter((c) => c.blobs.length > 0);
      const withBlobs = structure.layers.filter((l) => l.blobs.length > 0);
      assert.deepEqual(
        withBlobs.map((l) => l.name),
        learnable.map((c) => c.name),
      );
      for (const [i, layer] of withBlobs.entries()) {
        assert.deepEqual(
          layer.blobs.map((b) => effectiveDims(b.dims)),
          learnable[i].blobs,
          `blobs of ${layer.name}`,
        );
        for (const blob of layer.blobs)
          assert.equal(
            blob.dataCount,
            blob.dims.reduce((a, b) => a * b, 1),
            `stored floats of ${layer.name}`,
          );
      }
    });

    it('counts the stored floats: the learnable parameters the companion implies', () => {
      const expected = companion.flatMap((c) => c.blobs).reduce((sum, dims) => sum + dims.reduce((a, b) => a * b, 1), 0);
      assert.equal(structure.totals.storedValues, expected);
      assert.equal(structure.totals.shapeValues, expected);
      assert.equal(structure.totals.skippedBytes, expected * 4);
    });
  });
}

describe('real caffemodel learnable counts', () => {
  it('are 431,080 for LeNet and 145,578 for cifar10_quick', async () => {
    const counts = await Promise.all(
      MODELS.map(async (m) => (await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, m.file))).totals.storedValues),
    );
    assert.deepEqual(counts, [431_080, 145_578]);
  });
});
