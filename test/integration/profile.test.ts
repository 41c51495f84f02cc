// "Profile on Jetson TX1" in a real VS Code, over real SSH, on an emulated TX1: the command measures
// SqueezeNet v1.0 and leaves a records file with every layer in the workspace.
//
// The board: ENERGY_LENS_TEST_TARGET (JSON of one energyLens.targets entry with kind "jetson-tx1",
// including "knownHostsFile") when the harness provides one; otherwise this suite starts its own
// sshd (test/harness/sshd-fixture) whose login is an emulated TX1 (client/src/board/emulator) at a
// fast time scale, and stops both at the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileResult } from '../../client/src/campaigns/campaign-commands';
import { measurementsFolder, networkTextSha256, readCampaignFile } from '../../server/src/measurements';
import { analyzeText } from '../../server/src/net';
import { createEmulatedBoard, type EmulatedBoard } from '../../client/src/board/emulator';
import { startSshd, type SshdFixture } from '../harness/sshd-fixture';
import { activeExtension, analyzeCommand, emulatedTx1Target, openDocument, repoRoot, workspaceFile } from './helpers';
import {
  eventually,
  hoverText as hoverAt,
  inlayHints,
  layerBlocks,
  parseEnergy,
  setEnergyLensSetting,
  unescapeMarkdown,
} from './lsp-queries';
import type { RenderReport } from '../../client/src/panel/messages';
import type { RefitTestReport } from '../../client/src/panel/refit-panel';

/** The emulated board runs 20x faster than a real TX1; the target says so, so values are shown in real-board units. */
const TIME_SCALE = 0.05;

