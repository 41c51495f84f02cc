// Runs the UI tests (out/test/ui/*.test.js, mocha tdd) against one shared UI session.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import type MochaType from 'mocha';
import { Toolchain } from '../harness/ensure-install';
import { REPO_ROOT, TEST_RESULTS } from '../harness/harness-paths';
import { printFailureLog, publishSession, saveSessionLog, startUiSession } from './ui-session';

export interface Counts {
  passed: number;
  failed: number;
}

const UI_TESTS_DIR = path.join(REPO_ROOT, 'out', 'test', 'ui');

export async function runUiTests(tools: Toolchain, workspace: string): Promise<Counts> {
  const files = fs.existsSync(UI_TESTS_DIR)
    ? fs
        .readdirSync(UI_TESTS_DIR)
        .filter((f) => f.endsWith('.test.js'))
        .sort()
        .map((f) => path.join(UI_TESTS_DIR, f))
    : [];
  if (files.length === 0) throw new Error(`no UI tests in ${UI_TESTS_DIR}: run \`npm run build\``);
  // mocha is loaded from the repo's node_modules at run time, not bundled into this file.
  const loaded = createRequire(path.join(REPO_ROOT, 'package.json'))('mocha') as { default?: typeof MochaType };
  const Mocha = loaded.default ?? (loaded as unknown as typeof MochaType); // mocha 12 is an ES module compiled to CJS
  const started = Date.now();
  const session = await startUiSession({ tools, workspace, keepProfile: process.env.ENERGY_LENS_KEEP === '1' });
  console.log(`[ui] code-server ${session.server.url} ready in ${Date.now() - started} ms`);
  publishSession(session);
  try {
    const mocha = new Mocha({
      ui: 'tdd',
      reporter: 'spec',
      color: false,
      timeout: 120_000,
      grep: process.env.ENERGY_LENS_GREP || undefined,
    });
    for (const file of files) mocha.addFile(file);
    const counts = await new Promise<Counts>((resolve) => {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 1 }));
    });
    if (counts.failed > 0) printFailureLog(session, 'ui');
    return counts;
  } finally {
    console.log(`[ui] session log: ${saveSessionLog(session, TEST_RESULTS)}`);
    publishSession(undefined);
    await session.close();
  }
}
