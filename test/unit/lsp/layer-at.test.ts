// layerAt (hover's lookup) by binary search gives, at every offset of real nets, the layer a plain
// scan of every layer gives (V0, V1 and V2 files, with inserted Split layers that have no block).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { layerAt } from '../../../server/src/lsp/layer-at';
import { analyzeText } from '../../../server/src/net';
import type { NetAnalysis } from '../../../server/src/net/types';
import { CORPUS_PROTOTXT } from '../shared-paths';

function scan(net: NetAnalysis, offset: number): string | undefined {
  return net.layers.find((l) => l.span && offset >= l.span.start && offset <= l.span.end)?.name;
}

describe('lsp: layerAt', () => {
  for (const file of [
    'googlenet.prototxt',
    'lenet_2014-02_v0.prototxt',
    'alexnet_2014-09_v1_layers.prototxt',
    'all_cnn_c_trainval.prototxt',
  ]) {
    it(`${file}: the same layer as a scan, at every offset`, () => {
      const text = fs.readFileSync(path.join(CORPUS_PROTOTXT, file), 'utf8');
      const net = analyzeText(text);
      let inside = 0;
      for (let offset = 0; offset <= text.length; offset++) {
        const got = layerAt(net, text, offset);
        assert.equal(got?.layer.name, scan(net, offset), `offset ${offset}`);
        if (got) {
          inside++;
          assert.ok(/^layers?$/.test(text.slice(got.keywordSpan.start, got.keywordSpan.end)));
        }
      }
      assert.ok(inside > text.length / 2, `${inside} of ${text.length} offsets inside a layer`);
    });
  }

  it('nothing before the first layer or after the last', () => {
    const text =
      'input: "data" input_shape { dim: 1 dim: 1 dim: 4 dim: 4 }\nlayer { name: "r" type: "ReLU" bottom: "data" top: "r" }\n# end\n';
    const net = analyzeText(text);
    assert.equal(layerAt(net, text, 3), undefined);
    assert.equal(layerAt(net, text, text.indexOf('"r"'))?.layer.name, 'r');
    assert.equal(layerAt(net, text, text.indexOf('# end')), undefined);
  });
});