suite('profile on Jetson TX1 (real SSH, emulated board)', () => {
  let target: Record<string, unknown>;
  let board: EmulatedBoard | undefined;
  let sshd: SshdFixture | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    if (process.env.ENERGY_LENS_TEST_TARGET) {
      target = JSON.parse(process.env.ENERGY_LENS_TEST_TARGET) as Record<string, unknown>;
      return;
    }
    board = await createEmulatedBoard({ kind: 'jetson-tx1', timeScale: TIME_SCALE, seed: 3, analyzeCommand: analyzeCommand(repoRoot()) });
    await board.start();
    sshd = await startSshd({ env: board.env });
    const knownHostsFile = path.join(board.root, 'known_hosts');
    fs.writeFileSync(knownHostsFile, sshd.knownHostsLine + '\n');
    target = emulatedTx1Target('tx1-emulated', sshd, knownHostsFile, TIME_SCALE);
  });

  suiteTeardown(async function () {
    this.timeout(30_000);
    await vscode.workspace.getConfiguration('energyLens').update('targets', undefined, vscode.ConfigurationTarget.Workspace);
    await sshd?.stop();
    await board?.dispose();
  });

  test('measures every layer of SqueezeNet v1.0 and writes the records file', async function () {
    this.timeout(600_000);
    await vscode.workspace.getConfiguration('energyLens').update('targets', [target], vscode.ConfigurationTarget.Workspace);
    const document = await openDocument(workspaceFile('corpus', 'squeezenet_v1.0.prototxt'));
    await activeExtension();
    const started = Date.now();
    const result = await vscode.commands.executeCommand<ProfileResult | undefined>('energyLens.profileOnJetsonTx1', document.uri);
    const wallS = (Date.now() - started) / 1000;
    assert.ok(result, 'the command returned a result (it ran without prompting)');
    assert.strictEqual(result.status, 'complete', result.message);
    console.log(`      SqueezeNet v1.0 campaign: ${result.measured} layers in ${wallS.toFixed(1)} s`);

    const root = vscode.workspace.getWorkspaceFolder(document.uri)!.uri.fsPath;
    assert.strictEqual(path.dirname(result.file!), measurementsFolder(root));
    assert.match(path.basename(result.file!), /^squeezenet_v1\.0-[A-Za-z0-9._-]+-\d{8}T\d{6}Z\.jsonl$/);
    const read = readCampaignFile(result.file!);
    assert.deepStrictEqual(read.problems, []);
    assert.strictEqual(read.status, 'complete');
    // Every layer Caffe runs (the analysis's layers, inserted Splits included), each recorded once.
    const expected = analyzeText(document.getText())
      .layers.filter((l) => l.type !== 'Input')
      .map((l) => l.name);
    assert.deepStrictEqual(read.planned, expected);
    assert.deepStrictEqual(read.layers.map((l) => l.name).sort(), [...expected].sort());
    assert.strictEqual(result.measured, expected.length);
    // Layers shorter than the harness resolves (inserted Splits, ~µs) read 0, which the editor shows as "too short to
    // resolve", never as a number; every other layer has a positive time and energy.
    assert.ok(
      read.layers.every((l) => (l.energy_mJ > 0 && l.time_ms > 0) || (l.energy_mJ === 0 && /_split(_\d+)?$/.test(l.name))),
      read.layers
        .filter((l) => !((l.energy_mJ > 0 && l.time_ms > 0) || (l.energy_mJ === 0 && /_split(_\d+)?$/.test(l.name))))
        .map((l) => `${l.name} ${l.energy_mJ} mJ ${l.time_ms} ms`)
        .join(', '),
    );
    assert.strictEqual(read.campaign!.network.path, 'corpus/squeezenet_v1.0.prototxt');
    assert.strictEqual(read.campaign!.network.sha256, networkTextSha256(document.getText()));
    assert.ok(read.net, 'whole-net cross-check recorded');

    // The editor now shows the measured values beside the predicted ones (the server watches the records).
    const conv1 = read.layers.find((l) => l.name === 'conv1')!;
    const at = document.positionAt(document.getText().indexOf('"conv1"') + 2);
    let hoverText = '';
    let lensTitles: string[] = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
      hoverText = unescapeMarkdown(
        hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n'),
      );
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      lensTitles = lenses.map((l) => l.command?.title ?? '');
      if (/measured/.test(hoverText) && lensTitles.some((t) => t.includes('measured'))) break;
    }
    // One repetition (the target says so): no spread to show, and the hover says why.
    assert.match(
      hoverText,
      /measured [\d.]+ \S?J\**\s*\(one repetition, no spread\) isolated/,
      `hover shows the measured energy: ${hoverText}`,
    );
    assert.match(hoverText, /\(emulated\b/, `and says the board was emulated: ${hoverText}`);
    assert.match(hoverText, /predicted [\d.]+ \S?J \([+-]\d+ %\)/, `and compares with the prediction: ${hoverText}`);
    // Shown in real-board units: the record's energy divided by the emulator's time scale.
    const scale = typeof target.timeScale === 'number' ? target.timeScale : 1;
    const shown = parseEnergy(/measured ([\d.]+ \S?J)/.exec(hoverText)![1]);
    const real = conv1.energy_mJ / scale;
    assert.ok(Math.abs(shown - real) <= 0.01 * real + 0.5, `hover ${shown} mJ vs record ${conv1.energy_mJ} mJ / ${scale}`);
    // Idle drifts over a campaign: with the closing bracket recorded, conv1's energy above idle is taken against
    // the idle interpolated between the brackets around it, and the hover says so.
    assert.ok(conv1.idleInterpolated, 'conv1 lies between the opening and the closing idle bracket');
    const above = /([\d.]+ \S?J) above idle \(interpolated between idle brackets\)/.exec(hoverText);
    assert.ok(above, `the hover says the idle was interpolated: ${hoverText}`);
    const dynamic = conv1.dynamic_energy_mJ / scale;
    assert.ok(
      Math.abs(parseEnergy(above[1]) - dynamic) <= 0.01 * Math.abs(dynamic) + 0.5,
      `above idle ${above[1]} vs record ${conv1.dynamic_energy_mJ} mJ / ${scale}`,
    );
    // The emulator's truth is a plausible TX1, so an honest comparison lands inside the model's 90 % interval.
    const interval = /90 % interval ([\d.]+ \S?J) – ([\d.]+ \S?J)/.exec(hoverText);
    assert.ok(interval, `the hover gives the predicted interval: ${hoverText}`);
    assert.ok(
      shown >= parseEnergy(interval[1]) && shown <= parseEnergy(interval[2]),
      `measured ${shown} mJ inside the predicted interval ${interval[1]} – ${interval[2]}`,
    );
    assert.ok(
      lensTitles.some((t) => /^\$\(pulse\) measured .* \(emulated\b/.test(t)),
      `CodeLens shows the measured total: ${lensTitles.join(' | ')}`,
    );

    // Another platform selected: both values with their platforms, and no percentage between them.
    const restore = await setEnergyLensSetting('platform', 'jetson-tx2/pytorch-cuda/gpu');
    try {
      const other = await eventually(
        () => hoverAt(document, at),
        (h) => /jetson-tx2\/pytorch-cuda\/gpu/.test(h) && /measured/.test(h),
        'the hover for the TX2 GPU platform',
      );
      assert.match(
        other,
        /no comparison: measured on `?jetson-tx1\/caffe-openblas\/cpu\/1t`?, the selected platform is `?jetson-tx2\/pytorch-cuda\/gpu`?/,
        other,
      );
      assert.doesNotMatch(
        other.split('\n').find((l) => /measured [\d.]+ \S?J ±/.test(l)) ?? '',
        /\([+-]\d+ %\)/,
        'no percentage across platforms',
      );
    } finally {
      await restore();
    }

    // Inlay hints carry the measured value too, beside the predicted one.
    const hints = await inlayHints(document);
    const conv1Line = layerBlocks(document.getText()).find((b) => b.name === 'conv1')!.line;
    const conv1Hint = hints.find((h) => h.line === conv1Line);
    assert.ok(
      conv1Hint && /^⚡ .* · measured [\d.]+ \S?J$/.test(conv1Hint.label),
      `conv1's hint shows the measured value: ${conv1Hint?.label}`,
    );
    assert.match(conv1Hint.tooltip, /Measured energy of conv1: .* \(emulated board\)/);

    await vscode.commands.executeCommand('energyLens.openCampaignRecords', vscode.Uri.file(result.file!));
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, result.file);

    // The refit panel offers this campaign as data: fit the papers' layer-type model on it and draw it.
    await vscode.commands.executeCommand('energyLens.refitModels', {
      controls: {
        datasetId: `campaign:${result.file}`,
        family: 'layer-type',
        method: 'ols',
        features: ['macs'],
        validation: 'kfold',
        validationParam: 3,
      },
    });
    let render: RenderReport | undefined;
    let last: RefitTestReport | undefined;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && !render; await new Promise((r) => setTimeout(r, 500))) {
      const r = (last = (await vscode.commands.executeCommand<RefitTestReport>('energyLens.refit.lastRenderReport'))!);
      if (r.error && !r.render) assert.fail(`refit panel: ${r.error}`);
      if (
        r.render &&
        r.render.datasetId === `campaign:${result.file}` &&
        r.render.charts.find((c) => c.id === 'measuredVsPredicted')!.nonEmptyPixels > 0
      )
        render = r.render;
    }
    assert.ok(
      render,
      `the refit panel drew a fit of the campaign records; last: rendered ${last?.render?.datasetId}, controls ${last?.controls?.datasetId}, ` +
        `datasets ${JSON.stringify(last?.datasets)}, error ${last?.error}, visible ${last?.visible}`,
    );
    assert.match(render.metricsText, /MAPE \d/);
    assert.ok(render.charts.find((c) => c.id === 'measuredVsPredicted')!.points > 0);
  });

  const targetsInWorkspace = (): Array<{ name: string }> =>
    (vscode.workspace.getConfiguration('energyLens').inspect<Array<{ name: string }>>('targets')?.workspaceValue ?? []).map((t) => ({
      name: t.name,
    }));

  test('Test Connection on a board connects over SSH, installs the agent and says what the probe found', async function () {
    this.timeout(120_000);
    await vscode.workspace.getConfiguration('energyLens').update('targets', [target], vscode.ConfigurationTarget.Workspace);
    await activeExtension();
    const found = await vscode.commands.executeCommand<string | undefined>('energyLens.testBoardConnection', { name: target.name });
    assert.ok(found, 'the connection test succeeded');
    assert.match(found, new RegExp(`board "${String(target.name)}" is ready: `));
    assert.match(found, /emulated; rails \S.*; pycaffe; Python 3/, `the probe's findings: ${found}`);
    // A board that does not answer: no result (an error message with "Edit Board…" instead), nothing thrown.
    const dead = { ...target, name: 'unreachable', port: 1 };
    await vscode.workspace.getConfiguration('energyLens').update('targets', [target, dead], vscode.ConfigurationTarget.Workspace);
    assert.strictEqual(await vscode.commands.executeCommand('energyLens.testBoardConnection', { name: 'unreachable' }), undefined);
  });

  test('Set as Default Board moves a board first, so "Profile on Jetson TX1" takes it', async function () {
    this.timeout(60_000);
    const spare = { name: 'spare-tx1', kind: 'jetson-tx1', host: 'spare.invalid' };
    await vscode.workspace.getConfiguration('energyLens').update('targets', [spare, target], vscode.ConfigurationTarget.Workspace);
    await activeExtension();
    assert.strictEqual(await vscode.commands.executeCommand('energyLens.setDefaultBoard', { name: target.name }), true);
    assert.deepStrictEqual(targetsInWorkspace(), [{ name: String(target.name) }, { name: 'spare-tx1' }]);
    const entry = vscode.workspace.getConfiguration('energyLens').inspect<Array<Record<string, unknown>>>('targets')?.workspaceValue?.[0];
    assert.deepStrictEqual(entry, target, 'the entry moved unchanged');
    // An unknown board changes nothing.
    assert.strictEqual(await vscode.commands.executeCommand('energyLens.setDefaultBoard', { name: 'nope' }), false);
    assert.deepStrictEqual(targetsInWorkspace(), [{ name: String(target.name) }, { name: 'spare-tx1' }]);
  });
});
