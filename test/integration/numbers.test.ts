// Issue 14 in a real VS Code: totals that leave layers out say they are lower bounds and name what is
// missing; one typo with a single fix keeps the numbers (marked provisional); a typo without a fix keeps
// every number that does not depend on the broken layer; the energy report is a read-only view with a
// stable name.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, openDocument, workspaceFile } from './helpers';
import { codeLensTitles, eventually, hoverText, inlayHints, openScratchCopy, positionOf } from './lsp-queries';

const SQUEEZENET = ['corpus', 'squeezenet_v1.0.prototxt'];
const predictedLens = (titles: string[]) => titles.find((t) => t.startsWith('⚡ predicted'));

suite('Honest numbers', () => {
  suiteSetup(async () => {
    await activeExtension();
  });

  test('ResNet-50: every layer is counted (BatchNorm, Scale, Eltwise, ReLU by memory traffic) and the extrapolated share is stated', async () => {
    const document = await openDocument(workspaceFile('corpus', 'resnet50.prototxt'));
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => predictedLens(t) !== undefined,
      'the predicted CodeLens',
      60_000,
    );
    const lens = predictedLens(titles)!;
    assert.match(lens, /^⚡ predicted [\d.]+ (?:mJ|J) per image/, `a full total, not a lower bound: ${lens}`);
    assert.ok(!/not modelled/.test(lens), lens);
    const extrapolated = /([\d.]+) % extrapolated \(([^)]*)\)/.exec(lens);
    assert.ok(extrapolated && Number(extrapolated[1]) > 0 && Number(extrapolated[1]) < 100, `the extrapolated share: ${lens}`);
    assert.match(extrapolated[2], /BatchNorm/, lens);
  });

  test('a layer type without a sub-model makes the total a lower bound that names it', async () => {
    const document = await openScratchCopy(
      SQUEEZENET,
      'numbers-deconv.prototxt',
      (t) =>
        `${t}\nlayer { name: "up" type: "Deconvolution" bottom: "pool10" top: "up" convolution_param { num_output: 4 kernel_size: 2 stride: 2 } }\n`,
    );
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => /Deconvolution not modelled/.test(predictedLens(t) ?? ''),
      'a CodeLens naming Deconvolution',
      60_000,
    );
    assert.match(predictedLens(titles)!, /^⚡ predicted ≥ [\d.]+ (?:mJ|J) per image/, predictedLens(titles));
  });

  test('a typo with one fix keeps the numbers, marked provisional on the layers that depend on it', async () => {
    const document = await openScratchCopy(SQUEEZENET, 'numbers-typo.prototxt', (t) => t.replace('kernel_size: 7', 'kernal_size: 7'));
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => /provisional/.test(predictedLens(t) ?? ''),
      'a provisional CodeLens',
      60_000,
    );
    assert.match(predictedLens(titles)!, /provisional \(assumes kernel_size for kernal_size\)/);
    // Diagnostics are published on their own schedule: wait for the typo's.
    const diagnostics = await eventually(
      async () => vscode.languages.getDiagnostics(document.uri),
      (d) => d.some((x) => /kernal_size/.test(x.message)),
      'the typo diagnostic (the typo is still an error in the file)',
    );
    assert.ok(diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error && /kernal_size/.test(d.message)));
    const hover = await hoverText(document, positionOf(document, '"conv10"', 2));
    assert.match(hover, /Predicted energy per image:\*\* [\d.]+ \S?J gross/, hover);
    assert.match(hover, /provisional \(assumes kernel_size for kernal_size\)/, `conv10 depends on conv1: ${hover}`);
    const hints = await inlayHints(document);
    assert.ok(
      hints.some((h) => /\(provisional\)$/.test(h.label)),
      `hints say provisional: ${hints.map((h) => h.label).join(' | ')}`,
    );
  });

  test('a typo without a fix: the other layers keep their numbers and the total says it is partial', async () => {
    const document = await openScratchCopy(SQUEEZENET, 'numbers-partial.prototxt', (t) =>
      t.replace(/(name: "conv10"[\s\S]*?)kernel_size: 1/, '$1zzz_qqq: 1'),
    );
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => /partial/.test(predictedLens(t) ?? ''),
      'a partial CodeLens',
      60_000,
    );
    const lens = predictedLens(titles)!;
    assert.match(lens, /^⚡ predicted ≥ /, lens);
    assert.match(lens, /partial: no number for conv10/, lens);
    const hover = await hoverText(document, positionOf(document, '"conv1"', 2));
    assert.match(hover, /Predicted energy per image:\*\* [\d.]+ \S?J/, `conv1, upstream, keeps its number: ${hover}`);
    assert.ok(!/provisional/.test(hover));
  });

  test('the energy report is a read-only document with a stable name, a per-type table and the total with its extrapolated share', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    await eventually(
      () => codeLensTitles(document),
      (t) => predictedLens(t) !== undefined,
      'the predicted CodeLens',
      60_000,
    );
    for (let round = 0; round < 2; round++) {
      await vscode.commands.executeCommand('energyLens.showReport', document.uri);
      const reports = await eventually(
        async () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'energy-lens-report'),
        (r) => r.length > 0 && r[0].getText().startsWith('# Energy report'),
        'the report document',
        20_000,
      );
      assert.strictEqual(reports.length, 1, 'one report document per network, however often it is opened');
      assert.strictEqual(reports[0].uri.path, '/squeezenet_v1.0.prototxt · energy report.md');
      const text = reports[0].getText();
      assert.match(text, /Total \*\*[\d.]+ (?:mJ|J)\*\*/, text.slice(0, 400));
      assert.match(text, /[\d.]+ % extrapolated \\?\(Concat, ReLU/, text.slice(0, 600));
      assert.match(text, /## By layer type/);
      assert.match(text, /\| Convolution \| [\d.]+ (?:mJ|J) \| [\d.]+ % \|/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  test('a layer outside the data its model was fitted on says so: AlexNet conv1 (kernel 11) on the SqueezeNet-fitted TX1 model', async () => {
    const document = await openDocument(workspaceFile('samples', 'alexnet.prototxt'));
    const hover = await eventually(
      () => hoverText(document, positionOf(document, '"conv1"', 2)),
      (h) => h.includes('Predicted energy'),
      'the conv1 hover',
      60_000,
    );
    assert.match(hover, /outside the model's data \(stride 4; trained on stride 1, 2; kernel 11; trained on kernel 1, 3, 7/, hover);
    const conv2 = await hoverText(document, positionOf(document, '"conv2"', 2));
    assert.match(conv2, /outside the model's data \(.*kernel 5; trained on kernel 1, 3, 7.*group 2; trained on group 1/, conv2);
  });
});
