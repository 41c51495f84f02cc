// Entry of the refit panel's bundle (out/client/refit-panel.js), loaded on first use: the panel host
// with the workspace's campaign data and model saving.
import type * as vscode from 'vscode';
import { refitPanelDeps } from '../refit-deps';
import { createRefitPanel, type RefitPanel } from './refit-panel';

export function createRefitFeature(context: vscode.ExtensionContext): RefitPanel {
  return createRefitPanel(context, refitPanelDeps());
}
