// Issue 2 in a real VS Code: outline, folding, diagnostics with a working quick fix, completion
// from the schema, formatting, and solver files recognised as solvers. Values are compared with
// facts taken from the file text by our own scanner, not with the product's parser.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, openDocument, workspaceFile } from './helpers';
import {
  codeLensTitles,
  completionItems,
  diagnosticsOf,
  documentSymbols,
  eventually,
  hoverText,
  insertTextOf,
  labelOf,
  layerBlocks,
  openScratchCopy,
  positionOf,
  quickFixes,
  rangeOf,
  replaceInDocument,
} from './lsp-queries';

const ALEXNET = ['corpus', 'alexnet.prototxt'];
const LENET = ['corpus', 'lenet.prototxt'];

async function format(document: vscode.TextDocument): Promise<vscode.TextEdit[]> {
  return (
    (await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', document.uri, {
      tabSize: 2,
      insertSpaces: true,
    })) ?? []
  );
}

async function formatInPlace(document: vscode.TextDocument): Promise<string> {
  const edits = await eventually(
    () => format(document),
    (e) => e.length > 0,
    `formatting edits for ${document.fileName}`,
  );
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, edits);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the formatting edit applies');
  return document.getText();
}

/** The same network with its layout scrambled: no indentation, fields run together, tabs, no spaces after colons. */
function scramble(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines
    .map((line, i) => {
      const squeezed = line.replace(/^(\w+):\s+/, '$1:');
      if (line.includes('#')) return `${squeezed}\n`;
      return i % 3 === 0 ? `${squeezed}   ` : i % 3 === 1 ? `\t${squeezed}\n${' '.repeat(i % 5)}` : `${squeezed}\n`;
    })
    .join('');
}

