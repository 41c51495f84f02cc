// Context keys of the package.json `when` clauses. `energyLens.workspaceHasCaffeFiles`: commands that
// work on Caffe networks appear only where there is a network to work on, i.e. the workspace holds a
// .prototxt, .pbtxt or .caffemodel file, or one is open. `energyLens.workspaceTrusted`: commands that run
// on a board appear only where the extension host will run them (requireTrust reads the same
// vscode.workspace.isTrusted); the workbench's own `isWorkspaceTrusted` key was seen false in a
// code-server started with --disable-workspace-trust while the extension host was trusted, which hid
// "Profile on Jetson TX1" from a palette where it works.
import * as vscode from 'vscode';

export const WORKSPACE_HAS_CAFFE_FILES = 'energyLens.workspaceHasCaffeFiles';
export const WORKSPACE_TRUSTED = 'energyLens.workspaceTrusted';
const CAFFE_FILES = '**/*.{prototxt,pbtxt,caffemodel}';

export function registerWorkspaceContext(context: vscode.ExtensionContext): void {
  registerTrustContext(context);
  let current: boolean | undefined;
  const set = (value: boolean): void => {
    if (value === current) return;
    current = value;
    void vscode.commands.executeCommand('setContext', WORKSPACE_HAS_CAFFE_FILES, value);
  };
  const openNetwork = (): boolean => vscode.workspace.textDocuments.some((d) => d.languageId === 'prototxt');
  // One match is enough; a search failure (e.g. no folder open) counts as none.
  const recheck = async (): Promise<void> => {
    const found = await Promise.resolve(vscode.workspace.findFiles(CAFFE_FILES, '**/node_modules/**', 1)).catch(() => []);
    set(found.length > 0 || openNetwork());
  };
  const watcher = vscode.workspace.createFileSystemWatcher(CAFFE_FILES, false, true, false);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(() => set(true)),
    watcher.onDidDelete(() => void recheck()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void recheck()),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.languageId === 'prototxt') set(true);
    }),
  );
  // The network that activated the extension is already open: say so now rather than after the first
  // search (which can take seconds on a busy machine), so its commands are in the palette at once.
  if (openNetwork()) set(true);
  void recheck();
}

function registerTrustContext(context: vscode.ExtensionContext): void {
  const set = (): void => void vscode.commands.executeCommand('setContext', WORKSPACE_TRUSTED, vscode.workspace.isTrusted);
  // Trust can be granted while the window is open; revoking it reloads the window (and the extension).
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(set));
  set();
}
