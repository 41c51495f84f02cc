// A campaign in a Jetson power mode, in a real VS Code: an emulated TX2 (whose nvpmodel, like L4T's,
// switches as root) behind a real sshd is a target with "powerMode": 1; "Profile on Target..." measures
// LeNet through the extension, and what a user sees afterwards is checked: the records' platform is
// mode 1's, the board is back in the mode it was in, the Energy Lens output channel says so, and the
// hover of a measured layer shows the measured numbers as measured on the mode-1 platform, never
// compared with the selected platform's prediction.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileResult } from '../../client/src/campaigns/campaign-commands';
import { readCampaignFile } from '../../server/src/measurements';
import { startEmulatedBoardHost, type EmulatedBoardHost } from '../harness/emulated-board-host';
import { activeExtension, openDocument, waitFor, workspaceFile } from './helpers';
import { eventually, hoverText, parseEnergy } from './lsp-queries';

const TIME_SCALE = 0.05;
const TARGET_NAME = 'tx2-mode1';
/** What campaignPlatform makes of a TX2 on the CPU, 1 thread, in mode 1. */
const MODE1_PLATFORM = 'jetson-tx2/caffe-openblas/cpu/1t/mode1';

/** The folders VS Code's server was started with (the extension host is a child of it): `--user-data-dir`, `--server-data-dir`. */
function serverFolders(): string[] {
  for (let pid = process.ppid, depth = 0; pid > 1 && depth < 6; depth++) {
    let args: string[];
    let stat: string;
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return [];
    }
    const folders = ['--user-data-dir', '--server-data-dir'].flatMap((flag) => {
      const i = args.indexOf(flag);
      return i >= 0 && args[i + 1] ? [args[i + 1]] : [];
    });
    if (folders.length > 0) return folders;
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return [];
}

/**
 * What the "Energy Lens" output channel holds. The extension host keeps each output channel in a file,
 * `<user data>/logs/<session>/exthost1/output_logging_<time>/<n>-Energy Lens.log`; undefined if none is found.
 */
function outputChannelText(): string | undefined {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^\d+-Energy Lens\.log$/.test(e.name) && /output_logging_/.test(d)) found.push(p);
    }
  };
  for (const folder of serverFolders()) walk(path.join(folder, 'logs'));
  return found.length > 0 ? found.map((f) => fs.readFileSync(f, 'utf8')).join('\n') : undefined;
}

