// EditedDocument (the server's open documents) gives what vscode-languageserver-textdocument gives
// after any sequence of edits, line breaks of every kind included; it reads characters near an edit
// through its pending edits instead of the new text.
import { strict as assert } from 'assert';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { EditedDocument } from '../../../server/src/lsp/document';

/** A small deterministic generator (the same edits on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['a', 'layer {', '\n', '\r\n', '\r', ' ', 'name: "x"', '}', '\n\n', 'é'];

function sameAnswers(ours: EditedDocument, theirs: TextDocument, rnd: () => number, context: string): void {
  const text = theirs.getText();
  assert.equal(ours.getText(), text, context);
  assert.equal(ours.lineCount, theirs.lineCount, context);
  assert.equal(ours.version, theirs.version, context);
  for (let k = 0; k < 20; k++) {
    const offset = Math.floor(rnd() * (text.length + 3)) - 1;
    assert.deepEqual(ours.positionAt(offset), theirs.positionAt(offset), `${context}: positionAt(${offset})`);
    const position = { line: Math.floor(rnd() * (theirs.lineCount + 1)), character: Math.floor(rnd() * 12) };
    assert.equal(ours.offsetAt(position), theirs.offsetAt(position), `${context}: offsetAt(${JSON.stringify(position)})`);
    assert.equal(ours.charCodeAt(Math.max(0, offset)), text.charCodeAt(Math.max(0, offset)), `${context}: charCodeAt(${offset})`);
  }
  for (let line = 0; line < theirs.lineCount; line++) {
    assert.deepEqual(ours.getLineRange(line), theirs.getLineRange(line), `${context}: line ${line}`);
    assert.equal(ours.getEOLCharacters(line), theirs.getEOLCharacters(line), `${context}: line ${line} break`);
  }
}

describe('EditedDocument', () => {
  it('answers as TextDocument after random edits with \\n, \\r\\n and lone \\r breaks (over 32 pending edits)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = random(seed);
      // Every fourth text has \n breaks only (its line starts are found by another path).
      const pieces = seed % 4 === 0 ? PIECES.filter((p) => !p.includes('\r')) : PIECES;
      const initial = Array.from({ length: 30 }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
      const ours = new EditedDocument('file:///e.prototxt', 'prototxt', 1, initial);
      const theirs = TextDocument.create('file:///e.prototxt', 'prototxt', 1, initial);
      for (let step = 0; step < 80; step++) {
        const length = theirs.getText().length;
        const a = theirs.positionAt(Math.floor(rnd() * (length + 1)));
        const b = theirs.positionAt(Math.floor(rnd() * (length + 1)));
        const inserted = Array.from({ length: Math.floor(rnd() * 3) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
        // Ranges either way round (the library swaps a reversed range), now and then a whole-text change.
        const change: TextDocumentContentChangeEvent =
          rnd() < 0.03 ? { text: inserted + initial } : { range: { start: a, end: b }, text: inserted };
        ours.update([change], step + 2);
        TextDocument.update(theirs, [change], step + 2);
        sameAnswers(ours, theirs, rnd, `seed ${seed}, edit ${step}`);
      }
    }
  });

  it('reads a character at an edit through the edit, not through the new text', () => {
    const doc = new EditedDocument('file:///e.prototxt', 'prototxt', 1, 'ab\ncd');
    doc.update([{ range: { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } }, text: 'XY' }], 2);
    assert.equal(doc.getText(), 'aXYd');
    assert.deepEqual(
      [0, 1, 2, 3].map((o) => String.fromCharCode(doc.charCodeAt(o))),
      ['a', 'X', 'Y', 'd'],
    );
    assert.equal(doc.lineCount, 1);
  });

  it('finds the line starts of a large text in steps, the same as in one go, and stops when the text changes', () => {
    for (const br of ['\n', '\r\n']) {
      const text = Array.from({ length: 120_000 }, (_, i) => `layer { name: "l${i}" }`).join(br);
      const stepped = new EditedDocument('file:///s.prototxt', 'prototxt', 1, text);
      let pauses = 0;
      for (const steps = stepped.lineStartsSteps(); !steps.next().done;) pauses++;
      assert.ok(pauses >= 2, `${pauses} pauses`);
      const oneGo = TextDocument.create('file:///s.prototxt', 'prototxt', 1, text);
      assert.equal(stepped.lineCount, oneGo.lineCount);
      for (const offset of [0, 1, text.length >> 1, text.length - 1, text.length])
        assert.deepEqual(stepped.positionAt(offset), oneGo.positionAt(offset));

      // An edit between two steps: the stepped count is dropped, the edited text counted afresh.
      const edited = new EditedDocument('file:///e.prototxt', 'prototxt', 1, text);
      const steps = edited.lineStartsSteps();
      steps.next();
      edited.update([{ text: `first${br}${text}` }], 2);
      while (!steps.next().done);
      assert.equal(edited.lineCount, oneGo.lineCount + 1);
    }
  });
});
