// Offset <-> position conversion, checked against a naive line split and against the LSP's own
// TextDocument implementation.
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../../server/src/text/line-index';

describe('LineIndex', () => {
  it('maps offsets to 0-based lines and characters', () => {
    const idx = new LineIndex('ab\ncd\n\nxyz');
    assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(idx.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(idx.positionAt(6), { line: 2, character: 0 });
    assert.deepEqual(idx.positionAt(9), { line: 3, character: 2 });
    assert.deepEqual(idx.positionAt(10), { line: 3, character: 3 });
    assert.equal(idx.lineCount, 4);
  });

  it('clamps out-of-range input instead of failing', () => {
    const idx = new LineIndex('ab\ncd');
    assert.deepEqual(idx.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(idx.positionAt(99), { line: 1, character: 2 });
    assert.deepEqual(idx.positionAt(Number.NaN), { line: 0, character: 0 });
    assert.equal(idx.offsetAt({ line: 0, character: 99 }), 2, 'past the line end: the line end');
    assert.equal(idx.offsetAt({ line: 7, character: 0 }), 5);
    assert.equal(idx.offsetAt({ line: -1, character: 3 }), 0);
  });

  it('agrees with vscode-languageserver-textdocument on every offset of mixed line breaks', () => {
    const text = 'a\r\nbb\rccc\n\r\n\ndd\u00e9\ud83d\ude00e\r';
    const idx = new LineIndex(text);
    const doc = TextDocument.create('file:///x', 'prototxt', 1, text);
    for (let o = 0; o <= text.length; o++) {
      const expected = doc.positionAt(o);
      // An offset inside \r\n is the end of the line's content for both.
      assert.deepEqual(idx.positionAt(o), expected, `offset ${o}`);
    }
    for (let line = 0; line <= doc.lineCount; line++) {
      for (let character = 0; character < 6; character++) {
        assert.equal(idx.offsetAt({ line, character }), doc.offsetAt({ line, character }), `${line}:${character}`);
      }
    }
  });

  it('round-trips every offset of a real-sized text', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}: ${'x'.repeat(i % 37)}`).join('\n');
    const idx = new LineIndex(text);
    for (let o = 0; o <= text.length; o += 7) assert.equal(idx.offsetAt(idx.positionAt(o)), o);
  });
});
