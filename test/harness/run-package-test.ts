// `npm run test:package`: the installed package is what gets tested. Installs the built .vsix
// (`npm run package`) into a fresh code-server (new user-data and extensions dirs) with
// `--install-extension`, serves an emulated Jetson TX1 behind a real sshd whose emulator is the one
// inside the installed package, and runs out/test/package/*.test.js (mocha tdd, Playwright) against
// that workbench. Ends with "N passed, N failed"; exit code 1 on any failure.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import type MochaType from 'mocha';
import { publishPackageRun } from '../package/package-run';
import { printFailureLog, publishSession, saveSessionLog, startUiSession } from '../ui/ui-session';
import { startEmulatedBoardHost } from './emulated-board-host';
import { ensureInstalled } from './ensure-install';
import { builtVsixPath } from './extension-install';
import { REPO_ROOT, TEST_RESULTS } from './harness-paths';
import { prepareWorkspace } from './test-workspace';

const OVERALL_TIMEOUT_MS = 20 * 60_000;
const TESTS_DIR = path.join(REPO_ROOT, 'out', 'test', 'package');

async function main(): Promise<number> {
  const tools = ensureInstalled();
  const vsix = builtVsixPath(REPO_ROOT);
  if (!fs.existsSync(vsix)) throw new Error(`${path.basename(vsix)} is missing: run \`npm run package\` first`);
  const files = fs.existsSync(TESTS_DIR)
    ? fs
        .readdirSync(TESTS_DIR)
        .filter((f) => f.endsWith('.test.js'))
        .sort()
    : [];
  if (files.length === 0) throw new Error(`no tests in ${TESTS_DIR}: run \`npm run build\``);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-pkg-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    // The emulated board runs the emulator shipped in the .vsix, unpacked as the install does; its
    // target must be in the workspace settings before the workbench opens.
    const unpacked = path.join(runDir, 'vsix');
    execFileSync('unzip', ['-q', vsix, 'extension/client/board/*', '-d', unpacked]);
    process.env.ENERGY_LENS_EMULATOR_DIR = path.join(unpacked, 'extension', 'client', 'board', 'emulator');
    const host = await startEmulatedBoardHost({
      kind: 'jetson-tx1',
      timeScale: 0.05,
      name: 'tx1-emulated',
      repetitions: 1,
      minLoopSeconds: 4,
    });
    stops.push(() => host.stop());
    const workspace = prepareWorkspace(path.join(runDir, 'workspace'), {
      corpus: true,
      settings: { 'energyLens.targets': [{ ...host.target, idleSeconds: 0.2 }] },
    });
    const session = await startUiSession({ tools, workspace, vsix, keepProfile: process.env.ENERGY_LENS_KEEP === '1' });
    stops.push(() => session.close());
    const installed = fs.readdirSync(session.profile.extensionsDir).find((d) => d.startsWith('energy-lens.energy-lens-'));
    if (!installed) throw new Error(`the .vsix did not install into ${session.profile.extensionsDir}`);
    const installedDir = path.join(session.profile.extensionsDir, installed);
    publishSession(session);
    publishPackageRun({ installedDir, vsix, workspace });
    // mocha from the repo's node_modules at run time, as the UI runner does.
    const loaded = createRequire(path.join(REPO_ROOT, 'package.json'))('mocha') as { default?: typeof MochaType };
    const Mocha = loaded.default ?? (loaded as unknown as typeof MochaType);
    const mocha = new Mocha({
      ui: 'tdd',
      reporter: 'spec',
      color: false,
      timeout: 300_000,
      grep: process.env.ENERGY_LENS_GREP || undefined,
    });
    for (const f of files) mocha.addFile(path.join(TESTS_DIR, f));
    const failed = await new Promise<number>((resolve) => {
      const runner = mocha.run(() => {
        const passed = runner.stats?.passes ?? 0;
        const failures = runner.stats?.failures ?? 1;
        console.log(`${passed} passed, ${failures} failed`);
        resolve(failures > 0 || passed === 0 ? 1 : 0);
      });
    });
    console.log(`[package] session log: ${saveSessionLog(session, TEST_RESULTS)}`);
    if (failed) printFailureLog(session, 'package');
    return failed;
  } finally {
    publishSession(undefined);
    publishPackageRun(undefined);
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    if (process.env.ENERGY_LENS_KEEP === '1') console.log(`[package] kept ${runDir}`);
    else fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

setTimeout(() => {
  console.error(`[package] overall timeout (${OVERALL_TIMEOUT_MS / 60_000} min): giving up`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS).unref();
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[package] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
