// The command-line side of code-server-launcher: parsing the Electron-style arguments that
// @vscode/test-electron passes, building the workbench URL with the test payload, and writing
// the executable shim runTests() execs.
import * as fs from 'fs';
import * as path from 'path';

export interface LaunchArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath?: string;
  /** Folder (or .code-workspace file) to open; the first positional argument. */
  folder?: string;
  userDataDir?: string;
  extensionsDir?: string;
}

/** Parses both `--flag=value` and `--flag value`; flags we do not need (e.g. --no-sandbox) are ignored. */
export function parseLaunchArgs(argv: string[]): LaunchArgs {
  const parsed: LaunchArgs = { extensionDevelopmentPaths: [] };
  const valued = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.folder ??= path.resolve(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!valued.has(name)) continue;
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    const abs = path.resolve(value);
    if (name === 'extensionDevelopmentPath') parsed.extensionDevelopmentPaths.push(abs);
    else if (name === 'extensionTestsPath') parsed.extensionTestsPath = abs;
    else if (name === 'user-data-dir') parsed.userDataDir = abs;
    else parsed.extensionsDir = abs;
  }
  return parsed;
}

/** The workbench URL that opens `folder` and runs the tests in the remote extension host. */
export function workbenchUrl(base: string, args: LaunchArgs): string {
  const authority = new URL(base).host;
  const remote = (p: string) => `vscode-remote://${authority}${p}`;
  const payload: [string, string][] = args.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', remote(p)]);
  if (args.extensionTestsPath) payload.push(['extensionTestsPath', remote(args.extensionTestsPath)]);
  const query = [];
  if (args.folder) {
    const kind = args.folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
    query.push(`${kind}=${encodeURIComponent(args.folder)}`);
  }
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${base}/?${query.join('&')}`;
}

/** Writes an executable shim that runs this launcher with the current Node (for runTests' vscodeExecutablePath). */
export function writeLauncherShim(dir: string, launcherJs: string): string {
  const shim = path.join(dir, 'code-server-launcher.sh');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${q(process.execPath)} ${q(launcherJs)} "$@"\n`, { mode: 0o755 });
  return shim;
}
