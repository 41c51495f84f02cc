// Issue 4 in a real VS Code: predicted energy in the hover, inlay hints and top CodeLens of
// SqueezeNet v1.0, checked against numbers computed here from the built-in model files (read as
// plain JSON) and SqueezeNet's layer arithmetic; platform and inlay-hint settings take effect; an
// edit moves the numbers; the energyLens/report request is reachable through its command.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, openDocument, workspaceFile } from './helpers';
import {
  builtinModel,
  codeLensTitles,
  convOutput,
  eventually,
  hoverText,
  inlayHints,
  layerBlocks,
  near,
  openScratchCopy,
  parseEnergy,
  poolOutput,
  positionOf,
  replaceInDocument,
  setEnergyLensSetting,
  type BuiltinModelJson,
  type Hint,
  type LayerBlock,
} from './lsp-queries';

const SQUEEZENET = ['corpus', 'squeezenet_v1.0.prototxt'];
const TX2_GPU = 'jetson-tx2/pytorch-cuda/gpu';
/** Three significant figures on both sides: a displayed number is within 0.5 % of the true one. */
const DISPLAY_ROUNDING = 0.006;

// SqueezeNet v1.0 at batch 1: data 3×227×227 → conv1 (96, 7×7, stride 2) → pool1 (MAX 3×3, stride 2).
const C1 = convOutput(227, 7, 2);
const P1 = poolOutput(C1, 3, 2);
const CONV1 = { macs: 96 * C1 * C1 * 3 * 7 * 7, inputElements: 3 * 227 * 227, outputElements: 96 * C1 * C1 };
const POOL1 = { inputElements: 96 * C1 * C1, outputElements: 96 * P1 * P1 };

type Features = Record<string, number>;
function withBytes(f: Features): Features {
  return { ...f, activationBytes: (f.inputElements + f.outputElements) * 4 };
}

/** The sub-model a layer type uses in a model file (its own name or an `appliesTo` alias). */
function subModelFor(model: BuiltinModelJson, type: string): BuiltinModelJson['subModels'][string] | undefined {
  return model.subModels[type] ?? Object.values(model.subModels).find((s) => s.appliesTo?.includes(type));
}

/** A linear sub-model evaluated by hand: intercept + Σ coefficient × feature. */
function predictByHand(model: BuiltinModelJson, type: string, features: Features): number {
  const sub = subModelFor(model, type);
  if (!sub) throw new Error(`${model.platform.id} has no sub-model for ${type}`);
  assert.ok(
    sub.link === undefined || sub.link === 'identity',
    `${model.platform.id}/${type} is linear (this test evaluates only linear models)`,
  );
  return sub.features.reduce((sum, name, i) => {
    if (features[name] === undefined) throw new Error(`feature ${name} is not computed by this test`);
    return sum + sub.coefficients[i] * features[name];
  }, sub.intercept);
}

interface ParsedHint {
  energy: number;
  /** The predicted latency text (`6.02 ms`), on platforms whose model has latency sub-models. */
  latency?: string;
  share?: number;
}
const HINT = /^⚡ ([\d.]+ (?:µJ|mJ|J))(?: · ([\d.]+ (?:µs|ms|s)))?(?: · ([\d.]+) %)?(?: \(extrap\.\))?$/;
function parseHint(hint: Hint): ParsedHint {
  const m = HINT.exec(hint.label);
  if (!m) throw new Error(`inlay hint "${hint.label}" does not read "⚡ <energy> [· <latency>] · <share> %"`);
  return { energy: parseEnergy(m[1]), latency: m[2], share: m[3] === undefined ? undefined : Number(m[3]) };
}

function hintOf(hints: Hint[], block: LayerBlock): Hint | undefined {
  return hints.find((h) => h.line === block.line);
}

// A total that leaves layers out (not-modelled types) is a lower bound: "≥ 1.43 J".
const LENS = /^⚡ predicted (?:≥ )?(\S+ \S+) per image \((?:modelled layers, )?90 %: (\S+ \S+) – (\S+ \S+)\) · (.+?) · (.*)$/;
interface ParsedLens {
  total: number;
  low: number;
  high: number;
  platform: string;
  split: string;
}
function parseLens(titles: string[]): ParsedLens | undefined {
  for (const title of titles) {
    const m = LENS.exec(title);
    if (m) return { total: parseEnergy(m[1]), low: parseEnergy(m[2]), high: parseEnergy(m[3]), platform: m[4], split: m[5] };
  }
  return undefined;
}

