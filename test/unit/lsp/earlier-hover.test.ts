// Hover on a document whose new version is not analysed yet answers from the last analysed version,
// with offsets mapped through the edits made since (the server records each change as offsets).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../../server/src/analysis/analysis-store';
import { EditLog } from '../../../server/src/analysis/edit-log';
import { hover, hoverFromEarlier } from '../../../server/src/lsp/hover';
import { CORPUS_PROTOTXT } from '../shared-paths';

/** Applies one edit to `doc` as the server's document manager does, recording it in `store`. */
function edit(store: AnalysisStore, doc: TextDocument, start: number, end: number, text: string): void {
  const version = doc.version + 1;
  store.edits.record(doc.uri, { version, start, end, insertedLength: text.length });
  TextDocument.update(doc, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text }], version);
}

describe('lsp: hover from the last analysed version after an edit', () => {
  it('EditLog maps offsets back and spans forward around an edit, and refuses what the edit replaced', () => {
    const log = new EditLog();
    log.record('u', { version: 2, start: 10, end: 12, insertedLength: 5 }); // 2 chars -> 5 chars at 10
    assert.equal(log.mapBack('u', 1, 2, 4), 4);
    assert.equal(log.mapBack('u', 1, 2, 11), undefined);
    assert.equal(log.mapBack('u', 1, 2, 20), 17);
    assert.deepEqual(log.mapForward('u', 1, 2, { start: 0, end: 4 }), { start: 0, end: 4 });
    assert.deepEqual(log.mapForward('u', 1, 2, { start: 5, end: 30 }), { start: 5, end: 33 }, 'a block around the edit grows');
    assert.equal(log.mapForward('u', 1, 2, { start: 11, end: 30 }), undefined);
    assert.equal(log.mapBack('u', 0, 2, 4), undefined, 'version 1 is not in the log');
    log.record('u', { version: 3, start: 0, end: 0, insertedLength: 1 });
    assert.equal(log.mapBack('u', 1, 3, 21), 17);
    log.trimUpTo('u', 2);
    assert.equal(log.mapBack('u', 1, 3, 21), undefined, 'trimmed');
    assert.equal(log.mapBack('u', 2, 3, 21), 20);
  });

  it('a hover right after a one-character edit answers from the earlier analysis, at the right place', () => {
    const text = fs.readFileSync(path.join(CORPUS_PROTOTXT, 'googlenet.prototxt'), 'utf8');
    const store = new AnalysisStore();
    const doc = TextDocument.create('file:///work/googlenet.prototxt', 'prototxt', 1, text);
    assert.ok(store.get(doc).analyseNow().net, 'version 1 analysed');
    assert.equal(store.earlierAnalysis(doc), undefined, 'the current version is analysed: nothing earlier needed');

    // One character typed near the top (num_output: 64 -> 640 in conv1/7x7_s2).
    const at = text.indexOf('num_output: 64') + 'num_output: 64'.length;
    edit(store, doc, at, at, '0');
    const target = doc.getText().indexOf('name: "inception_5b/output"') + 'name: "'.length + 2;
    const position = doc.positionAt(target);
    const earlier = store.earlierAnalysis(doc);
    assert.ok(earlier, 'an earlier analysis to answer from');
    assert.equal(earlier.analysis.version, 1);
    const quick = hoverFromEarlier(doc, earlier, position);
    assert.ok(quick && quick.range);
    const value = (quick.contents as { value: string }).value;
    assert.match(value, /inception_5b\/output/);
    // The range is in the current text: the layer block around the cursor, shifted by the typed character.
    const start = doc.offsetAt(quick.range.start);
    assert.ok(doc.getText().startsWith('layer', start), `range starts at ${JSON.stringify(doc.getText().slice(start, start + 20))}`);
    assert.ok(start < target && doc.offsetAt(quick.range.end) > target);

    // The same hover from the new version's own (slow) analysis agrees on the place.
    const fresh = hover(doc, store.get(doc), position);
    assert.deepEqual(fresh?.range, quick.range);
    assert.equal(store.earlierAnalysis(doc), undefined, 'once the new version is analysed it is used');
  });

  it('no earlier answer where the edit happened', () => {
    const text = fs.readFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), 'utf8');
    const store = new AnalysisStore();
    const doc = TextDocument.create('file:///work/lenet.prototxt', 'prototxt', 1, text);
    store.get(doc).analyseNow();
    const at = text.indexOf('"conv2"') + 2;
    edit(store, doc, at, at + 1, 'X');
    const earlier = store.earlierAnalysis(doc)!;
    assert.equal(hoverFromEarlier(doc, earlier, doc.positionAt(at)), undefined);
  });
});
