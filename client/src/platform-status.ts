// Status bar item: the active platform and the open network's predicted total; click to choose a
// platform. The platform setting is per workspace, so each project keeps its board.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { PlatformsRequest, ReportRequest } from '../../server/src/protocol';
import { formatEnergy, formatTotal } from '../../server/src/units';

export const CHOOSE_PLATFORM_COMMAND = 'energyLens.choosePlatform';
/** The server's hover says the same (lsp/energy-text.ts). */
const UNTRUSTED_STATUS = 'built-in models only (workspace not trusted)';

export function registerPlatformStatus(context: vscode.ExtensionContext, client: LanguageClient): { refresh(): void } {
  const item = vscode.window.createStatusBarItem('energyLens.platform', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Energy Lens platform';
  item.command = CHOOSE_PLATFORM_COMMAND;
  context.subscriptions.push(item);

  let generation = 0;
  const refresh = async (): Promise<void> => {
    const ticket = ++generation;
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'prototxt') {
      item.hide();
      return;
    }
    try {
      const report = await client.sendRequest(ReportRequest, { uri: editor.document.uri.toString() });
      if (ticket !== generation) return;
      const total = report?.totals.energy;
      const measured = report?.totals.measured_mJ;
      const source = report?.measuredSource;
      const measuredText = measured !== undefined && source && !source.stale ? ` · $(pulse) ${formatEnergy(measured)} measured` : '';
      const restricted = vscode.workspace.isTrusted ? '' : ` · ${UNTRUSTED_STATUS}`;
      item.text = `$(zap) ${report?.platform?.label ?? 'no energy model'}${total ? ` · ${formatTotal(total.predicted_mJ, total.lowerBound)} predicted` : ''}${measuredText}${restricted}`;
      item.tooltip =
        (total
          ? `Predicted energy per inference (batch as analysed) on ${report?.platform?.label}: ${formatTotal(total.predicted_mJ, total.lowerBound)} ` +
            `(${total.lowerBound ? 'modelled layers, ' : ''}90 % interval ${formatEnergy(total.low_mJ)}–${formatEnergy(total.high_mJ)})` +
            `${total.gaps.length ? `; ${total.gaps.join('; ')}` : ''}${total.extrapolated ? `; ${total.extrapolated}` : ''}${total.provisional ? `; ${total.provisional}` : ''}.` +
            `${measuredText && source ? ` Measured (sum of layers): ${formatEnergy(measured!)} on ${source.target}${source.emulated ? ' (emulated board)' : ''}.` : ''}` +
            ' Click to change platform.'
          : 'Energy Lens: click to choose the platform whose energy model predicts this network.') +
        (vscode.workspace.isTrusted
          ? ''
          : `\n${UNTRUSTED_STATUS}: workspace models, energyLens.modelFiles and measurement records are not read. Trust the workspace to use them.`);
      item.show();
    } catch {
      item.hide();
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(CHOOSE_PLATFORM_COMMAND, () => choosePlatform(client)),
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => scheduleRefresh()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleRefresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('energyLens')) scheduleRefresh();
    }),
  );
  // Activation does not wait for the server: a report asked for meanwhile may miss the document.
  context.subscriptions.push(
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) scheduleRefresh();
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const scheduleRefresh = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 300);
  };
  void refresh();
  return { refresh: scheduleRefresh };
}

async function choosePlatform(client: LanguageClient): Promise<void> {
  const platforms = await client.sendRequest(PlatformsRequest);
  const current = vscode.workspace.getConfiguration('energyLens').get<string>('platform');
  const picked = await vscode.window.showQuickPick(
    platforms.map((p) => ({
      label: `${p.id === current ? '$(check) ' : ''}${p.label}`,
      description: [
        p.id,
        p.powerMode !== undefined ? `power mode ${p.powerMode}${p.powerMode === 0 ? ' (MAXN)' : ''}` : '',
        p.calibration === 'fitted' ? '' : `${p.calibration} calibration`,
      ]
        .filter(Boolean)
        .join(' · '),
      detail: `Model from ${p.source}`,
      id: p.id,
    })),
    { title: 'Energy Lens: platform for predictions', placeHolder: 'Which board and framework should the energy model describe?' },
  );
  if (!picked) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('energyLens').update('platform', picked.id, target);
}