/** Tokens without layout; `field: {` and `field {` are the same message in prototxt. */
function tokens(text: string): string {
  return text.replace(/:\s*\{/g, '{').replace(/\s+/g, '');
}

suite('editor (issue 2)', () => {
  suiteSetup(async () => {
    await openDocument(workspaceFile(...ALEXNET));
    await activeExtension();
  });

  test('the outline lists every layer of AlexNet by name and type, in file order', async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    const blocks = layerBlocks(document.getText());
    assert.strictEqual(blocks.length, 24, 'our scanner finds the 24 layer blocks of the corpus AlexNet');
    const symbols = await eventually(
      () => documentSymbols(document),
      (s) => s.length > 0,
      'document symbols',
    );
    const layers = symbols.filter((s) => s.kind === vscode.SymbolKind.Class);
    assert.deepStrictEqual(
      layers.map((s) => s.name),
      blocks.map((b) => b.name),
      'layer symbols: names in file order',
    );
    assert.deepStrictEqual(
      layers.map((s) => s.detail),
      blocks.map((b) => b.type),
      'layer symbols carry the type as detail',
    );
    assert.deepStrictEqual(
      layers.map((s) => s.range.start.line),
      blocks.map((b) => b.line),
      'each symbol starts at its layer keyword',
    );
    for (const symbol of layers) {
      assert.strictEqual(
        document.getText(symbol.selectionRange),
        `"${symbol.name}"`,
        `the selection of ${symbol.name} is its name literal`,
      );
    }
    const conv1 = layers.find((s) => s.name === 'conv1');
    assert.ok(
      conv1?.children.some((c) => c.name === 'convolution_param'),
      'conv1 has its convolution_param as a child',
    );
    const header = symbols.find((s) => s.name === 'name');
    assert.strictEqual(header?.detail, 'AlexNet', 'the network name is in the outline');
  });

  test('every multi-line layer block folds from its layer line', async () => {
    const document = await openDocument(workspaceFile(...ALEXNET));
    const blocks = layerBlocks(document.getText());
    const ranges = await eventually(
      async () => (await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri)) ?? [],
      (r) => r.length > 0,
      'folding ranges',
    );
    const starts = new Set(ranges.map((r) => r.start));
    const missing = blocks.filter((b) => !starts.has(b.line)).map((b) => b.name);
    assert.deepStrictEqual(missing, [], 'layers without a folding range');
    for (const r of ranges)
      assert.ok(r.end > r.start && r.end < document.lineCount, `folding range ${r.start}-${r.end} is inside the file`);
  });

  test('a typo kernal_size gets an error on exactly that word, and its quick fix removes it', async () => {
    const document = await openScratchCopy(ALEXNET, 'editor-typo.prototxt');
    await replaceInDocument(document, 'kernel_size: 11', 'kernal_size: 11');
    const typoRange = rangeOf(document, 'kernal_size');
    const diagnostic = await eventually(
      async () => diagnosticsOf(document).find((d) => d.range.isEqual(typoRange)),
      (d) => d !== undefined,
      'a diagnostic on kernal_size',
    );
    assert.ok(diagnostic);
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /kernal_size/);
    assert.match(diagnostic.message, /ConvolutionParameter/, 'the message names the message type the field is in');
    assert.match(diagnostic.message, /kernel_size/, 'the message suggests the right name');

    const fixes = await eventually(
      () => quickFixes(document, diagnostic),
      (f) => f.length > 0,
      'a quick fix for kernal_size',
    );
    const fix = fixes.find((f) => /kernel_size/.test(f.title));
    assert.ok(fix?.edit, `a quick fix that renames to kernel_size: ${fixes.map((f) => f.title).join(' | ')}`);
    assert.strictEqual(fix.isPreferred, true, 'the did-you-mean fix is preferred (auto-fixable)');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.strictEqual(document.getText(typoRange), 'kernel_size', 'the fix rewrote the typo in place');
    assert.ok(!document.getText().includes('kernal_size'));
    await eventually(
      async () => diagnosticsOf(document),
      (d) => d.length === 0,
      'no diagnostics after the fix',
    );
  });

  test('a net of over a million characters gets its typo and its graph problem reported', async () => {
    // Large files publish syntax and schema problems first, then the network's; both must arrive.
    const extra = Array.from(
      { length: 16_000 },
      (_, i) => `layer {\n  name: "relu_extra${i}"\n  type: "ReLU"\n  bottom: "fc8"\n  top: "fc8"\n}\n`,
    ).join('');
    const document = await openScratchCopy(
      ALEXNET,
      'editor-large.prototxt',
      (t) =>
        t.replace('kernel_size: 11', 'kernal_size: 11') +
        extra +
        'layer {\n  name: "dangling"\n  type: "ReLU"\n  bottom: "nowhere"\n  top: "dangling"\n}\n',
    );
    assert.ok(document.getText().length > 1_000_000, `the file has ${document.getText().length} characters`);
    const codes = (d: vscode.Diagnostic[]) => d.map((x) => String(typeof x.code === 'object' ? x.code.value : x.code));
    const diagnostics = await eventually(
      async () => diagnosticsOf(document),
      (d) => codes(d).includes('unknown-field') && codes(d).includes('undefined-bottom'),
      'the typo and the dangling bottom',
      90_000,
    );
    assert.ok(diagnostics.find((d) => codes([d])[0] === 'unknown-field')?.range.isEqual(rangeOf(document, 'kernal_size')));
    const dangling = diagnostics.find((d) => codes([d])[0] === 'undefined-bottom');
    assert.strictEqual(dangling?.range.start.line, rangeOf(document, 'nowhere').start.line, 'on the dangling bottom');
  });

  test('completion inside convolution_param offers its missing fields and nothing from other messages', async () => {
    // conv2 without num_output: the cursor sits on the emptied line inside its convolution_param,
    // which still sets pad, kernel_size and group.
    const document = await openScratchCopy(ALEXNET, 'editor-completion.prototxt', (t) => t.replace('num_output: 256', ''));
    const line = positionOf(document, 'convolution_param {', 0, 1).line + 1;
    assert.strictEqual(document.lineAt(line).text.trim(), '', 'the emptied line');
    assert.match(document.lineAt(line + 3).text, /group: 2/, 'conv2 sets group');
    const position = new vscode.Position(line, document.lineAt(line).text.length);
    const items = await eventually(
      () => completionItems(document, position),
      (i) => i.some((x) => labelOf(x) === 'num_output'),
      'num_output in the completion list',
    );
    const labels = items.map(labelOf);
    const numOutput = items.find((i) => labelOf(i) === 'num_output');
    assert.strictEqual(numOutput?.kind, vscode.CompletionItemKind.Field);
    assert.strictEqual(insertTextOf(numOutput), 'num_output: ');
    for (const field of ['weight_filler', 'bias_term', 'dilation', 'engine'])
      assert.ok(labels.includes(field), `${field} (ConvolutionParameter) is offered: ${labels.join(', ')}`);
    // kernel_size and pad are `repeated` in caffe.proto (one per spatial axis), so they may come again; group may not.
    assert.ok(labels.includes('kernel_size'), 'repeated kernel_size stays available');
    assert.ok(!labels.includes('group'), 'group is set already and is not repeated');
    for (const foreign of ['lr_mult', 'bottom', 'local_size', 'pool'])
      assert.ok(!labels.includes(foreign), `${foreign} belongs to another message`);
  });

  test('completion after "type: " offers the layer types, quoted', async () => {
    const document = await openScratchCopy(ALEXNET, 'editor-type.prototxt', (t) => t.replace('type: "Convolution"', 'type: '));
    const position = positionOf(document, 'type: \n', 'type: '.length);
    const items = await eventually(
      () => completionItems(document, position),
      (i) => i.some((x) => labelOf(x) === 'Convolution'),
      'Convolution in the completion list',
    );
    const conv = items.find((i) => labelOf(i) === 'Convolution');
    assert.ok(conv);
    assert.strictEqual(insertTextOf(conv), '"Convolution"', 'the type is inserted with its quotes');
    const labels = items.map(labelOf);
    for (const type of ['Pooling', 'InnerProduct', 'ReLU', 'LRN', 'Concat']) assert.ok(labels.includes(type), `${type} is offered`);
    assert.ok(!labels.includes('num_output'), 'no field names in a value position');

    // Inside an opened quote the quotes are already there.
    await replaceInDocument(document, 'type: \n', 'type: "Conv\n');
    const inQuote = positionOf(document, 'type: "Conv', 'type: "Conv'.length);
    const quoted = await eventually(
      () => completionItems(document, inQuote),
      (i) => i.some((x) => labelOf(x) === 'Convolution'),
      'Convolution inside quotes',
    );
    assert.strictEqual(insertTextOf(quoted.find((i) => labelOf(i) === 'Convolution')!), 'Convolution');
  });

  test('completion after "bottom: " offers only blobs produced above the cursor', async () => {
    // conv2's input: everything above conv2 qualifies; conv2's own output and later blobs do not.
    const document = await openScratchCopy(ALEXNET, 'editor-bottom.prototxt', (t) => t.replace('bottom: "pool1"', 'bottom: '));
    const position = positionOf(document, 'bottom: \n', 'bottom: '.length);
    const items = await eventually(
      () => completionItems(document, position),
      (i) => i.some((x) => labelOf(x) === 'pool1'),
      'pool1 in the completion list',
    );
    const labels = items.map(labelOf);
    for (const above of ['data', 'conv1', 'norm1', 'pool1']) assert.ok(labels.includes(above), `${above} is produced above conv2`);
    assert.strictEqual(insertTextOf(items.find((i) => labelOf(i) === 'pool1')!), '"pool1"', 'blob names are inserted quoted');
    for (const below of ['norm2', 'fc6', 'prob']) assert.ok(!labels.includes(below), `${below} is produced below, not offered`);
    assert.ok(
      !labels.includes('conv2'),
      `conv2 is this layer's own output (its top, below the cursor): offering it as its input makes a cycle; offered: ${labels.join(', ')}`,
    );
  });

  test('formatting a scrambled copy gives the canonical text, and formatting that again changes nothing', async () => {
    const original = await openScratchCopy(LENET, 'editor-format-original.prototxt');
    const sourceText = original.getText();
    const canonical = await formatInPlace(original);

    // Canonical layout, checked independently: two-space indentation by brace depth, one field per
    // line, no trailing blanks, one final newline, and the same tokens as the original.
    let depth = 0;
    canonical
      .split('\n')
      .slice(0, -1)
      .forEach((line, i) => {
        if (line.trim() === '}') depth--;
        assert.strictEqual(
          line,
          `${'  '.repeat(depth)}${line.trim()}`,
          `line ${i + 1} is indented by depth ${depth}: ${JSON.stringify(line)}`,
        );
        assert.match(line.trim(), /^(\w+: \S.*|\w+ \{|\})$/, `line ${i + 1} holds one field: ${JSON.stringify(line)}`);
        if (line.trim().endsWith('{')) depth++;
      });
    assert.strictEqual(depth, 0, 'braces balance');
    assert.ok(canonical.endsWith('}\n') && !canonical.endsWith('\n\n'), 'one final newline');
    assert.strictEqual(tokens(canonical), tokens(sourceText), 'formatting kept every token');

    const messy = await openScratchCopy(LENET, 'editor-format-messy.prototxt', scramble);
    assert.notStrictEqual(messy.getText(), canonical);
    assert.strictEqual(await formatInPlace(messy), canonical, 'the scrambled copy formats to the same canonical text');
    assert.deepStrictEqual(await format(messy), [], 'formatting canonical text is a no-op');
    const symbols = await documentSymbols(messy);
    assert.strictEqual(
      symbols.filter((s) => s.kind === vscode.SymbolKind.Class).length,
      layerBlocks(sourceText).length,
      'the formatted network has all its layers',
    );
  });

  test('a solver file is validated against the solver schema, not as a network', async () => {
    const solver = [
      'net: "train_val.prototxt"',
      'test_iter: 1000',
      'test_interval: 1000',
      'base_lr: 0.01',
      'lr_policy: "step"',
      'gamma: 0.1',
      'stepsize: 100000',
      'momentom: 0.9',
      'weight_decay: 0.0005',
      'max_iter: 450000',
      '',
      'solver_mode: GPU',
      '',
    ].join('\n');
    const document = await openScratchCopy(null, 'editor_solver.prototxt', () => solver);
    const diagnostics = await eventually(
      async () => diagnosticsOf(document),
      (d) => d.length > 0,
      'solver diagnostics',
    );
    assert.strictEqual(diagnostics.length, 1, `only the typo is a problem: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.ok(diagnostics[0].range.isEqual(rangeOf(document, 'momentom')), 'the diagnostic is on the typo');
    assert.match(diagnostics[0].message, /SolverParameter/, 'checked against SolverParameter');
    assert.match(diagnostics[0].message, /momentum/, 'suggests momentum');

    // Solver fields complete on an empty line; network fields do not.
    const emptyLine = positionOf(document, 'max_iter: 450000\n', 'max_iter: 450000\n'.length);
    const labels = (
      await eventually(
        () => completionItems(document, emptyLine),
        (i) => i.length > 0,
        'solver completion',
      )
    ).map(labelOf);
    assert.ok(labels.includes('snapshot_prefix') && labels.includes('display'), `solver fields offered: ${labels.slice(0, 20).join(', ')}`);
    assert.ok(!labels.includes('layer') && !labels.includes('input_shape'), 'network fields are not offered in a solver');
    assert.ok(!labels.includes('base_lr'), 'base_lr is already set');
    assert.match(await hoverText(document, positionOf(document, 'base_lr', 2)), /SolverParameter/, 'the hover documents the solver field');
    assert.deepStrictEqual(await codeLensTitles(document), [], 'no energy CodeLens on a solver');

    const fix = (await quickFixes(document, diagnostics[0])).find((f) => /momentum/.test(f.title));
    assert.ok(fix?.edit, 'a quick fix to momentum');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await eventually(
      async () => diagnosticsOf(document),
      (d) => d.length === 0,
      'no diagnostics once the solver is valid',
    );
  });
});
