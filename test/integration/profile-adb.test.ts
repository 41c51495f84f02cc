// "Start Emulated Snapdragon 820" and "Profile on Target..." on it in a real VS Code: the real adb
// client (its own server port), the emulated phone's Energy Probe, AlexNet's records, and the
// measured values in the hover, named as measured on the phone.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as net from 'net';
import * as vscode from 'vscode';
import { readCampaignFile } from '../../server/src/measurements';
import { activeExtension, openDocument, workspaceFile } from './helpers';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

suite('profile on the emulated Snapdragon 820 (real adb client)', () => {
  let adbPort = 0;

  suiteTeardown(async function () {
    this.timeout(30_000);
    await vscode.workspace.getConfiguration('energyLens').update('targets', undefined, vscode.ConfigurationTarget.Workspace);
    if (adbPort)
      try {
        execFileSync('adb', ['-P', String(adbPort), 'kill-server'], { stdio: 'ignore' });
      } catch {
        /* not running */
      }
  });

  test('measures AlexNet over adb and shows measured values in the hover', async function () {
    this.timeout(600_000);
    const document = await openDocument(workspaceFile('corpus', 'alexnet.prototxt'));
    await activeExtension();
    const serial = await vscode.commands.executeCommand<string>('energyLens.startEmulatedPhone');
    assert.match(serial ?? '', /^127\.0\.0\.1:\d+$/);
    // Its own adb server, so test runs do not share one.
    adbPort = await freePort();
    const config = vscode.workspace.getConfiguration('energyLens');
    const targets = (config.get<Array<Record<string, unknown>>>('targets') ?? []).map((t) =>
      t.name === 'sd820-emulated' ? { ...t, adbServerPort: adbPort, steadySeconds: 0.6, idleSeconds: 1 } : t,
    );
    await config.update('targets', targets, vscode.ConfigurationTarget.Workspace);
    const result = await vscode.commands.executeCommand<{
      status: string;
      file?: string;
      measured: number;
      planned: number;
      message?: string;
    }>('energyLens.profileOnTarget', { target: 'sd820-emulated', network: document.uri });
    assert.ok(result, 'the command returned a result');
    assert.strictEqual(result.status, 'complete', result.message);
    const read = readCampaignFile(result.file!);
    assert.strictEqual(read.status, 'complete');
    assert.strictEqual(read.campaign!.platform?.id, 'snapdragon-820/caffe2-eigen/cpu');
    const conv1 = read.layers.find((l) => l.name === 'conv1')!;
    const at = document.positionAt(document.getText().indexOf('"conv1"') + 2);
    let hoverText = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
      hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
      if (/measured/.test(hoverText)) break;
    }
    console.log(`      hover: ${hoverText.split('\n').find((l) => /measured/.test(l))}`);
    assert.match(hoverText, /measured [\d.]+ \S?J/, `hover shows the measured energy: ${hoverText}`);
    assert.match(hoverText, /snapdragon/i, 'and names the phone');
    assert.ok(conv1.energy_mJ > 0);
  });
});
