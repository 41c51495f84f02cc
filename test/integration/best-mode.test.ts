// Power modes in a real VS Code, as a user gets there: a sweep of a small net on the emulated TX2 in MAXN and
// MAXQ with the `energy-lens profile --modes 0,1` CLI into the workspace's records, then one model per
// mode fitted from them with `energy-lens fit`. The editor's CodeLens then names the best mode measured
// on that board (the lower whole-sweep energy, with its change against MAXN), and the best mode
// predicted by the per-mode models; the figures are checked against the records and the CLI's own
// `predict --modes`. The records and models are removed afterwards (other suites count them).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { measurementsFolder, readCampaignFile, realUnitsOf } from '../../server/src/measurements';
import { codeLensTitles, eventually, parseEnergy } from './lsp-queries';
import { activeExtension, analyzeCommand, cliPath, repoRoot } from './helpers';

const BASE = 'jetson-tx2/caffe-openblas/cpu/1t';
const NET = 'scratch/modes-net.prototxt';
const NET_TEXT = [
  'name: "modes-net"',
  'input: "data"',
  'input_shape { dim: 1 dim: 3 dim: 64 dim: 64 }',
  'layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 32 kernel_size: 3 } }',
  'layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }',
  'layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2" convolution_param { num_output: 64 kernel_size: 3 } }',
  'layer { name: "pool2" type: "Pooling" bottom: "conv2" top: "pool2" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }',
  'layer { name: "ip1" type: "InnerProduct" bottom: "pool2" top: "ip1" inner_product_param { num_output: 64 } }',
  '',
].join('\n');

