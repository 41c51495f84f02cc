// The outline and folding are built without recursion: 10,000 nested blocks give an answer (the old
// recursive outline overflowed the stack at about 2,000), and the outline stays serialisable.
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentSymbol } from 'vscode-languageserver';
import { parse } from '../../../server/src/text/parser';
import { documentSymbols, MAX_OUTLINE_DEPTH } from '../../../server/src/lsp/symbols';
import { foldingRanges } from '../../../server/src/lsp/folding';

function nested(depth: number): string {
  return `name: "deep"\nlayer {\n  name: "l"\n  type: "Convolution"\n${'  convolution_param {\n'.repeat(depth)}${'  }\n'.repeat(depth)}}\n`;
}

function depthOf(symbols: DocumentSymbol[]): number {
  let depth = 0;
  for (let level = symbols; level.length > 0; level = level.flatMap((s) => s.children ?? [])) depth++;
  return depth;
}

describe('outline and folding of deeply nested text', () => {
  it('10,000 nested blocks: an outline cut at the maximum depth that JSON can carry', () => {
    const text = nested(10_000);
    const doc = TextDocument.create('file:///deep.prototxt', 'prototxt', 1, text);
    const symbols = documentSymbols(doc, parse(text).root);
    assert.equal(symbols.length, 2, 'name and the layer');
    assert.equal(symbols[1].name, 'l');
    assert.equal(symbols[1].detail, 'Convolution');
    assert.equal(depthOf(symbols), MAX_OUTLINE_DEPTH);
    assert.doesNotThrow(() => JSON.stringify(symbols));
  });

  it('a shallow net keeps its full outline in file order', () => {
    const text =
      'name: "n"\nlayer {\n  name: "a"\n  type: "Pooling"\n  pooling_param { pool: MAX }\n  param { lr_mult: 1 }\n}\nlayer { name: "b" type: "ReLU" }\n';
    const doc = TextDocument.create('file:///n.prototxt', 'prototxt', 1, text);
    const symbols = documentSymbols(doc, parse(text).root);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['name', 'a', 'b'],
    );
    assert.deepEqual(
      symbols[1].children?.map((s) => s.name),
      ['pooling_param', 'param'],
    );
    assert.equal(depthOf(symbols), 2);
  });

  it('10,000 nested blocks fold at every level', () => {
    const text = nested(10_000);
    const doc = TextDocument.create('file:///deep.prototxt', 'prototxt', 1, text);
    const ranges = foldingRanges(doc, parse(text));
    assert.equal(ranges.length, 10_001, 'the layer and each nested block');
  });
});
