// "Profile on Target..." for an adb target: the campaign of adb-campaign.ts under a cancellable
// progress notification, its outcome as a message. The numbers are recorded as measured on a
// Snapdragon 820 with Caffe2 + Eigen and the target's power source.
import * as path from 'path';
import * as vscode from 'vscode';
import { AdbDevice } from '../board/adb';
import { describeAdbTarget, type AdbTargetConfig } from '../board/adb-targets';
import { runAdbCampaign } from './adb-campaign';

export interface AdbCommandServices {
  output: vscode.OutputChannel;
  recordsChanged(file: string, deleted?: boolean): void;
}

export async function profileNetworkOnAdb(
  s: AdbCommandServices,
  target: AdbTargetConfig,
  network: vscode.Uri,
): Promise<{ status: string; file?: string; measured: number; planned: number; message?: string } | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(network);
  if (!folder) {
    void vscode.window.showWarningMessage(
      "Energy Lens: open the folder that contains this network; its measurements are stored in the folder's .energy-lens/measurements/.",
    );
    return undefined;
  }
  const name = path.basename(network.fsPath);
  const log = (line: string) => s.output.appendLine(`[${new Date().toTimeString().slice(0, 8)}] ${line}`);
  log(`--- profiling ${name} on ${target.name} (${describeAdbTarget(target)})`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Energy Lens: profiling ${name} on ${target.name}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let done = 0;
      try {
        return await runAdbCampaign({
          workspaceRoot: folder.uri.fsPath,
          networkFile: network.fsPath,
          targetName: target.name,
          device: new AdbDevice(target.serial, { adbPath: target.adbPath, serverPort: target.adbServerPort }),
          power: target.power,
          steadyMs: target.steadySeconds * 1000,
          idleMs: target.idleSeconds * 1000,
          signal: controller.signal,
          onLayer(r) {
            done++;
            log(
              `${r.name}: ${r.time_ms.toPrecision(4)} ms, ${r.power_mW.toFixed(0)} mW, ${r.energy_mJ.toPrecision(4)} mJ (measured, ${target.power.kind})`,
            );
            progress.report({ message: `${done} layers measured (last: ${r.name})` });
          },
        });
      } catch (e) {
        return {
          status: 'failed' as const,
          recordsFile: undefined,
          layersMeasured: 0,
          layersPlanned: 0,
          message: e instanceof Error ? e.message : String(e),
        };
      }
    },
  );
  if (outcome.recordsFile) s.recordsChanged(outcome.recordsFile);
  if (outcome.status === 'complete')
    void vscode.window.showInformationMessage(
      `Energy Lens: measured ${name} on ${target.name}: ${outcome.layersMeasured} layers (Snapdragon 820, Caffe2 + Eigen, ${target.power.kind}).`,
    );
  else void vscode.window.showErrorMessage(`Energy Lens: ${name} on ${target.name}: ${outcome.message ?? outcome.status}`);
  log(`${outcome.status}: ${outcome.layersMeasured} layers${outcome.message ? ` (${outcome.message})` : ''}`);
  return {
    status: outcome.status,
    file: outcome.recordsFile,
    measured: outcome.layersMeasured,
    planned: outcome.layersPlanned,
    message: outcome.message,
  };
}