function currentPlatform(): string {
  const id = vscode.workspace.getConfiguration('energyLens').get<string>('platform');
  if (!id) throw new Error('energyLens.platform has no value');
  return id;
}

/** An in-place Dropout (bottom = top) is a no-op at test time: predicted as no work, so no hint. */
function isInPlaceDropout(b: LayerBlock): boolean {
  const blob = (key: string) => new RegExp(`\\b${key}:\\s*"([^"]*)"`).exec(b.body)?.[1];
  return b.type === 'Dropout' && blob('bottom') !== undefined && blob('bottom') === blob('top');
}

/** Blocks whose type the model predicts and that do work: where inlay hints must be. */
function modelledBlocks(text: string, model: BuiltinModelJson): LayerBlock[] {
  return layerBlocks(text).filter((b) => subModelFor(model, b.type) !== undefined && !isInPlaceDropout(b));
}

suite('energy (issue 4)', () => {
  suiteSetup(async () => {
    await openDocument(workspaceFile(...SQUEEZENET));
    await activeExtension();
  });

  test('the hover on conv1 gives its predicted energy with the platform, interval and formula of the model file', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const model = builtinModel(currentPlatform());
    const text = await eventually(
      () => hoverText(document, positionOf(document, 'name: "conv1"', 'name: "'.length + 1)),
      (h) => h.includes('Predicted energy'),
      'the conv1 hover with a prediction',
    );
    assert.ok(text.includes(model.platform.label), `the platform label "${model.platform.label}" is named: ${text}`);
    const energy =
      /Predicted energy per image:\*\* ([\d.]+ (?:µJ|mJ|J)) gross \(90 % interval ([\d.]+ (?:µJ|mJ|J)) – ([\d.]+ (?:µJ|mJ|J))\)/.exec(text);
    assert.ok(energy, `the hover reads "Predicted energy per image: <E> (90 % interval <low> – <high>)": ${text}`);
    const [predicted, low, high] = energy.slice(1).map(parseEnergy);
    assert.ok(energy[1].endsWith('mJ'), 'conv1 is in the millijoule range');
    const expected = predictByHand(model, 'Convolution', withBytes(CONV1));
    assert.ok(near(predicted, expected, DISPLAY_ROUNDING), `conv1: hover ${predicted} mJ, by hand ${expected.toFixed(2)} mJ`);
    assert.ok(low < predicted && predicted < high, 'the interval contains the prediction');

    const sub = subModelFor(model, 'Convolution')!;
    const formula = /E = ([\d.]+) nJ × MACs/.exec(text);
    assert.ok(formula, `the formula is shown: ${text}`);
    assert.ok(
      sub.features.length === 1 && near(Number(formula[1]) * 1e-6, sub.coefficients[0], DISPLAY_ROUNDING),
      `the formula's coefficient ${formula[1]} nJ is the model file's ${sub.coefficients[0]} mJ`,
    );
    assert.ok(text.includes('1×96×111×111') && text.includes(`${(CONV1.macs / 1e6).toFixed(1)} M`), 'shape and MACs are there too');
  });

  test('inlay hints sit on exactly the modelled layers, agree with the model file, and their shares add up to 100 %', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const model = builtinModel(currentPlatform());
    const expectedBlocks = modelledBlocks(document.getText(), model);
    assert.ok(expectedBlocks.filter((b) => b.type === 'Convolution').length === 26, 'SqueezeNet v1.0 has 26 convolutions');
    assert.ok(expectedBlocks.filter((b) => b.type === 'ReLU').length === 26, 'and 26 ReLUs, each counted (memory traffic)');
    const hints = await eventually(
      () => inlayHints(document),
      (h) => h.length > 0,
      'inlay hints',
    );
    assert.deepStrictEqual(
      hints.map((h) => h.line).sort((a, b) => a - b),
      expectedBlocks.map((b) => b.line),
      'one hint per layer of a modelled type, on its layer line',
    );
    const parsed = hints.map(parseHint);
    assert.ok(
      parsed.every((p) => p.share !== undefined && p.energy > 0),
      'energy and share in every hint (default energyAndShare)',
    );
    const shares = parsed.reduce((s, p) => s + p.share!, 0);
    assert.ok(Math.abs(shares - 100) <= 0.05 * hints.length, `shares add up to ${shares} %`);

    const blocks = layerBlocks(document.getText());
    const conv1 = parseHint(
      hintOf(
        hints,
        blocks.find((b) => b.name === 'conv1')!,
      )!,
    );
    assert.ok(near(conv1.energy, predictByHand(model, 'Convolution', withBytes(CONV1)), DISPLAY_ROUNDING), `conv1 hint ${conv1.energy} mJ`);
    if (subModelFor(model, 'Pooling')) {
      const pool1 = parseHint(
        hintOf(
          hints,
          blocks.find((b) => b.name === 'pool1')!,
        )!,
      );
      const byHand = predictByHand(model, 'Pooling', withBytes(POOL1));
      assert.ok(near(pool1.energy, byHand, DISPLAY_ROUNDING), `pool1 hint ${pool1.energy} mJ, by hand ${byHand.toFixed(2)} mJ`);
    }
    // relu_conv1 works in place on conv1's output: one read and one write of it, per activation byte.
    const relu = parseHint(
      hintOf(
        hints,
        blocks.find((b) => b.name === 'relu_conv1')!,
      )!,
    );
    const reluByHand = predictByHand(model, 'ReLU', { activationBytes: 2 * 4 * CONV1.outputElements });
    assert.ok(near(relu.energy, reluByHand, DISPLAY_ROUNDING), `relu_conv1 hint ${relu.energy} mJ, by hand ${reluByHand.toFixed(3)} mJ`);
    const tooltip = hintOf(
      hints,
      blocks.find((b) => b.name === 'conv1')!,
    )!.tooltip;
    assert.ok(
      tooltip.includes(model.platform.label) && tooltip.includes('90 % interval'),
      `the tooltip says what the number is: ${tooltip}`,
    );
  });

  test('the top CodeLens gives the predicted total per image, equal to the sum of the layer hints, and offers a platform change', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const model = builtinModel(currentPlatform());
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => parseLens(t) !== undefined,
      'the energy CodeLens',
    );
    const lens = parseLens(titles)!;
    assert.strictEqual(lens.platform, model.platform.label);
    assert.ok(titles.includes('$(zap) Change platform'), `a "Change platform" lens: ${titles.join(' | ')}`);
    assert.ok(lens.low < lens.total && lens.total < lens.high, 'the interval contains the total');

    const hints = (await inlayHints(document)).map(parseHint);
    const sum = hints.reduce((s, h) => s + h.energy, 0);
    assert.ok(near(lens.total, sum, DISPLAY_ROUNDING), `CodeLens total ${lens.total} mJ vs sum of hints ${sum.toFixed(1)} mJ`);
    // The split by type: "conv 81.0 % · pool 19.0 %" from the same numbers.
    const blocks = modelledBlocks(document.getText(), model);
    const all = await inlayHints(document);
    const convSum = blocks.filter((b) => b.type === 'Convolution').reduce((s, b) => s + parseHint(hintOf(all, b)!).energy, 0);
    const conv = /\bconv ([\d.]+) %/.exec(lens.split);
    assert.ok(conv, `the split names conv: ${lens.split}`);
    assert.ok(
      Math.abs(Number(conv[1]) - (100 * convSum) / sum) < 0.5,
      `conv share ${conv[1]} % vs ${((100 * convSum) / sum).toFixed(1)} % from the hints`,
    );
  });

  test('Show Energy Report (energyLens/report) gives the same per-layer numbers as the hints', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const hints = await eventually(
      () => inlayHints(document),
      (h) => h.length > 0,
      'inlay hints',
    );
    const lens = parseLens(
      await eventually(
        () => codeLensTitles(document),
        (t) => parseLens(t) !== undefined,
        'the CodeLens',
      ),
    )!;
    const before = new Set(vscode.workspace.textDocuments);
    await vscode.commands.executeCommand('energyLens.showReport', document.uri);
    const report = await eventually(
      async () => vscode.workspace.textDocuments.find((d) => !before.has(d) && d.getText().startsWith('# Energy report')),
      (d) => d !== undefined,
      'the report document',
      10_000,
    );
    assert.ok(report);
    const markdown = report.getText();
    const total = /Total \*\*(?:≥ )?([\d.]+ (?:µJ|mJ|J))\*\*/.exec(markdown);
    assert.ok(
      total && near(parseEnergy(total[1]), lens.total, 1e-9),
      `the report total equals the CodeLens total: ${markdown.slice(0, 400)}`,
    );
    const blocks = layerBlocks(document.getText());
    for (const block of blocks.filter((b) => hintOf(hints, b))) {
      // Names are markdown-escaped in the table (relu\_conv1): compare with the escapes removed.
      const row = markdown
        .split('\n')
        .map((l) => l.replace(/\\(.)/g, '$1'))
        .find((l) => l.startsWith(`| ${block.name} | ${block.type} |`));
      assert.ok(row, `a report row for ${block.name}`);
      const energy = parseHint(hintOf(hints, block)!).energy;
      assert.ok(
        row.split('|').some((cell) => /^[\d.]+ (µJ|mJ|J)$/.test(cell.trim()) && parseEnergy(cell.trim()) === energy),
        `${block.name}: the report row ${row} has the hint's ${energy} mJ`,
      );
    }
    // The preview is the active editor now; close it (the report itself is a read-only virtual document).
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("choosing another platform changes the numbers to that model's, and an unknown platform says so", async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const original = builtinModel(currentPlatform());
    const tx2 = builtinModel(TX2_GPU);
    assert.notStrictEqual(original.platform.id, TX2_GPU, 'the test starts from another platform');
    const before = await eventually(
      () => codeLensTitles(document),
      (t) => parseLens(t) !== undefined,
      'the CodeLens',
    );
    const restore = await setEnergyLensSetting('platform', TX2_GPU);
    try {
      const lens = parseLens(
        await eventually(
          () => codeLensTitles(document),
          (t) => parseLens(t)?.platform === tx2.platform.label,
          `the CodeLens to name ${tx2.platform.label}`,
        ),
      )!;
      assert.notStrictEqual(lens.total, parseLens(before)!.total, 'the total changed');
      const hints = await eventually(
        () => inlayHints(document),
        (h) => h.length > 0 && h.every((x) => !x.tooltip.includes(original.platform.label)),
        'inlay hints from the new model',
      );
      const expectedBlocks = modelledBlocks(document.getText(), tx2);
      assert.deepStrictEqual(
        hints.map((h) => h.line).sort((a, b) => a - b),
        expectedBlocks.map((b) => b.line),
        `hints only on the types ${tx2.platform.label} models (${Object.keys(tx2.subModels).join(', ')})`,
      );
      const conv1 = parseHint(
        hintOf(
          hints,
          layerBlocks(document.getText()).find((b) => b.name === 'conv1')!,
        )!,
      );
      const byHand = predictByHand(tx2, 'Convolution', withBytes(CONV1));
      assert.ok(
        near(conv1.energy, byHand, DISPLAY_ROUNDING),
        `conv1 on ${TX2_GPU}: hint ${conv1.energy} mJ, by hand ${byHand.toFixed(2)} mJ`,
      );
      // TX2 models latency too: the hint shows it after the energy, the value the latency sub-model gives.
      assert.ok(tx2.latency, `${TX2_GPU} has latency sub-models`);
      const latencyByHand = predictByHand({ ...tx2, subModels: tx2.latency.subModels }, 'Convolution', withBytes(CONV1));
      const shown = /^([\d.]+) (µs|ms|s)$/.exec(conv1.latency ?? '');
      assert.ok(shown, `conv1 on ${TX2_GPU}: the hint shows a latency (${conv1.latency})`);
      const shownMs = Number(shown[1]) * (shown[2] === 's' ? 1000 : shown[2] === 'µs' ? 1e-3 : 1);
      assert.ok(
        near(shownMs, latencyByHand, DISPLAY_ROUNDING),
        `conv1 latency: hint ${shownMs} ms, by hand ${latencyByHand.toFixed(3)} ms`,
      );
      const hover = await hoverText(document, positionOf(document, 'name: "conv1"', 'name: "'.length + 1));
      assert.ok(hover.includes(tx2.platform.label), 'the hover names the new platform');
      assert.ok(hover.includes(`**Predicted latency:** ${conv1.latency}`), `the hover shows the hint's predicted latency: ${hover}`);
      assert.match(hover, /mean power [\d.]+ m?W \(predicted E\/t\)/, 'and the predicted mean power');
      const latencyLens = (await codeLensTitles(document)).find((t) => t.startsWith('⏱ predicted'));
      assert.ok(latencyLens && /^⏱ predicted (?:≥ )?[\d.]+ m?s per image/.test(latencyLens), `a net latency CodeLens: ${latencyLens}`);

      await vscode.workspace.getConfiguration('energyLens').update('platform', 'no-such-board/none', vscode.ConfigurationTarget.Workspace);
      await eventually(
        () => codeLensTitles(document),
        (t) => t.some((x) => x.includes("No energy model for platform 'no-such-board/none'")),
        'the CodeLens to say there is no model',
      );
      assert.deepStrictEqual(await inlayHints(document), [], 'no hints without a model');
    } finally {
      await restore();
    }
    await eventually(
      () => codeLensTitles(document),
      (t) => parseLens(t)?.platform === original.platform.label,
      'the original platform back',
    );
  });

  test('energyLens.inlayHints off removes the hints, energy drops the share, and the toggle command cycles them', async () => {
    const document = await openDocument(workspaceFile(...SQUEEZENET));
    const count = (
      await eventually(
        () => inlayHints(document),
        (h) => h.length > 0,
        'inlay hints',
      )
    ).length;
    const restore = await setEnergyLensSetting('inlayHints', 'off');
    try {
      await eventually(
        () => inlayHints(document),
        (h) => h.length === 0,
        'no inlay hints with "off"',
      );
      await vscode.workspace.getConfiguration('energyLens').update('inlayHints', 'energy', vscode.ConfigurationTarget.Workspace);
      const energyOnly = await eventually(
        () => inlayHints(document),
        (h) => h.length === count,
        'hints back with "energy"',
      );
      assert.ok(
        energyOnly.every((h) => parseHint(h).share === undefined && !h.label.includes('%')),
        'no share with "energy"',
      );
    } finally {
      await restore();
    }
    await eventually(
      () => inlayHints(document),
      (h) => h.length === count && h.every((x) => x.label.includes('%')),
      'energy and share again',
    );

    // The command writes the user setting: off → energy → energyAndShare.
    const restoreGlobal = await setEnergyLensSetting('inlayHints', undefined, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('energyLens.toggleInlayHints');
      await eventually(
        () => inlayHints(document),
        (h) => h.length === 0,
        'the first toggle turns hints off',
      );
      await vscode.commands.executeCommand('energyLens.toggleInlayHints');
      await eventually(
        () => inlayHints(document),
        (h) => h.length === count && h.every((x) => !x.label.includes('%')),
        'then energy only',
      );
      await vscode.commands.executeCommand('energyLens.toggleInlayHints');
      await eventually(
        () => inlayHints(document),
        (h) => h.length === count && h.every((x) => x.label.includes('%')),
        'then energy and share',
      );
    } finally {
      await restoreGlobal();
    }
  });

  test("editing conv1's num_output changes its hint, and the next layer's, by the MACs they lose", async () => {
    const document = await openScratchCopy(SQUEEZENET, 'energy-edit.prototxt');
    const model = builtinModel(currentPlatform());
    const blocks = layerBlocks(document.getText());
    const named = (name: string) => blocks.find((b) => b.name === name)!;
    const before = await eventually(
      () => inlayHints(document),
      (h) => h.length > 0,
      'inlay hints',
    );
    const conv1Before = parseHint(hintOf(before, named('conv1'))!).energy;
    const squeezeBefore = parseHint(hintOf(before, named('fire2/squeeze1x1'))!).energy;
    const untouched = hintOf(before, named('fire2/expand1x1'))!;

    await replaceInDocument(document, 'num_output: 96', 'num_output: 48');
    const after = await eventually(
      () => inlayHints(document),
      (h) => {
        const hint = hintOf(h, named('conv1'));
        return hint !== undefined && parseHint(hint).energy < conv1Before;
      },
      "conv1's hint to drop",
    );
    const conv1After = parseHint(hintOf(after, named('conv1'))!).energy;
    const byHand = predictByHand(
      model,
      'Convolution',
      withBytes({ ...CONV1, macs: CONV1.macs / 2, outputElements: CONV1.outputElements / 2 }),
    );
    assert.ok(near(conv1After, byHand, DISPLAY_ROUNDING), `conv1 with 48 outputs: hint ${conv1After} mJ, by hand ${byHand.toFixed(2)} mJ`);
    // fire2/squeeze1x1 now reads 48 channels instead of 96: half the MACs.
    const squeezeAfter = parseHint(hintOf(after, named('fire2/squeeze1x1'))!).energy;
    assert.ok(squeezeAfter < squeezeBefore, `fire2/squeeze1x1 dropped from ${squeezeBefore} to ${squeezeAfter} mJ`);
    assert.strictEqual(
      hintOf(after, named('fire2/expand1x1'))!.label.split(' · ')[0],
      untouched.label.split(' · ')[0],
      'a layer the edit does not reach keeps its energy',
    );
  });
});
