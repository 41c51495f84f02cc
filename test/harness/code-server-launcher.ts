// An Electron-style "VS Code executable" for @vscode/test-electron's runTests(): it takes the
// arguments runTests passes (--extensionDevelopmentPath=, --extensionTestsPath=, a folder, ...),
// runs VS Code's own server from the code-server package, opens the workbench in headless
// chromium with the test payload, and exits with the code the extension host reports.
// Run as `node code-server-launcher.js <args>` (runTests execs the shim from writeLauncherShim).
import { format } from 'util';
import { launchChromium } from './browser';
import { missingTools } from './ensure-install';
import { CHROMIUM, NODE24, VSCODE_SERVER_MAIN, CODE_SERVER_ENTRY } from './harness-paths';
import { parseLaunchArgs, workbenchUrl } from './launcher-args';
import { withTimeout } from './processes';
import { createProfile } from './vscode-profile';
import { startVsCodeServer } from './vscode-servers';

const timeoutMs = Number(process.env.ENERGY_LENS_TEST_TIMEOUT_MS ?? 900_000);
const verbose = process.env.ENERGY_LENS_VERBOSE === '1';

/** Workbench chatter forwarded with the test output; hidden unless ENERGY_LENS_VERBOSE=1. */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Creation of workbench contribution/,
  /^Ignoring fetching additional builtin extensions/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /waiting for authentication provider/,
  /^Updating additional builtin extensions/,
  /^No search provider registered for scheme/,
];

/** The extension host forwards console calls as (format, ...args), like console.log takes them. */
function formatLog(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

async function main(): Promise<number> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run test/harness/install-vscode.sh`);
  if (!args.extensionTestsPath) throw new Error('--extensionTestsPath= is required (this launcher only runs tests)');
  const profile = createProfile('energy-lens-vscode', { userDataDir: args.userDataDir, extensionsDir: args.extensionsDir });
  const tools = { node24: NODE24, vscodeServerMain: VSCODE_SERVER_MAIN, codeServerEntry: CODE_SERVER_ENTRY, chromium: CHROMIUM };
  const cleanups: (() => Promise<void>)[] = [async () => profile.remove()];
  let finished = false;
  let exitStatus = -1;
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await withTimeout(step(), 10_000, 'cleanup').catch(() => undefined);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`[launcher] ${signal}: stopping\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The server's own chatter is noise for a test run: shown with ENERGY_LENS_VERBOSE=1, else kept for errors.
    const serverLog: string[] = [];
    const server = await startVsCodeServer({
      tools,
      profile,
      env: process.env,
      onLine: (line) => {
        if (verbose) process.stderr.write(`[vscode-server] ${line}\n`);
        else if (serverLog.push(line) > 200) serverLog.shift();
      },
    });
    // On failure, the server's last words usually explain it.
    cleanups.push(async () => {
      if (!finished || exitStatus !== 0) process.stderr.write(serverLog.map((l) => `[vscode-server] ${l}\n`).join(''));
    });
    cleanups.push(() => server.stop());
    const browser = await launchChromium(CHROMIUM, profile.env);
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => {
      reportExit = resolve;
    });
    await context.exposeFunction('codeAutomationLog', (type: string, logArgs: unknown) => {
      const text = formatLog(logArgs);
      if (!verbose && WORKBENCH_NOISE.some((re) => re.test(text))) return;
      (type === 'error' ? process.stderr : process.stdout).write(text + '\n');
    });
    await context.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));
    const page = await context.newPage();
    page.on('pageerror', (err) => process.stderr.write(`[workbench] page error: ${err.message}\n`));
    page.on('crash', () => {
      process.stderr.write('[workbench] page crashed\n');
      reportExit(1);
    });
    if (verbose) page.on('console', (m) => process.stderr.write(`[workbench:${m.type()}] ${m.text()}\n`));
    void server.process.exited.then((code) => {
      if (finished) return;
      process.stderr.write(`[launcher] VS Code server exited early (${code})\n`);
      reportExit(1);
    });
    await page.goto(workbenchUrl(server.url, args), { timeout: 60_000 });
    exitStatus = await withTimeout(exitCode, timeoutMs, 'extension test run (ENERGY_LENS_TEST_TIMEOUT_MS)');
    finished = true;
    return exitStatus;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[launcher] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
