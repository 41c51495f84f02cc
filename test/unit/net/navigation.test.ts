// Go to definition, references and rename over blob and layer names.
import { strict as assert } from 'assert';
import { parse } from '../../../server/src/text/parser';
import { NavigationIndex, analyzeText, definitionOf, renameEdits } from '../../../server/src/net';
import type { TextEdit } from '../../../server/src/problem';
import { corpusText } from './helpers';

const TEXT = `input: "data"
input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 2 kernel_size: 3 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { kernel_size: 2 } }
`;

/** Offset just inside the n-th (0-based) occurrence of `needle`. */
function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return i + 1;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits]
    .sort((a, b) => b.span.start - a.span.start)
    .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

const slice = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end);

describe('net: navigation', () => {
  const nav = new NavigationIndex(parse(TEXT));

  it('a bottom goes to the top that created the blob, not to an in-place reuse', () => {
    // pool1 reads "conv1": created by conv1's top (relu1 only reuses it in place)
    const defs = nav.definitionOf(at(TEXT, '"conv1"', 4));
    assert.equal(defs.length, 1);
    assert.equal(defs[0].start, TEXT.indexOf('top: "conv1"') + 5);
    // a header input is a definition
    assert.deepEqual(
      nav.definitionOf(at(TEXT, 'bottom: "data"') + 8).map((s) => slice(TEXT, s)),
      ['"data"'],
    );
    assert.equal(nav.definitionOf(at(TEXT, 'bottom: "data"') + 8)[0].start, TEXT.indexOf('"data"'));
  });

  it('references: every top/bottom/input of the blob; a layer name only matches layer names', () => {
    assert.equal(nav.referencesOf(at(TEXT, 'top: "conv1"') + 5).length, 4);
    const layerRefs = nav.referencesOf(at(TEXT, 'name: "conv1"') + 6);
    assert.deepEqual(layerRefs, [{ start: TEXT.indexOf('"conv1"'), end: TEXT.indexOf('"conv1"') + 7 }]);
  });

  it('renaming a blob renames all its tops and bottoms; the result analyses the same', () => {
    const edits = nav.renameEdits(at(TEXT, 'bottom: "conv1"') + 8, 'features');
    assert.ok(edits);
    const renamed = applyEdits(TEXT, edits);
    assert.equal((renamed.match(/"features"/g) ?? []).length, 4);
    assert.ok(renamed.includes('name: "conv1"'), 'the layer keeps its name');
    const before = analyzeText(TEXT);
    const after = analyzeText(renamed);
    assert.deepEqual(after.problems, []);
    assert.deepEqual(
      after.layers.map((l) => l.outputShapes),
      before.layers.map((l) => l.outputShapes),
    );
  });

  it('renaming a layer leaves a same-named top alone', () => {
    const edits = nav.renameEdits(at(TEXT, 'name: "conv1"') + 6, 'c1');
    assert.ok(edits);
    const renamed = applyEdits(TEXT, edits);
    assert.ok(renamed.includes('name: "c1"') && renamed.includes('top: "conv1"'));
  });

  it('nothing at whitespace, keywords or numbers; names with quotes are escaped', () => {
    assert.deepEqual(nav.definitionOf(TEXT.indexOf('dim: 1')), []);
    assert.equal(nav.renameEdits(TEXT.indexOf('type'), 'x'), undefined);
    assert.equal(nav.renameEdits(at(TEXT, '"pool1"'), ''), undefined);
    assert.equal(nav.renameEdits(at(TEXT, '"pool1"'), 'a"b')?.[0].newText, '"a\\"b"');
  });

  it('TRAIN and TEST data layers both define "data" (All-CNN-C, all phases)', () => {
    const text = corpusText('all_cnn_c_trainval.prototxt');
    const doc = parse(text);
    const defs = definitionOf(doc, at(text, 'bottom: "data"') + 8);
    assert.equal(defs.length, 2);
    assert.ok(defs.every((s) => slice(text, s) === '"data"'));
    const edits = renameEdits(doc, at(text, 'bottom: "label"') + 8, 'target');
    assert.equal(edits?.length, 4, 'two data-layer tops, accuracy and loss bottoms');
  });

  it('V0 files: layer names live in the inner layer block', () => {
    const text = corpusText('imagenet_caffenet_2014-02_v0.prototxt');
    const nav0 = new NavigationIndex(parse(text));
    const symbol = nav0.symbolAt(at(text, 'name: "conv2"') + 6);
    assert.equal(symbol?.kind, 'layer');
    assert.equal(symbol?.name, 'conv2');
    assert.deepEqual(
      nav0.definitionOf(at(text, 'bottom: "pad2"') + 8).map((s) => slice(text, s)),
      ['"pad2"'],
    );
  });
});