suite('power mode: a campaign in nvpmodel mode 1 on an emulated TX2 (real SSH)', () => {
  let host: EmulatedBoardHost | undefined;
  let target: Record<string, unknown>;
  const status = (): string => fs.readFileSync(path.join(host!.board.root, 'var', 'lib', 'nvpmodel', 'status'), 'utf8').trim();

  suiteSetup(async function () {
    this.timeout(120_000);
    if (process.getuid?.() !== 0) {
      // The emulated nvpmodel, like L4T's, switches only as root.
      console.log('      skipped: switching the power mode needs root (nvpmodel -m), and this test runs as another user');
      this.skip();
    }
    host = await startEmulatedBoardHost({
      kind: 'jetson-tx2',
      name: TARGET_NAME,
      timeScale: TIME_SCALE,
      repetitions: 1,
      minLoopSeconds: 4,
    });
    target = { ...host.target, idleSeconds: 0.2, powerMode: 1 };
  });

  suiteTeardown(async function () {
    this.timeout(30_000);
    if (!host) return;
    await vscode.workspace.getConfiguration('energyLens').update('targets', undefined, vscode.ConfigurationTarget.Workspace);
    await host.stop();
  });

  test('"powerMode": 1 measures LeNet in mode 1, records it, restores mode 0 and the hover names the mode-1 platform', async function () {
    this.timeout(600_000);
    assert.strictEqual(status(), 'pmode:0000', 'the emulated TX2 starts in MAXN');
    await vscode.workspace.getConfiguration('energyLens').update('targets', [target], vscode.ConfigurationTarget.Workspace);
    const document = await openDocument(workspaceFile('corpus', 'lenet.prototxt'));
    await activeExtension();
    const started = Date.now();
    const result = await vscode.commands.executeCommand<ProfileResult | undefined>('energyLens.profileOnTarget', {
      target: TARGET_NAME,
      network: document.uri,
    });
    console.log(`      LeNet in power mode 1: ${result?.measured} layers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.ok(result, 'the command returned a result (it ran without prompting)');
    assert.strictEqual(result.status, 'complete', result.message);

    // The records: the mode measured in is the header's platform, and its id is mode 1's.
    const read = readCampaignFile(result.file!);
    assert.deepStrictEqual(read.problems, []);
    const header = read.campaign!;
    assert.strictEqual(header.platform?.mode, 1, `the platform is the mode measured in: ${JSON.stringify(header.platform)}`);
    assert.strictEqual(header.platform?.id, MODE1_PLATFORM);
    assert.ok(header.platform.id.endsWith('/mode1'));
    assert.deepStrictEqual(header.method.agentArgs.slice(-2), ['--power-mode', '1'], 'the agent was asked to switch');

    // The board: back in the mode it was found in.
    assert.strictEqual(status(), 'pmode:0000', 'the board is back in MAXN after the run');

    // The output channel: the switch and the restore, as the user reads them.
    const log = await waitFor(
      () => {
        const text = outputChannelText();
        return text && /Power mode 0 \(MAXN\) restored after the run/.test(text) ? text : undefined;
      },
      20_000,
      'the Energy Lens output channel to say the power mode was restored',
    ).catch((err: Error) => {
      const text = outputChannelText();
      throw new Error(`${err.message}; ${text === undefined ? 'no Energy Lens output log found' : `output log:\n${text.slice(-3000)}`}`);
    });
    assert.match(log, /Measuring in power mode 1 \(MAXQ\); the board was in 0 \(MAXN\) and goes back to it after the run/);

    // The hover of a measured layer: the measured value (in real-board units), labelled with the mode-1
    // platform; the selected platform (the default TX1 model) is not compared with it.
    const conv1 = read.layers.find((l) => l.name === 'conv1');
    assert.ok(conv1 && conv1.energy_mJ > 0, 'conv1 was measured');
    const selected = vscode.workspace.getConfiguration('energyLens').get<string>('platform')!;
    const at = document.positionAt(document.getText().indexOf('"conv1"') + 2);
    const hover = await eventually(
      () => hoverText(document, at),
      (h) => /measured [\d.]+ \S?J\**\s*\(one repetition/.test(h),
      'the hover of conv1 to show the measured energy',
      60_000,
    );
    const measuredLine = hover.split('\n').find((l) => /measured [\d.]+ \S?J\**\s*\(one repetition/.test(l))!;
    console.log(`      hover: ${measuredLine}`);
    // `<date>, jetson-tx2 tx2-mode1 (emulated …) on \`<platform>\``: the part saying where it was measured.
    const where = measuredLine.split(' · ').find((part) => part.includes(`jetson-tx2 ${TARGET_NAME}`));
    assert.ok(where?.endsWith(` on \`${MODE1_PLATFORM}\``), `labelled with the mode-1 platform: ${measuredLine}`);
    assert.ok(
      measuredLine.includes(`no comparison: measured on \`${MODE1_PLATFORM}\`, the selected platform is \`${selected}\``),
      `no comparison with the selected platform ${selected}: ${measuredLine}`,
    );
    assert.doesNotMatch(measuredLine, /predicted [\d.]+ \S?J \([+-]\d+ %\)/, 'no percentage across platforms');
    const shown = parseEnergy(/measured ([\d.]+ \S?J)/.exec(measuredLine)![1]);
    const real = conv1.energy_mJ / TIME_SCALE;
    assert.ok(Math.abs(shown - real) <= 0.01 * real + 0.5, `hover ${shown} mJ vs record ${conv1.energy_mJ} mJ / ${TIME_SCALE}`);
  });
});
