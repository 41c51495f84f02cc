// The `energyLens.workspaceHasCaffeFiles` context key: commands that work on Caffe networks appear in
// the Command Palette (package.json `when` clauses) only where there is a network to work on, i.e. the
// workspace holds a .prototxt, .pbtxt or .caffemodel file, or one is open.
import * as vscode from 'vscode';

export const WORKSPACE_HAS_CAFFE_FILES = 'energyLens.workspaceHasCaffeFiles';
const CAFFE_FILES = '**/*.{prototxt,pbtxt,caffemodel}';

export function registerWorkspaceContext(context: vscode.ExtensionContext): void {
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
