// The refit panel in a real VS Code: open it on a real measurement file (the TX2 GPU convolution
// sweep from the shared data), check that every chart is drawn, switch method and family the way
// the webview's own controls do, check that the figures change, hide and re-show the panel (its
// state comes back), and save the fit as a model through the extension's real wiring.
//
// Expects the lead's wiring in client/src/extension.ts: registerRefitPanel(context, deps) with
// deps.saveModel writing a model file and returning its path.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { unescapeMarkdown } from './lsp-queries';
import type { CsvImportSpec, PanelControls, RenderReport } from '../../client/src/panel/messages';
import type { RefitTestReport } from '../../client/src/panel/refit-panel';
import type { EnergyModel } from '../../server/src/energy/model';
import { activeExtension, openDocument, waitFor, workspaceFile } from './helpers';

const REFIT = 'energyLens.refitModels';
const REPORT = 'energyLens.refit.lastRenderReport';
const DRIVE = 'energyLens.refit.drive';
const PLATFORM = 'test/refit-panel/gpu';

const report = async () => (await vscode.commands.executeCommand<RefitTestReport>(REPORT))!;

/** Waits for a render of the given fit choices with every data chart drawn. */
async function rendered(what: string, match: (r: RenderReport) => boolean, candidates = 1): Promise<RenderReport> {
  return waitFor(
    async () => {
      const r = await report();
      if (r.error && !r.render) throw new Error(r.error);
      const render = r.render;
      if (!render || !match(render) || render.candidates < candidates) return undefined;
      const drawn = render.charts.filter((c) => c.id !== 'networks');
      return drawn.every((c) => c.points > 0 && c.nonEmptyPixels > 0) ? render : undefined;
    },
    150_000,
    what,
  );
}

/** A TX2 conv sweep of the shared data, imported with its hyper-parameter columns as features. */
async function sweepCsv(file: string): Promise<CsvImportSpec> {
  const extension = await activeExtension();
  const shared = process.env.ENERGY_LENS_SHARED ?? path.resolve(extension.extensionPath, '..', 'shared');
  const csv: CsvImportSpec = {
    path: path.join(shared, 'data', file),
    target: 'energy_mJ',
    features: [
      { column: 'macs', name: 'macs' },
      { column: 'c_in', name: 'channelsIn' },
      { column: 'k', name: 'kernelH' },
      { column: 'c_out', name: 'channelsOut' },
    ],
    defaultType: 'Convolution',
  };
  assert.ok(fs.existsSync(csv.path), `${csv.path} is missing: set ENERGY_LENS_SHARED`);
  return csv;
}

/** Clicks Save and waits for the notice that starts with `notice`; the model file written, read back. */
async function clickSave(notice: string): Promise<{ model: EnergyModel; notice: string }> {
  await vscode.commands.executeCommand(DRIVE, { click: 'save' });
  const r = await waitFor(
    async () => {
      const x = await report();
      return x.notice?.startsWith(notice) && x.saved ? x : undefined;
    },
    30_000,
    `'${notice}…'`,
  );
  const file = path.isAbsolute(r.saved!) ? r.saved! : path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, r.saved!);
  return { model: JSON.parse(fs.readFileSync(file, 'utf8')), notice: r.notice! };
}

