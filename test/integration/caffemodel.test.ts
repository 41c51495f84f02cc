// Issue 5 in a real VS Code: a .caffemodel opens as a read-only prototxt text editor (outline,
// hover, CodeLens work on it), an unreadable model shows why, and a prototxt paired with weights
// (same name, or "Pair with Weights File…") gets diagnostics where they disagree and the stored
// shapes in its layer hover. Facts come from the files by our own scanner, not the product's parser.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activeExtension, openDocument, waitFor, workspaceFile } from './helpers';
import { codeLensTitles, diagnosticsOf, documentSymbols, eventually, hoverText, layerBlocks, positionOf } from './lsp-queries';

const VIEW_SCHEME = 'energy-lens-caffemodel';
const EDITOR_VIEW_TYPE = 'energyLens.caffemodel';
const LENET = 'lenet_iter_10000';
const LENET_COMPANION = `${LENET}.companion_mnist_deploy.prototxt`;

/** The workspace's caffemodel/ folder; filled from the shared corpus when the harness did not copy it. */
function caffemodelFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  const target = path.join(folder.uri.fsPath, 'caffemodel');
  if (!fs.existsSync(path.join(target, `${LENET}.caffemodel`))) {
    const repo = process.env.ENERGY_LENS_REPO;
    const shared = process.env.ENERGY_LENS_SHARED ?? (repo ? path.resolve(repo, '..', 'shared') : '');
    const source = path.join(shared, 'corpus', 'caffemodel');
    if (!fs.existsSync(source)) throw new Error(`corpus caffemodels not found at ${source}`);
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(target, file));
  }
  return target;
}

/** A scratch folder of this suite in the workspace. */
function scratch(...parts: string[]): string {
  const file = path.join(path.dirname(caffemodelFolder()), 'scratch-weights', ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** Opens a model with the custom editor and returns the prototxt view VS Code ends up showing. */
async function openModel(file: string): Promise<vscode.TextDocument> {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), EDITOR_VIEW_TYPE);
  const editor = await waitFor(
    () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === VIEW_SCHEME && active.document.uri.path.endsWith(`${path.basename(file)}.prototxt`) && active;
    },
    30_000,
    `the prototxt view of ${path.basename(file)}`,
  );
  return editor.document;
}

function openTabsOf(file: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === file);
}

