// Smoke test in a real VS Code: a corpus network opens as `prototxt` and activates the extension.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, activeExtension, openDocument, workspaceFile } from './helpers';

suite('smoke', () => {
  test('a corpus network opens as prototxt and activates Energy Lens', async () => {
    const document = await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    assert.strictEqual(document.languageId, 'prototxt');
    assert.ok(document.getText().includes('layer'), 'the corpus file has layers');
    const extension = await activeExtension();
    assert.strictEqual(extension.id, EXTENSION_ID);
    assert.strictEqual(extension.isActive, true);
  });

  test('a generated sample opens as prototxt too', async () => {
    const document = await openDocument(workspaceFile('samples', 'alexnet.prototxt'));
    assert.strictEqual(document.languageId, 'prototxt');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, document.uri.fsPath);
  });
});
