// Helpers for integration tests running in the extension host (inlined into each test bundle).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'energy-lens.energy-lens';

/** Absolute path of a file in the test workspace (the folder the harness opened). */
export function workspaceFile(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: run through `npm run test:integration`');
  const file = path.join(folder.uri.fsPath, ...parts);
  if (!fs.existsSync(file)) throw new Error(`${file} is not in the test workspace`);
  return file;
}

/** Opens a file in an editor and returns its document. */
export async function openDocument(file: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document);
  return document;
}

/** Polls `predicate` until it returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The extension, activated (opening a prototxt file activates it; this waits for that). */
export async function activeExtension(timeoutMs = 40_000): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  await waitFor(() => extension.isActive, timeoutMs, `${EXTENSION_ID} to activate`);
  return extension;
}

/** The repository (for the agent and the CLI the emulated boards run). */
export function repoRoot(): string {
  if (process.env.ENERGY_LENS_REPO) return process.env.ENERGY_LENS_REPO;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'client', 'board', 'agent', 'energy_lens_agent.py'))) return dir;
  }
  throw new Error(`cannot find the repository above ${__dirname}`);
}

/** The bundled CLI when it has `analyze`, else the same module run from the sources. */
export function analyzeCommand(repo: string): string {
  const cli = path.join(repo, 'out', 'cli', 'energy-lens.js');
  const lenet = workspaceFile('corpus', 'lenet.prototxt');
  if (fs.existsSync(cli) && spawnSync('node', [cli, 'analyze', '--json', lenet]).status === 0) return `node ${cli} analyze --json`;
  const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
  return `node --require ${tsx} --require ${path.join(repo, 'test', 'unit', 'setup.js')} ${path.join(repo, 'test', 'unit', 'campaigns', 'fixtures', 'analyze-cli.ts')} --json`;
}

/** The bundled CLI (out/cli/energy-lens.js) of the repository. */
export function cliPath(): string {
  return path.join(repoRoot(), 'out', 'cli', 'energy-lens.js');
}

/**
 * An `energyLens.targets` entry for an emulated TX1 behind a test sshd, with the short loop settings
 * the suites use (one thread, one repetition, 0.2 s loops and idle).
 */
export function emulatedTx1Target(
  name: string,
  sshd: { host: string; port: number; user: string; userKeyPath: string },
  knownHostsFile: string,
  timeScale: number,
): Record<string, unknown> {
  return {
    name,
    kind: 'jetson-tx1',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.userKeyPath,
    knownHostsFile,
    threads: 1,
    repetitions: 1,
    minLoopSeconds: 0.2,
    idleSeconds: 0.2,
    timeScale,
  };
}
