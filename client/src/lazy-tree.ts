// A tree view's data provider that loads the real one when VS Code first asks for the view's items,
// so a registered view does not load its feature at activation (client/src/lazy-bundles.ts).
import * as vscode from 'vscode';

export function lazyTreeDataProvider<T>(load: () => vscode.TreeDataProvider<T>): vscode.TreeDataProvider<T> {
  const changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  let real: vscode.TreeDataProvider<T> | undefined;
  const provider = (): vscode.TreeDataProvider<T> => {
    if (!real) {
      real = load();
      real.onDidChangeTreeData?.((e) => changed.fire(e));
    }
    return real;
  };
  return {
    onDidChangeTreeData: changed.event,
    getChildren: (element) => provider().getChildren(element),
    getTreeItem: (element) => provider().getTreeItem(element),
    getParent: (element) => provider().getParent?.(element),
  };
}
