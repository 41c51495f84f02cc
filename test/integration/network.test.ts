// Issue 3 in a real VS Code: navigation over blobs and layer names (definition, references, rename),
// layer hovers with shapes and MACs computed here from Caffe's rules, and the missing-input-shape
// warning on a data-layer file with the quick fix that makes the network analysable.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, openDocument, workspaceFile } from './helpers';
import {
  codeLensTitles,
  convOutput,
  diagnosticsOf,
  eventually,
  hoverText,
  layerBlocks,
  openScratchCopy,
  poolOutput,
  positionOf,
  quickFixes,
} from './lsp-queries';

const ALEXNET = ['corpus', 'alexnet.prototxt'];
const ALL_CNN_C = ['corpus', 'all_cnn_c_trainval.prototxt'];

/** Start offsets of every `top:`/`bottom:`/`input:` literal naming `blob`, with its quotes. */
function blobLiterals(text: string, blob: string): number[] {
  const re = new RegExp(`\\b(?:top|bottom|input)\\s*:\\s*("${blob.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}")`, 'g');
  return [...text.matchAll(re)].map((m) => m.index! + m[0].length - m[1].length);
}

/** MACs as the hover shows them (four significant figures and an SI suffix): 105415200 → "105.4 M". */
function countText(n: number): string {
  const [scale, suffix] = n >= 1e9 ? [1e9, 'G'] : n >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  return `${Number((n / scale).toPrecision(4)).toFixed(Math.max(0, 3 - Math.floor(Math.log10(n / scale))))} ${suffix}`;
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

async function definitionsAt(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[]> {
  const found =
    (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      document.uri,
      position,
    )) ?? [];
  return found.map((d) => ('targetUri' in d ? new vscode.Location(d.targetUri, d.targetSelectionRange ?? d.targetRange) : d));
}

async function referencesAt(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[]> {
  return (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, position)) ?? [];
}

async function renameAt(document: vscode.TextDocument, position: vscode.Position, newName: string): Promise<vscode.WorkspaceEdit> {
  return vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', document.uri, position, newName);
}

suite('network (issue 3)', () => {
  suiteSetup(async () => {
    await openDocument(workspaceFile(...ALEXNET));
    await activeExtension();
  });

  test('go to definition from a bottom lands on the top that creates the blob, not on an in-place reuse', async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    const text = document.getText();
    // norm1 reads conv1, which conv1 creates and relu1 rewrites in place.
    const [created, inPlace] = blobLiterals(text, 'conv1').filter((at) => text.slice(at - 5, at) === 'top: ');
    assert.ok(created !== undefined && inPlace !== undefined, 'conv1 is a top twice (conv1, relu1 in place)');
    const norm1Bottom = positionOf(document, 'bottom: "conv1"', 'bottom: "'.length + 2, 1);
    assert.strictEqual(
      layerBlocks(text)
        .filter((b) => b.line < norm1Bottom.line)
        .pop()?.name,
      'norm1',
      'the cursor is in norm1',
    );
    const locations = await eventually(
      () => definitionsAt(document, norm1Bottom),
      (l) => l.length > 0,
      'a definition of conv1',
    );
    assert.strictEqual(locations.length, 1, `one definition: ${JSON.stringify(locations.map((l) => l.range.start))}`);
    assert.strictEqual(locations[0].uri.toString(), document.uri.toString());
    assert.strictEqual(document.offsetAt(locations[0].range.start), created, "at the conv1 layer's top literal");
    assert.strictEqual(document.getText(locations[0].range), '"conv1"');
  });

  test('references of a blob are all its tops and bottoms, and never the layer named like it', async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    const text = document.getText();
    const expected = blobLiterals(text, 'conv1');
    assert.strictEqual(expected.length, 4, 'conv1 top, relu1 bottom+top, norm1 bottom');
    const at = positionOf(document, 'top: "conv1"', 'top: "'.length + 1);
    const refs = await eventually(
      () => referencesAt(document, at),
      (r) => r.length > 0,
      'references of conv1',
    );
    assert.deepStrictEqual(
      refs.map((r) => document.offsetAt(r.range.start)).sort((a, b) => a - b),
      expected,
    );
    assert.ok(refs.every((r) => document.getText(r.range) === '"conv1"'));
  });

  test('renaming a blob rewrites every top and bottom of it and leaves the layer name alone', async () => {
    const document = await openScratchCopy(ALEXNET, 'network-rename.prototxt');
    const before = document.getText();
    const uses = blobLiterals(before, 'pool1');
    assert.strictEqual(uses.length, 2, "pool1: its top and conv2's bottom");
    const conv2Bottom = positionOf(document, 'bottom: "pool1"', 'bottom: "'.length + 1);
    const edit = await eventually(
      () => renameAt(document, conv2Bottom, 'pool1_out'),
      (e) => e !== undefined && e.size > 0,
      'a rename edit',
    );
    assert.strictEqual(edit.get(document.uri).length, uses.length, 'one edit per use');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = document.getText();
    assert.deepStrictEqual(blobLiterals(after, 'pool1'), [], 'no top or bottom still says pool1');
    assert.strictEqual(blobLiterals(after, 'pool1_out').length, uses.length, 'every use says pool1_out');
    assert.ok(after.includes('name: "pool1"'), 'the layer is still called pool1');
    assert.strictEqual(after.replace(/"pool1_out"/g, '"pool1"'), before, 'nothing else changed');
    // The network still connects: conv2 keeps its input shape.
    const hover = await eventually(
      () => hoverText(document, positionOf(document, 'name: "conv2"', 'name: "'.length + 1)),
      (h) => h.includes('1×256×27×27'),
      'the conv2 hover after the rename',
    );
    assert.ok(hover);
    assert.deepStrictEqual(diagnosticsOf(document), [], 'no problems after the rename');
  });

  test('renaming a layer name changes only that name, not the blob of the same name', async () => {
    const document = await openScratchCopy(ALEXNET, 'network-rename-layer.prototxt');
    const before = document.getText();
    const edit = await eventually(
      () => renameAt(document, positionOf(document, 'name: "conv1"', 'name: "'.length + 1), 'first_conv'),
      (e) => e !== undefined && e.size > 0,
      'a layer rename edit',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = document.getText();
    assert.strictEqual(after, before.replace('name: "conv1"', 'name: "first_conv"'));
    assert.strictEqual(blobLiterals(after, 'conv1').length, 4, 'the blob conv1 keeps its name');
  });

  test('a rename to a name with a quote is refused', async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    await assert.rejects(renameAt(document, positionOf(document, 'top: "conv1"', 'top: "'.length + 1), 'bad"name'));
  });

  test("hover on AlexNet layer names shows output shapes and MACs that follow from Caffe's arithmetic", async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    // Batch 1 (the default energyLens.batchSize), 3×227×227 input from the file.
    const c1 = convOutput(227, 11, 4); // 55
    const p1 = poolOutput(c1, 3, 2); // 27
    const c2 = convOutput(p1, 5, 1, 2); // 27, group 2
    const p5 = poolOutput(poolOutput(convOutput(p1, 5, 1, 2), 3, 2), 3, 2); // 6
    const cases = [
      { layer: 'conv1', shape: `1×96×${c1}×${c1}`, macs: 96 * c1 * c1 * 3 * 11 * 11, params: 96 * 3 * 11 * 11 + 96 },
      { layer: 'conv2', shape: `1×256×${c2}×${c2}`, macs: 256 * c2 * c2 * (96 / 2) * 5 * 5, params: 256 * (96 / 2) * 5 * 5 + 256 },
      { layer: 'fc6', shape: '1×4096', macs: 256 * p5 * p5 * 4096, params: 256 * p5 * p5 * 4096 + 4096 },
    ];
    assert.deepStrictEqual([c1, p1, c2, p5], [55, 27, 27, 6], "AlexNet's published sizes");
    for (const c of cases) {
      const text = await eventually(
        () => hoverText(document, positionOf(document, `name: "${c.layer}"`, 'name: "'.length + 1)),
        (h) => h.includes(c.layer),
        `the hover of ${c.layer}`,
      );
      assert.ok(text.includes(c.shape), `${c.layer}: output ${c.shape} in ${text}`);
      assert.ok(text.includes(`MACs | ${countText(c.macs)}`), `${c.layer}: MACs ${countText(c.macs)} in ${text}`);
      assert.ok(text.includes(c.params.toLocaleString('en-US')), `${c.layer}: parameters ${c.params.toLocaleString('en-US')} in ${text}`);
    }
  });

  test('a data-layer trainval file warns that the input shape is missing, and the quick fix inserts the directive', async () => {
    const document = await openScratchCopy(ALL_CNN_C, 'network-all-cnn-c.prototxt');
    const blocks = layerBlocks(document.getText());
    // With the default phase TEST, the analysed data layer is the one included in TEST.
    const testData = blocks.find((b) => b.type === 'Data' && /phase:\s*TEST/.test(b.body));
    assert.ok(testData, 'the file has a TEST data layer');
    const nextBlock = blocks[blocks.indexOf(testData) + 1];

    const warning = await eventually(
      async () => diagnosticsOf(document).find((d) => codeOf(d) === 'missing-input-shape'),
      (d) => d !== undefined,
      'the missing-input-shape warning',
    );
    assert.ok(warning);
    assert.strictEqual(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(
      warning.range.start.line >= testData.line && warning.range.start.line < nextBlock.line,
      `the warning is on the TEST data layer (lines ${testData.line}-${nextBlock.line - 1}), not at line ${warning.range.start.line}`,
    );
    assert.match(warning.message, /energy-lens: input/, 'the message says how to give the shape');
    assert.ok(
      (await codeLensTitles(document)).some((t) => /no prediction yet/.test(t) && /input shape unknown/.test(t)),
      'the CodeLens explains why there is no number',
    );

    const fixes = await eventually(
      () => quickFixes(document, warning),
      (f) => f.length > 0,
      'quick fixes for the warning',
    );
    const fix = fixes.find((f) => f.isPreferred) ?? fixes[0];
    const shape = /input (\d+(?:,\d+)+)/.exec(fix.title)?.[1];
    assert.ok(fix.edit && shape, `the fix names a shape: ${fix.title}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const directiveLine = document.lineAt(testData.line);
    assert.strictEqual(directiveLine.text.trim(), `# energy-lens: input ${shape}`, 'the directive is on its own line above the data layer');
    assert.match(document.lineAt(testData.line + 1).text, /^\s*layer\s*\{/, 'followed by the data layer');

    await eventually(
      async () => diagnosticsOf(document),
      (d) => !d.some((x) => codeOf(x) === 'missing-input-shape'),
      'the warning to go',
    );
    // The network is analysable now: conv1 (3×3, pad 1) keeps the spatial size of the directive's input.
    const [, channels, height, width] = shape.split(',').map(Number);
    assert.strictEqual(channels, 3);
    const conv1 = `1×96×${convOutput(height, 3, 1, 1)}×${convOutput(width, 3, 1, 1)}`;
    await eventually(
      () => hoverText(document, positionOf(document, 'name: "conv1"', 'name: "'.length + 1)),
      (h) => h.includes(conv1),
      `conv1's hover to show ${conv1}`,
    );
    await eventually(
      () => codeLensTitles(document),
      (t) => t.some((x) => /predicted .* per image/.test(x)),
      'a predicted total in the CodeLens',
    );
  });
});
