// `npm run test:integration`: the extension API tests in a real VS Code (through the standard
// @vscode/test-electron runTests, driving code-server via code-server-launcher), then the UI
// tests (Playwright). Ends with "N passed, N failed" over both; exit code 1 on any failure.
// Env: ENERGY_LENS_ONLY=integration|ui, ENERGY_LENS_KEEP=1 (keep temp dirs), ENERGY_LENS_GREP.
import { runTests } from '@vscode/test-electron';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Counts, runUiTests } from '../ui/ui-runner';
import { writeLauncherShim } from './launcher-args';
import { ensureInstalled } from './ensure-install';
import { CACHE, REPO_ROOT } from './harness-paths';
import { prepareWorkspace } from './test-workspace';

const OVERALL_TIMEOUT_MS = 40 * 60_000;
const OUT = path.join(REPO_ROOT, 'out');

function requireBuilt(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`npm run build\` first`);
  return file;
}

/** The development-path tests drive test-only hooks, which production bundles do not have. */
function requireTestBuild(): void {
  const marker = path.join(OUT, 'build-flavour.json');
  const flavour = fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as { flavour?: string }).flavour : undefined;
  if (flavour !== 'test') throw new Error(`out/ holds a ${flavour ?? 'unknown'} build, not a test build: run \`npm run build\` first`);
}

async function runExtensionTests(runDir: string, workspace: string): Promise<Counts> {
  requireTestBuild();
  const extensionMain = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).main as string;
  requireBuilt(path.resolve(REPO_ROOT, extensionMain));
  const shim = writeLauncherShim(runDir, requireBuilt(path.join(OUT, 'test', 'harness', 'code-server-launcher.js')));
  const report = path.join(runDir, 'integration-report.json');
  let runError: unknown;
  try {
    await runTests({
      vscodeExecutablePath: shim,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: requireBuilt(path.join(OUT, 'test', 'integration', 'index.js')),
      launchArgs: [workspace, `--user-data-dir=${path.join(runDir, 'user-data')}`, `--extensions-dir=${path.join(runDir, 'extensions')}`],
      extensionTestsEnv: { ENERGY_LENS_TEST_REPORT: report, ENERGY_LENS_CACHE: CACHE, ENERGY_LENS_REPO: REPO_ROOT },
    });
  } catch (err) {
    runError = err;
  }
  if (fs.existsSync(report)) {
    const counts = JSON.parse(fs.readFileSync(report, 'utf8')) as Counts;
    // A run that failed after reporting all-green still counts as a failure.
    return runError && counts.failed === 0 ? { passed: counts.passed, failed: 1 } : counts;
  }
  console.error(`[integration] no test report: ${runError instanceof Error ? runError.message : 'the run ended early'}`);
  return { passed: 0, failed: 1 };
}

async function main(): Promise<number> {
  const only = process.env.ENERGY_LENS_ONLY;
  const tools = ensureInstalled();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-it-'));
  const total: Counts = { passed: 0, failed: 0 };
  const add = (c: Counts) => {
    total.passed += c.passed;
    total.failed += c.failed;
  };
  try {
    if (only !== 'ui') {
      const started = Date.now();
      add(await runExtensionTests(runDir, prepareWorkspace(path.join(runDir, 'workspace'), { corpus: true })));
      console.log(`[integration] extension tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (only !== 'integration') {
      const started = Date.now();
      try {
        add(await runUiTests(tools, prepareWorkspace(path.join(runDir, 'ui-workspace'), { corpus: true })));
      } catch (err) {
        console.error(`[ui] ${err instanceof Error ? err.message : String(err)}`);
        add({ passed: 0, failed: 1 });
      }
      console.log(`[ui] UI tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    if (process.env.ENERGY_LENS_KEEP === '1') console.log(`[harness] kept ${runDir}`);
    else fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  }
  console.log(`${total.passed} passed, ${total.failed} failed`);
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

setTimeout(() => {
  console.error(`[harness] overall timeout (${OVERALL_TIMEOUT_MS / 60_000} min): giving up`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS).unref();
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[harness] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
