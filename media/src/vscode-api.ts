/// <reference lib="dom" />
// The VS Code webview API object (acquireVsCodeApi may be called once per page load).
import type { PanelState, WebviewToHost } from '../../client/src/panel/messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
