// One typo should not blank the file: a schema error with exactly one fix is assumed fixed for the
// analysis, and every number that depends on it says so; the text and its diagnostics are unchanged.
import { strict as assert } from 'assert';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelRegistry } from '../../../server/src/energy/registry';
import { codeLenses } from '../../../server/src/lsp/code-lens';
import { hoverEnergyLines } from '../../../server/src/lsp/energy-text';
import { buildReport } from '../../../server/src/lsp/report';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

const registry = new ModelRegistry();
const model = registry.get(DEFAULT_SETTINGS.platform);

/** Two branches from the input: `a` (conv → relu → pool) and `b` (a conv of its own). */
function net(aConv: string, bConv = 'num_output: 4 kernel_size: 3'): string {
  return [
    'name: "two-branches"',
    'input: "data"',
    'input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }',
    `layer { name: "a" type: "Convolution" bottom: "data" top: "a" convolution_param { ${aConv} } }`,
    'layer { name: "a_relu" type: "ReLU" bottom: "a" top: "a" }',
    'layer { name: "a_pool" type: "Pooling" bottom: "a" top: "a_pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }',
    `layer { name: "b" type: "Convolution" bottom: "data" top: "b" convolution_param { ${bConv} } }`,
    '',
  ].join('\n');
}

const analyse = (text: string) => new DocumentAnalysis('file:///w/n.prototxt', 1, text, DEFAULT_SETTINGS, model);
const layer = (a: DocumentAnalysis, name: string) => a.net!.layers.find((l) => l.name === name)!;
const predicted = (a: DocumentAnalysis, name: string) => a.prediction!.layers.find((p) => p.name === name)!;
/** Hover lines as a reader sees them (markdown escapes removed). */
const hoverLines = (a: DocumentAnalysis, name: string) => hoverEnergyLines(a, layer(a, name)).map((l) => l.replace(/\\(.)/g, '$1'));

describe('assumed fixes (provisional analysis)', () => {
  it('a typo with one fix gives the same numbers as the fixed text, marked provisional where they depend on it', () => {
    const typo = analyse(net('num_output: 8 kernal_size: 5'));
    const fixed = analyse(net('num_output: 8 kernel_size: 5'));
    assert.ok(
      typo.schemaProblems.some((p) => p.code === 'unknown-field'),
      'the typo is still reported',
    );
    assert.equal(fixed.schemaProblems.length, 0);
    for (const name of ['a', 'a_pool', 'b']) {
      assert.equal(predicted(typo, name).predicted_mJ, predicted(fixed, name).predicted_mJ, `${name}: same number as the fixed text`);
      assert.ok(predicted(typo, name).predicted_mJ! > 0, `${name} is predicted`);
    }
    const dependent = [...typo.assumptions.layers.keys()].map((i) => typo.net!.layers[i].name).sort();
    assert.deepEqual(dependent, ['a', 'a_pool', 'a_relu'], 'the layer with the typo and what is downstream of it, not the other branch');
    assert.ok(hoverLines(typo, 'a_pool').some((l) => /provisional \(assumes kernel_size for kernal_size\)/.test(l)));
    assert.ok(!hoverLines(typo, 'b').some((l) => /provisional/.test(l)), 'the other branch is final');
    assert.ok(!hoverLines(fixed, 'a').some((l) => /provisional/.test(l)));
    const lens = codeLenses(typo)[0].command!.title;
    assert.match(lens, /provisional \(assumes kernel_size for kernal_size\)/, lens);
    const doc = TextDocument.create('file:///w/n.prototxt', 'prototxt', 1, typo.text);
    const report = buildReport(doc, typo)!;
    assert.match(report.totals.energy!.provisional!, /kernel_size/);
    assert.ok(report.layers.find((l) => l.name === 'a')!.provisional);
    assert.equal(report.layers.find((l) => l.name === 'b')!.provisional, undefined);
  });

  it('the spans stay those of the text as written', () => {
    const text = net('num_output: 8 kernal_size: 5');
    const a = analyse(text);
    const span = layer(a, 'a_pool').span!;
    assert.ok(text.slice(span.start, span.end).startsWith('layer { name: "a_pool"'));
  });

  it('a misspelt layer type with one suggestion is assumed too', () => {
    const text = net('num_output: 8 kernel_size: 5').replace('type: "Pooling"', 'type: "Poolin"');
    const a = analyse(text);
    assert.deepEqual(
      a.assumptions.fixes.map((f) => [f.written, f.assumed]),
      [['"Poolin"', '"Pooling"']],
    );
    assert.equal(layer(a, 'a_pool').type, 'Pooling');
    assert.equal(predicted(a, 'a_pool').status, 'predicted');
    assert.ok(a.assumptions.layers.has(a.net!.layers.indexOf(layer(a, 'a_pool'))));
  });

  it('without a single fix nothing is assumed, the broken branch has no number and the total says it is partial', () => {
    // `zzz_qqq` is far from every field name: no suggestion, so no fix to assume.
    const a = analyse(net('num_output: 8 zzz_qqq: 5'));
    assert.equal(a.assumptions.fixes.length, 0);
    assert.notEqual(predicted(a, 'a').status, 'predicted');
    assert.equal(predicted(a, 'b').status, 'predicted', 'the other branch keeps its number');
    const lens = codeLenses(a)[0].command!.title;
    assert.match(lens, /predicted ≥ /, `a lower bound: ${lens}`);
    assert.match(lens, /partial: no number for a\b/, lens);
  });

  it('a total that leaves out not-modelled types is a lower bound naming them', () => {
    // Deconvolution has MACs but no sub-model on the built-in platforms.
    const up =
      'layer { name: "up" type: "Deconvolution" bottom: "b" top: "up" convolution_param { num_output: 4 kernel_size: 2 stride: 2 } }\n';
    const a = analyse(net('num_output: 8 kernel_size: 5') + up);
    assert.deepEqual(a.prediction!.notModelledTypes, ['Deconvolution']);
    const lens = codeLenses(a)[0].command!.title;
    assert.match(lens, /^⚡ predicted ≥ \S+ \S+ per image/, lens);
    assert.match(lens, /Deconvolution not modelled/, lens);
    const complete = codeLenses(analyse(net('num_output: 8 kernel_size: 5')))[0].command!.title;
    assert.match(complete, /^⚡ predicted \d/, `every layer counted, not a lower bound: ${complete}`);
  });
});
