// Memory-bound layers where the user reads them: a ReLU's hover gives its predicted energy from its
// activation bytes, says the sub-model is extrapolated and how it was derived; the CodeLens, the
// report and the total count it, with the extrapolated share stated. Built-in models, no ../shared.
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelService } from '../../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { hoverEnergyLines } from '../../../server/src/lsp/energy-text';
import { codeLenses } from '../../../server/src/lsp/code-lens';
import { buildReport } from '../../../server/src/lsp/report';
import { formatEnergy, formatPercent } from '../../../server/src/units';

const TEXT =
  'name: "tiny"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n' +
  'layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 16 kernel_size: 3 } }\n' +
  'layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }\n' +
  'layer { name: "cat" type: "Concat" bottom: "conv1" bottom: "conv1" top: "cat" }\n' +
  'layer { name: "flat" type: "Flatten" bottom: "cat" top: "flat" }\n';

function analyse(platform: string): DocumentAnalysis {
  return new DocumentAnalysis('file:///tiny.prototxt', 1, TEXT, { ...DEFAULT_SETTINGS, platform }, new ModelService().get(platform));
}
const plain = (lines: string[]) => lines.map((l) => l.replace(/\\(.)/g, '$1'));

describe('memory-bound layers on the energy surfaces', () => {
  for (const platform of [DEFAULT_SETTINGS.platform, 'jetson-tx2/pytorch-cuda/gpu']) {
    describe(platform, () => {
      const analysis = analyse(platform);
      const layer = (name: string) => analysis.net!.layers.find((l) => l.name === name)!;
      const predicted = (name: string) => analysis.prediction!.layers[analysis.indexOfLayer(layer(name))];

      it('the ReLU hover gives a number from its activation bytes, flagged extrapolated, with how it was derived', () => {
        const relu = predicted('relu1');
        assert.equal(relu.status, 'predicted');
        const sub = analysis.model!.model.subModels[relu.subModel!];
        // In place on conv1's 16×30×30 output: one read and one write of it.
        const bytes = 2 * 4 * 16 * 30 * 30;
        assert.equal(layer('relu1').features.activationBytes, bytes);
        assert.ok(Math.abs(relu.predicted_mJ! - (sub.intercept + sub.coefficients[0] * bytes)) < 1e-12);
        const hover = plain(hoverEnergyLines(analysis, layer('relu1'))).join('\n');
        assert.ok(hover.includes(`**Predicted energy per image:** ${formatEnergy(relu.predicted_mJ!)}`), hover);
        assert.match(hover, /sub-model `MemoryTraffic`: E = [\d.]+ [pn]J × activation bytes · \*\*extrapolated\*\*/, hover);
        assert.match(hover, /Derived from: /, hover);
        assert.match(hover, /\*No .*(layer of these types|memory-bound layer) was measured/, hover);
      });

      it('Flatten adds nothing, and the CodeLens total counts every other layer with the extrapolated share', () => {
        assert.equal(predicted('flat').status, 'no-compute');
        const p = analysis.prediction!;
        assert.deepEqual(p.notModelledTypes, []);
        const sum = p.layers.reduce((s, l) => s + (l.predicted_mJ ?? 0), 0);
        assert.ok(Math.abs(sum - p.total.predicted_mJ) < 1e-9 * sum);
        const lens = codeLenses(analysis)[0].command!.title;
        assert.match(lens, /^⚡ predicted \d/, `not a lower bound: ${lens}`);
        assert.ok(lens.includes(`${formatPercent(p.extrapolatedShare)} extrapolated (Concat, ReLU)`), lens);
        const doc = TextDocument.create('file:///tiny.prototxt', 'prototxt', 1, TEXT);
        assert.equal(
          buildReport(doc, analysis)!.totals.energy!.extrapolated,
          `${formatPercent(p.extrapolatedShare)} extrapolated (Concat, ReLU)`,
        );
      });
    });
  }
});