suite('refit panel', () => {
  let saved: string | undefined;
  let platformBefore: unknown;

  suiteSetup(() => {
    platformBefore = vscode.workspace.getConfiguration('energyLens').inspect('platform')?.workspaceValue;
  });

  suiteTeardown(async () => {
    if (saved && fs.existsSync(saved)) fs.rmSync(saved);
    // Saving switches the workspace to the saved platform: put the setting back for the next suites.
    await vscode.workspace.getConfiguration('energyLens').update('platform', platformBefore, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('fits a real sweep, draws every chart, follows method and family, restores, saves', async function () {
    this.timeout(300_000);
    await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    const csv = await sweepCsv('tx2_gpu_conv_sweep.csv');
    const controls: Partial<PanelControls> = {
      family: 'layer-type',
      method: 'relative',
      validation: 'holdout',
      validationParam: 0.2,
      platformId: PLATFORM,
    };
    await vscode.commands.executeCommand(REFIT, { csv, controls });

    // 1. The first fit: every data chart drawn; the sweep names no networks, so that chart is empty.
    const first = await rendered('the layer-type relative fit to be drawn', (r) => r.family === 'layer-type' && r.method === 'relative');
    assert.strictEqual(first.datasetId, `csv:${csv.path}`);
    assert.match(first.metricsText, /^MAPE \d+\.\d % · RMSPE/);
    assert.match(first.metricsText, /held out \(holdout:0\.2 \(seed 1\)\)/);
    const mvp = first.charts.find((c) => c.id === 'measuredVsPredicted')!;
    assert.ok(mvp.points > 500 && mvp.points <= 2000, `measured vs predicted draws ${mvp.points} points (1,000 held out, ≤ 2,000)`);
    assert.strictEqual(first.charts.find((c) => c.id === 'networks')!.points, 0);
    const all = await rendered('the 7 candidate methods', (r) => r.fitId === first.fitId, 7);
    assert.ok(all.charts.find((c) => c.id === 'accuracyVsComplexity')!.points >= 5, 'most methods give a candidate point');
    const state = await report();
    console.log(
      `refit panel: runner ${state.runner}, view built in ${state.view?.buildMs.toFixed(0)} ms, first render ${first.renderMs} ms`,
    );

    // 2. Another method, as the method drop-down would send it: new figures.
    await vscode.commands.executeCommand(DRIVE, { controls: { method: 'log' } });
    const log = await rendered('the log-space fit to be drawn', (r) => r.method === 'log' && r.fitId > first.fitId);
    assert.notStrictEqual(log.metricsText, first.metricsText);

    // 2b. The Intercept control (the CLI's --intercept): the engine fits relative error plus a fixed cost.
    await vscode.commands.executeCommand(DRIVE, { controls: { method: 'relative', intercept: 'yes' } });
    await rendered('the relative fit with an intercept', (r) => r.method === 'relative' && r.fitId > log.fitId);
    assert.strictEqual((await report()).view?.label, 'relative + intercept');

    // 3. The individual family (NeuralPower-style products of hyper-parameters) with lasso.
    await vscode.commands.executeCommand(DRIVE, {
      controls: {
        family: 'individual',
        method: 'lasso',
        intercept: 'default',
        features: ['channelsIn', 'kernelH', 'channelsOut'],
        degree: 2,
      },
    });
    const lasso = await rendered(
      'the individual lasso fit to be drawn',
      (r) => r.family === 'individual' && r.method === 'lasso' && r.fitId > log.fitId,
    );
    assert.notStrictEqual(lasso.metricsText, log.metricsText);
    const complexity = (text: string) => Number(/complexity (\d+)/.exec(text)![1]);
    assert.ok(
      complexity(lasso.metricsText) > complexity(first.metricsText),
      'products of three features need more coefficients than macs alone',
    );

    // 4. Hidden, the page is kept (retainContextWhenHidden): shown again it shows the same fit at once,
    // without loading again (a rebuilt page left the tab blank for ~3 s).
    const before = await report();
    await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    await waitFor(async () => ((await report()).visible ? undefined : true), 20_000, 'the panel to be hidden');
    const shownAt = Date.now();
    await vscode.commands.executeCommand(REFIT);
    await waitFor(async () => ((await report()).visible ? true : undefined), 20_000, 'the panel to be shown again');
    const again = await rendered('the shown panel to be drawn', (r) => r.family === 'individual' && r.method === 'lasso');
    console.log(`refit panel: shown again, drawn after ${Date.now() - shownAt} ms`);
    const after = await report();
    assert.ok(after.visibilityChanges >= before.visibilityChanges + 2, 'hidden and shown again');
    assert.strictEqual(after.pageLoads, before.pageLoads, 'the page was kept, not loaded again');
    assert.strictEqual(again.fitId, lasso.fitId, 'the same fit, not a refit');
    assert.strictEqual((await report()).controls?.platformId, PLATFORM);

    // 5. Save: the model file for the platform, written by the extension's wiring.
    await vscode.commands.executeCommand(DRIVE, { click: 'save' });
    const done = await waitFor(
      async () => {
        const r = await report();
        return r.saved ? r : undefined;
      },
      30_000,
      'the model to be saved',
    );
    saved = path.isAbsolute(done.saved!) ? done.saved! : path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, done.saved!);
    const model = JSON.parse(fs.readFileSync(saved, 'utf8'));
    assert.strictEqual(model.platform.id, PLATFORM);
    assert.strictEqual(model.subModels.Convolution.provenance.family, 'individual');
    assert.match(model.subModels.Convolution.provenance.method, /^lasso/);
    assert.ok(model.subModels.Convolution.features.length > 0);
    assert.match(done.notice ?? '', new RegExp(`for ${PLATFORM}`));

    // 6. The editor uses the saved model at once: the hover of a conv layer names it and its file.
    const lenet = await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    const at = lenet.positionAt(lenet.getText().indexOf('"conv1"') + 2);
    const hover = await waitFor(
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', lenet.uri, at);
        const text = unescapeMarkdown(
          hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n'),
        );
        return text.includes(model.platform.label) && text.includes('workspace file') ? text : undefined;
      },
      60_000,
      'the hover to report the saved model',
    );
    assert.match(hover, /Predicted energy/);
    assert.ok(hover.includes(path.basename(saved)), `the hover names the saved file: ${hover}`);

    // 7. Search: the frontier is drawn in the complexity chart, its recommended model selected, and saved.
    await vscode.commands.executeCommand(REFIT);
    await rendered('the panel to be shown again', (r) => r.family === 'individual');
    await vscode.commands.executeCommand(DRIVE, { click: 'search' });
    const searched = await rendered('the frontier to be drawn', (r) => (r.frontierPoints ?? 0) > 0);
    const frontier = (await report()).frontier!;
    const points = frontier.types[0].points;
    assert.strictEqual(searched.charts.find((c) => c.id === 'accuracyVsComplexity')!.points, points.length);
    for (let i = 1; i < points.length; i++) assert.ok(points[i].mape < points[i - 1].mape, 'MAPE falls along the front');
    const chosen = points.find((p) => p.selected)!;
    assert.ok(chosen.recommended, 'with search, the default is the recommended model');
    // The metrics (and coefficients, measured vs predicted) now show that model, not the hand fit.
    const shown = (await report()).view!;
    assert.match(shown.label, /^search frontier/);
    assert.strictEqual(shown.metrics.complexity, chosen.complexity);
    assert.ok(Math.abs(shown.metrics.mape! - chosen.mape) < 1e-6, `${shown.metrics.mape} vs ${chosen.mape}`);
    const { model: searchModel } = await clickSave('Saved the frontier energy model');
    assert.strictEqual(searchModel.subModels.Convolution.provenance.family, 'search');
    assert.strictEqual(searchModel.subModels.Convolution.metrics?.complexity, chosen.complexity);
  });

  test('a dataset imported without fitting choices gets the recommended model of an automatic search', async function () {
    this.timeout(300_000);
    const csv: CsvImportSpec = { ...(await sweepCsv('tx2_cpu_conv_sweep.csv')), timeColumn: 'latency_ms' };
    // Only where to save: the fitting choices are left to the panel.
    await vscode.commands.executeCommand(REFIT, { csv, controls: { platformId: PLATFORM } });
    const datasetId = `csv:${csv.path}`;
    await rendered('the automatic search to be drawn', (r) => r.datasetId === datasetId && (r.frontierPoints ?? 0) > 0).catch(
      async (e: Error) => {
        throw new Error(`${e.message}; the panel held ${JSON.stringify(await report()).slice(0, 3000)}`);
      },
    );
    const state = await report();
    assert.strictEqual(state.frontier?.datasetId, datasetId);
    assert.strictEqual(state.frontier.automatic, true, 'the search was started by the panel');
    const chosen = state.frontier.types[0].points.find((p) => p.selected)!;
    assert.ok(chosen.recommended, 'the recommended model is selected');
    assert.match(state.view!.label, /^search frontier/);
    assert.strictEqual(state.view!.metrics.complexity, chosen.complexity);
    // The controls still hold the dataset's default hand fit (macs alone), which the frontier's model replaced.
    assert.deepStrictEqual(state.controls!.features, ['macs']);

    // A fitting choice by hand leaves the automatic frontier behind, and nothing automatic comes back.
    await vscode.commands.executeCommand(DRIVE, { controls: { method: 'log' } });
    await rendered('the hand fit to be drawn', (r) => r.datasetId === datasetId && r.method === 'log' && (r.frontierPoints ?? 0) === 0);
    const after = await report();
    assert.strictEqual(after.frontier, undefined);
    assert.doesNotMatch(after.view!.label, /^search frontier/);

    // Latency from the file's time column: another quantity is a new choice, searched again; saved into
    // the file's latency section beside the energy sub-models already there.
    await vscode.commands.executeCommand(DRIVE, { controls: { quantity: 'latency' } });
    await rendered(
      'the latency search to be drawn',
      (r) => r.datasetId === datasetId && r.quantity === 'latency' && (r.frontierPoints ?? 0) > 0,
    );
    const timed = await report();
    assert.strictEqual(timed.controls?.quantity, 'latency');
    assert.strictEqual(timed.frontier?.quantity, 'latency');
    const energyBefore = saved && fs.existsSync(saved) ? JSON.parse(fs.readFileSync(saved, 'utf8')).subModels : undefined;
    const { model, notice } = await clickSave('Saved the frontier latency model');
    assert.strictEqual(model.latency?.unit, 'ms');
    assert.strictEqual(model.latency?.subModels.Convolution.provenance.family, 'search');
    if (energyBefore) assert.deepStrictEqual(model.subModels, energyBefore, 'the energy sub-models of the file stay');
    assert.match(notice, /latency sub-models added to the energy model already in/);
  });
});