suite('Power modes: the best mode in the editor after a sweep', () => {
  let root: string;
  let home: string;
  const made: string[] = [];

  function energyLens(args: string[]): string {
    const r = spawnSync(process.execPath, [cliPath(), ...args], {
      cwd: root,
      env: { ...process.env, HOME: home, ENERGY_LENS_ANALYZE: analyzeCommand(repoRoot()), ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.strictEqual(r.status, 0, `energy-lens ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return r.stdout;
  }

  suiteSetup(async function () {
    this.timeout(300_000);
    if (process.getuid?.() !== 0) this.skip(); // the emulated nvpmodel switches only as root, as L4T's does
    await activeExtension();
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'el-modes-home-'));
    // A net of its own (the records are found by the text's hash, so no other suite's file matches
    // them) whose every layer is long enough to measure at the sweep's short settings, so the fits
    // cover every type. Opened only after the sweep, as a user opens a network after running one.
    fs.mkdirSync(path.join(root, 'scratch'), { recursive: true });
    fs.writeFileSync(path.join(root, NET), NET_TEXT);
    made.push(path.join(root, NET));
    const before = new Set(fs.existsSync(measurementsFolder(root)) ? fs.readdirSync(measurementsFolder(root)) : []);
    energyLens([
      'profile',
      NET,
      '--emulated',
      'tx2',
      '--modes',
      '0,1',
      '--time-scale',
      '0.05',
      '--repetitions',
      '1',
      '--min-loop',
      '0.2',
      '--idle-time',
      '0.2',
      '--no-net-check',
    ]);
    const records = fs
      .readdirSync(measurementsFolder(root))
      .filter((f) => !before.has(f))
      .map((f) => path.join(measurementsFolder(root), f));
    made.push(...records);
    for (const [mode, id] of [
      [0, BASE],
      [1, `${BASE}/mode1`],
    ] as const) {
      const out = path.join('.energy-lens', 'models', `modes-test-mode${mode}.json`);
      // One network's layers: a relative-error fit (OLS can go ≤ 0 on a type with one row).
      energyLens(['fit', ...records, '--method', 'relative', '--platform', id, '--out', out]);
      energyLens(['fit', ...records, '--quantity', 'latency', '--method', 'relative', '--platform', id, '--out', out]);
      made.push(path.join(root, out));
    }
  });

  suiteTeardown(async () => {
    for (const f of made) fs.rmSync(f, { force: true });
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  test('the CodeLens names the best mode measured on the board, with the sweep figures', async function () {
    this.timeout(120_000);
    assert.strictEqual(made.length, 5, `the net, two campaigns and two models: ${made.join(', ')}`);
    const sums = new Map<number, number>();
    for (const f of made.filter((m) => m.endsWith('.jsonl'))) {
      const read = readCampaignFile(f);
      assert.strictEqual(read.status, 'complete', f);
      const units = realUnitsOf(read.campaign!);
      assert.ok(units.known, 'the sweep states its time scale');
      const scale = units.timeScale;
      sums.set(read.campaign!.platform!.mode ?? 0, read.layers.reduce((s, l) => s + l.energy_mJ, 0) / scale);
    }
    const best = [...sums.entries()].sort((a, b) => a[1] - b[1])[0];
    const document = await vscode.workspace.openTextDocument(path.join(root, NET));
    await vscode.window.showTextDocument(document);
    const titles = await eventually(
      () => codeLensTitles(document),
      (t) => t.some((x) => x.includes('measured on emulated-tx2')),
      'the measured best-mode CodeLens',
      60_000,
    );
    const lens = titles.find((x) => x.includes('measured on emulated-tx2'))!;
    assert.match(lens, /best mode for this net \(measured on emulated-tx2, 2 modes, sum of layers\): mode \d \((MAXN|MAXQ)\)/, lens);
    assert.ok(
      lens.includes(`mode ${best[0]} (${best[0] === 0 ? 'MAXN' : 'MAXQ'})`),
      `the lower sum of the records (${[...sums].join('; ')}): ${lens}`,
    );
    const shown = parseEnergy(/\) · ([\d.]+ [µm]?J)/.exec(lens)![1]);
    assert.ok(Math.abs(shown - best[1]) <= 0.006 * best[1], `shown ${shown} mJ, records ${best[1]} mJ`);
  });

  test('with a model per mode, the CodeLens predicts the best mode as predict --modes does', async function () {
    this.timeout(120_000);
    const cli = JSON.parse(energyLens(['predict', NET, '--platform', BASE, '--modes', 'all', '--json'])) as {
      modes: Array<{ mode: number; predicted_mJ: number }>;
      recommended: { mode: number } | null;
    };
    assert.deepStrictEqual(
      cli.modes.map((m) => m.mode),
      [0, 1],
    );
    assert.ok(cli.recommended, `the CLI recommends a mode: ${JSON.stringify(cli)}`);
    const document = await vscode.workspace.openTextDocument(path.join(root, NET));
    await vscode.window.showTextDocument(document);
    const restore = vscode.workspace.getConfiguration('energyLens').inspect('platform')?.workspaceValue;
    await vscode.workspace.getConfiguration('energyLens').update('platform', BASE, vscode.ConfigurationTarget.Workspace);
    try {
      const titles = await eventually(
        () => codeLensTitles(document),
        (t) => t.some((x) => x.includes('(predicted, 2 modes of')),
        'the predicted best-mode CodeLens',
        60_000,
      );
      const lens = titles.find((x) => x.includes('(predicted, 2 modes of'))!;
      assert.ok(lens.includes(`: mode ${cli.recommended.mode} · `), `CLI recommends mode ${cli.recommended.mode}: ${lens}`);
      const energy = parseEnergy(/ · ([\d.]+ [µm]?J)/.exec(lens)![1]);
      const expected = cli.modes.find((m) => m.mode === cli.recommended!.mode)!.predicted_mJ;
      assert.ok(Math.abs(energy - expected) <= 0.006 * expected, `lens ${energy} mJ, CLI ${expected} mJ`);
    } finally {
      await vscode.workspace.getConfiguration('energyLens').update('platform', restore, vscode.ConfigurationTarget.Workspace);
    }
  });
});
