// Latency beside energy where the user reads it: the hover's latency line with mean power, the CodeLens
// with the net latency, inlay hints `⚡ 241 mJ · 173 ms`, and a plain "not modelled" where the platform's
// model has no latency sub-models. Built-in models: TX2 GPU has latency, the TX1 CPU default does not.
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelService } from '../../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { hoverEnergyLines } from '../../../server/src/lsp/energy-text';
import { codeLenses } from '../../../server/src/lsp/code-lens';
import { inlayHints } from '../../../server/src/lsp/inlay-hints';
import { formatLatency } from '../../../server/src/units';

const TEXT =
  'name: "tiny"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n' +
  'layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 16 kernel_size: 3 } }\n' +
  'layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }\n' +
  'layer { name: "conv2" type: "Convolution" bottom: "conv1" top: "conv2" convolution_param { num_output: 16 kernel_size: 3 } }\n';

function analyse(platform: string): { doc: TextDocument; analysis: DocumentAnalysis } {
  const doc = TextDocument.create('file:///tiny.prototxt', 'prototxt', 1, TEXT);
  const settings = { ...DEFAULT_SETTINGS, platform, inlayHints: 'energy' as const };
  return { doc, analysis: new DocumentAnalysis(doc.uri, 1, TEXT, settings, new ModelService().get(platform)) };
}

describe('latency on the energy surfaces', () => {
  const TX2 = 'jetson-tx2/pytorch-cuda/gpu';

  it('the hover shows predicted latency and mean power next to the energy', () => {
    const { analysis } = analyse(TX2);
    const conv1 = analysis.net!.layers.find((l) => l.name === 'conv1')!;
    const lines = hoverEnergyLines(analysis, conv1);
    const t = analysis.latency!.layers[analysis.indexOfLayer(conv1)];
    const e = analysis.prediction!.layers[analysis.indexOfLayer(conv1)];
    const line = lines.find((l) => l.startsWith('⏱'))!;
    assert.ok(line, lines.join('\n'));
    assert.ok(line.includes(`**Predicted latency:** ${formatLatency(t.predicted_ms!)}`), line);
    const watts = e.predicted_mJ! / t.predicted_ms!;
    const shown = /mean power ([\d.]+) (m?W) \(predicted E\/t\)/.exec(line);
    assert.ok(shown, line);
    const value = Number(shown[1]) / (shown[2] === 'mW' ? 1000 : 1);
    assert.ok(Math.abs(value / watts - 1) < 0.01, `${value} W vs ${watts} W`);
    assert.match(line, /t \\?= [\d.]+ ms/, 'a time formula');
  });

  it('says latency is not modelled on a platform without latency sub-models', () => {
    const { analysis } = analyse(DEFAULT_SETTINGS.platform);
    assert.equal(analysis.latency, null);
    const conv1 = analysis.net!.layers.find((l) => l.name === 'conv1')!;
    assert.ok(
      hoverEnergyLines(analysis, conv1).some((l) => /^⏱ Latency: not modelled for .* \(its model has no latency sub-models\)$/.test(l)),
    );
    assert.ok(!codeLenses(analysis).some((l) => l.command!.title.startsWith('⏱')), 'no latency lens without a latency model');
  });

  it('the CodeLens gives the net latency as a lower bound when a type is not modelled', () => {
    const { analysis } = analyse(TX2);
    const lens = codeLenses(analysis).find((l) => l.command!.title.startsWith('⏱'));
    assert.ok(lens, 'a latency lens');
    const total = analysis.latency!.total.predicted_ms;
    assert.ok(lens.command!.title.includes(`≥ ${formatLatency(total)} per image`), lens.command!.title);
    assert.match(lens.command!.title, /latency of ReLU not modelled/);
    assert.match(lens.command!.title, /mean power .*W/);
  });

  it('inlay hints read energy then latency', () => {
    const { doc, analysis } = analyse(TX2);
    const hints = inlayHints(doc, analysis, { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } });
    const conv2 = hints.find((h) => doc.positionAt(TEXT.indexOf('name: "conv2"')).line === h.position.line)!;
    assert.match(String(conv2.label), /^⚡ [\d.]+ [µm]?J · [\d.]+ [µm]?s/);
    assert.match(String(conv2.tooltip), /Predicted latency: /);
  });
});
