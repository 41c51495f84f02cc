// `node out/test/ui/run-ui.js`: the UI tests alone, on a fresh workspace (run-integration runs them too).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureInstalled } from '../harness/ensure-install';
import { prepareWorkspace } from '../harness/test-workspace';
import { runUiTests } from './ui-runner';

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-ui-'));
const watchdog = setTimeout(() => {
  console.error('[ui] overall timeout (10 min)');
  process.exit(1);
}, 600_000);
watchdog.unref();
void runUiTests(ensureInstalled(), prepareWorkspace(path.join(runDir, 'workspace'), { corpus: true }))
  .then(
    (counts) => {
      console.log(`${counts.passed} passed, ${counts.failed} failed`);
      return counts.failed > 0 ? 1 : 0;
    },
    (err: unknown) => {
      console.error(`[ui] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return 1;
    },
  )
  .then((code) => {
    fs.rmSync(runDir, { recursive: true, force: true });
    process.exit(code);
  });
