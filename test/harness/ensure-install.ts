// Makes sure the real VS Code (code-server), Node 24 and chromium are installed in the cache,
// running install-vscode.sh once when something is missing, and says clearly what is absent.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  CACHE,
  CHROMIUM,
  CODE_SERVER_DIR,
  CODE_SERVER_ENTRY,
  CODE_SERVER_VERSION,
  INSTALL_SCRIPT,
  NODE24,
  VSCODE_SERVER_MAIN,
} from './harness-paths';

export interface Toolchain {
  node24: string;
  vscodeServerMain: string;
  codeServerEntry: string;
  chromium: string;
}

const INSTALL_TIMEOUT_MS = 20 * 60_000;

/** What is missing from the cache; empty when everything is there. */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(NODE24)) missing.push(`Node 24 (${NODE24})`);
  if (!fs.existsSync(VSCODE_SERVER_MAIN) || !fs.existsSync(path.join(CODE_SERVER_DIR, '..', '..', '.complete'))) {
    missing.push(`code-server ${CODE_SERVER_VERSION} (${CODE_SERVER_DIR})`);
  }
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  return missing;
}

/** Installs what is missing (minutes on a cold cache) and returns the tool paths. */
export function ensureInstalled(log: (line: string) => void = console.log): Toolchain {
  let missing = missingTools();
  if (missing.length > 0) {
    log(`[harness] missing: ${missing.join(', ')}; running ${INSTALL_SCRIPT} (cache ${CACHE})`);
    const result = spawnSync('bash', [INSTALL_SCRIPT], {
      stdio: 'inherit',
      timeout: INSTALL_TIMEOUT_MS,
      env: { ...process.env, ENERGY_LENS_CACHE: CACHE },
    });
    if (result.error) throw new Error(`install-vscode.sh could not run: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`install-vscode.sh failed (exit ${result.status ?? result.signal})`);
    missing = missingTools();
    if (missing.length > 0) throw new Error(`still missing after install-vscode.sh: ${missing.join(', ')}`);
  }
  return { node24: NODE24, vscodeServerMain: VSCODE_SERVER_MAIN, codeServerEntry: CODE_SERVER_ENTRY, chromium: CHROMIUM };
}