suite('caffemodel (issue 5)', () => {
  suiteSetup(async () => {
    await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    await activeExtension();
  });

  test('a .caffemodel opens as a read-only prototxt editor with its layers in the outline', async () => {
    const model = path.join(caffemodelFolder(), `${LENET}.caffemodel`);
    const document = await openModel(model);
    assert.strictEqual(document.languageId, 'prototxt');
    const text = document.getText();
    assert.ok(text.startsWith(`# ${LENET}.caffemodel: `), text.slice(0, 120));
    // The custom editor's own tab is replaced by the text editor.
    await waitFor(() => openTabsOf(model).length === 0, 10_000, 'the custom editor tab to close');
    // Our scanner's layer blocks: the companion's learnable layers are all there, in the same order.
    const blocks = layerBlocks(text);
    const companion = layerBlocks(fs.readFileSync(path.join(caffemodelFolder(), LENET_COMPANION), 'utf8'));
    const weighted = (names: string[]) => names.filter((n) => /^(conv|ip)\d/.test(n));
    assert.deepStrictEqual(weighted(blocks.map((b) => b.name)), weighted(companion.map((b) => b.name)));
    const symbols = await eventually(
      () => documentSymbols(document),
      (s) => s.length > 0,
      'symbols of the caffemodel view',
    );
    const layers = symbols.filter((s) => s.kind === vscode.SymbolKind.Class);
    assert.deepStrictEqual(
      layers.map((s) => s.name),
      blocks.map((b) => b.name),
    );
    assert.deepStrictEqual(
      layers.map((s) => s.detail),
      blocks.map((b) => b.type),
    );
    // Read-only: typing into the editor changes nothing.
    await vscode.commands.executeCommand('type', { text: 'typed' });
    assert.strictEqual(document.getText(), text, 'the view is read-only');
    assert.strictEqual(document.isDirty, false);
  });

  test('hover and the energy CodeLens work on the view (input shape from the weights)', async () => {
    const document = await openModel(path.join(caffemodelFolder(), `${LENET}.caffemodel`));
    const hover = await eventually(
      () => hoverText(document, positionOf(document, 'name: "conv1"', 8)),
      (h) => h.includes('conv1'),
      'hover on conv1',
    );
    assert.ok(hover.includes('Convolution'), hover);
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => t.some((x) => x.includes('predicted')),
      'an energy CodeLens on the view',
    );
    assert.ok(
      titles.some((t) => /predicted (≥ )?[\d.]+ (µJ|mJ|J)/.test(t)),
      titles.join('\n'),
    );
  });

  test('an unreadable model shows why, naming the byte offset', async () => {
    const model = path.join(caffemodelFolder(), `${LENET}.caffemodel`);
    const broken = scratch('broken.caffemodel');
    fs.writeFileSync(broken, fs.readFileSync(model).subarray(0, 3000));
    const document = await openModel(broken);
    assert.match(
      document.getText(),
      /^# Energy Lens could not show .*broken\.caffemodel as a network:\n# broken\.caffemodel: at byte \d+: /,
    );
  });

  test('a prototxt beside its same-name weights gets a diagnostic where they disagree, and the weights in its hover', async () => {
    const folder = caffemodelFolder();
    fs.copyFileSync(path.join(folder, `${LENET}.caffemodel`), scratch('lenet.caffemodel'));
    const planted = fs.readFileSync(path.join(folder, LENET_COMPANION), 'utf8').replace('num_output: 50', 'num_output: 64');
    fs.writeFileSync(scratch('lenet.prototxt'), planted);
    const document = await openDocument(scratch('lenet.prototxt'));
    const diagnostics = await eventually(
      async () => diagnosticsOf(document),
      (d) => d.some((x) => x.code === 'weights-shape-mismatch'),
      'the weights diagnostic',
    );
    const conv2 = diagnostics.find((d) => d.message.startsWith('conv2:'));
    assert.ok(conv2, diagnostics.map((d) => d.message).join('\n'));
    assert.strictEqual(conv2.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(document.getText(conv2.range), '64');
    assert.match(conv2.message, /weights in lenet\.caffemodel are 50x20x5x5 but this layer implies 64x20x5x5 \(num_output\)/);
    const hover = await eventually(
      () => hoverText(document, positionOf(document, 'name: "conv1"', 8)),
      (h) => h.includes('Weights'),
      'the weights line in the hover',
    );
    assert.match(hover, /Weights\*\* from `lenet\.caffemodel`: weights: 20x1x5x5/);
  });

  test('"Pair with Weights File…" checks a prototxt against weights of another name', async () => {
    const folder = caffemodelFolder();
    fs.copyFileSync(path.join(folder, `${LENET}.caffemodel`), scratch('snapshots', 'iter_10000.caffemodel'));
    fs.writeFileSync(
      scratch('deploy.prototxt'),
      fs.readFileSync(path.join(folder, LENET_COMPANION), 'utf8').replace('kernel_size: 5', 'kernel_size: 3'),
    );
    const document = await openDocument(scratch('deploy.prototxt'));
    await vscode.commands.executeCommand(
      'energyLens.pairWeights',
      document.uri,
      vscode.Uri.file(scratch('snapshots', 'iter_10000.caffemodel')),
    );
    const diagnostics = await eventually(
      async () => diagnosticsOf(document),
      (d) => d.some((x) => x.code === 'weights-shape-mismatch'),
      'the diagnostic after pairing',
    );
    const conv1 = diagnostics.find((d) => d.message.startsWith('conv1:'));
    assert.ok(
      conv1 && conv1.message.includes('iter_10000.caffemodel') && conv1.message.includes('(kernel_size)'),
      diagnostics.map((d) => d.message).join('\n'),
    );
    assert.strictEqual(document.getText(conv1.range), '3');
  });
});
