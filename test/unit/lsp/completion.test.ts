// Completion: the context before the cursor is read in linear time from a bounded window, so a
// very long name or line answers at once (the old end-anchored regexes backtracked quadratically).
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { completionItems } from '../../../server/src/lsp/completion';
import { completionContext } from '../../../server/src/lsp/completion-context';

/** Completion at the end of `text` (the cursor after its last character). */
function completeAtEnd(text: string): string[] {
  const doc = TextDocument.create('file:///c.prototxt', 'prototxt', 1, text);
  const analysis = new DocumentAnalysis(doc.uri, 1, text, DEFAULT_SETTINGS);
  return completionItems(doc, analysis, doc.positionAt(text.length)).map((i) => i.label);
}

/** A guard against hangs only (the old code took ~24 s on the 60,000-character name). */
function timed<T>(fn: () => T, limitMs: number, what: string): T {
  const t0 = Date.now();
  const result = fn();
  assert.ok(Date.now() - t0 < limitMs, `${what} took ${Date.now() - t0} ms`);
  return result;
}

const HEAD = 'input: "data"\nlayer {\n  name: "c"\n  type: "Convolution"\n  bottom: "data"\n  top: "c"\n';

describe('completion context', () => {
  it('reads field values and field names as before', () => {
    assert.deepEqual(completionContext('  type: "Conv'), { kind: 'value', field: 'type', partial: 'Conv', quoted: true });
    assert.deepEqual(completionContext('pool: MA'), { kind: 'value', field: 'pool', partial: 'MA', quoted: false });
    assert.deepEqual(completionContext('bottom: "a" top: '), { kind: 'value', field: 'top', partial: '', quoted: false });
    assert.deepEqual(completionContext('  kern'), { kind: 'name', partial: 'kern' });
    assert.deepEqual(completionContext('layer { na'), { kind: 'name', partial: 'na' });
    assert.deepEqual(completionContext(''), { kind: 'name', partial: '' });
    assert.equal(completionContext('name: "x" ty'), undefined, 'after a value, no field name is offered');
    assert.equal(completionContext('{ 9ab'), undefined, 'a digit does not start a field name');
  });

  it('a 60,000-character name: no context, at once', () => {
    const name = 'a'.repeat(60_000);
    assert.equal(
      timed(() => completionContext(`  ${name}`), 2000, 'name context'),
      undefined,
    );
    assert.equal(
      timed(() => completionContext(`  name: "${name}`), 2000, 'value context'),
      undefined,
    );
    assert.equal(
      timed(() => completionContext(`  ${name}: `), 2000, 'value of a long field'),
      undefined,
    );
  });

  it('a 1 MB line: still answers for the short word at its end', () => {
    const line = `${'x: 1 '.repeat(200_000)}{ kern`;
    assert.ok(line.length > 1_000_000);
    assert.deepEqual(
      timed(() => completionContext(line), 2000, '1 MB line'),
      { kind: 'name', partial: 'kern' },
    );
    assert.equal(
      timed(() => completionContext('b'.repeat(1_000_000)), 2000, '1 MB word'),
      undefined,
    );
  });
});

describe('completion items', () => {
  it('offers field names and layer types', () => {
    const names = completeAtEnd(`${HEAD}  convolution_param {\n    kern`);
    assert.ok(names.includes('kernel_size'), names.join(','));
    assert.ok(completeAtEnd(`${HEAD}}\nlayer {\n  type: "`).includes('Pooling'));
  });

  it('right after a 60,000-character name: nothing offered, no freeze', () => {
    const text = `${HEAD}}\nlayer {\n  name: "${'n'.repeat(60_000)}`;
    assert.deepEqual(
      timed(() => completeAtEnd(text), 5000, 'completion after a long name'),
      [],
    );
  });

  it('at the end of a 1 MB line: the field names of the block', () => {
    const text = `${HEAD}  convolution_param { ${'num_output: 1 '.repeat(80_000)}; kern`;
    const names = timed(() => completeAtEnd(text), 10_000, 'completion on a 1 MB line');
    assert.ok(names.includes('kernel_size'), names.join(','));
  });
});
