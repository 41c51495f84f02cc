// Issue 13 in a real VS Code: typing right after a 60,000-character name must not freeze the
// language server (completion used to backtrack for ~24 s while every other request waited).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, openDocument, workspaceFile } from './helpers';
import { eventually, hoverText, openScratchCopy, positionOf } from './lsp-queries';

const LENET = ['corpus', 'lenet.prototxt'];
const LONG_NAME = 'n'.repeat(60_000);

suite('hardening (issue 13)', () => {
  suiteSetup(async () => {
    await openDocument(workspaceFile(...LENET));
    await activeExtension();
  });

  test('typing after a 60,000-character name: a hover still answers within a second', async () => {
    const document = await openScratchCopy(
      LENET,
      'long-name.prototxt',
      (text) => `${text.trimEnd()}\nlayer {\n  name: "${LONG_NAME}"\n  type: "ReLU"\n  bottom: "ip2"\n  top: "ip2"\n}\n`,
    );
    const onConv1 = positionOf(document, '"conv1"', 2);
    await eventually(
      () => hoverText(document, onConv1),
      (t) => /Predicted energy/.test(t),
      'a hover on conv1 before typing',
    );

    const editor = await vscode.window.showTextDocument(document);
    const afterName = positionOf(document, LONG_NAME, LONG_NAME.length);
    editor.selection = new vscode.Selection(afterName, afterName);
    await vscode.commands.executeCommand('type', { text: 'x' });
    const typedAt = afterName.translate(0, 1);
    assert.strictEqual(document.getText(new vscode.Range(afterName, typedAt)), 'x', 'the character was typed after the name');
    // Completion at the cursor (as the editor asks while typing), not awaited: the hover must not queue behind it.
    const completion = vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, typedAt);

    const started = Date.now();
    const hover = await hoverText(document, onConv1);
    const elapsed = Date.now() - started;
    assert.match(hover, /Predicted energy/, 'the hover on conv1 answers with its prediction');
    assert.ok(elapsed < 1000, `the hover took ${elapsed} ms`);
    const list = await completion;
    assert.ok(list, 'completion answered too');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
