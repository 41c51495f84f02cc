// The repository the tests run from and the commands of it a test runs as a user would (the bundled
// CLI), for suites that start emulated boards or run `energy-lens` in the test workspace.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { workspaceFile } from './helpers';

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
