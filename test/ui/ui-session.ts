// One UI session: code-server (mode B) with the repo's extension installed, a fresh profile,
// and a headless chromium page showing the workbench on a workspace folder.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { Toolchain } from '../harness/ensure-install';
import { installUnpackedExtension, installVsix } from '../harness/extension-install';
import { REPO_ROOT } from '../harness/harness-paths';
import { withTimeout } from '../harness/processes';
import { Profile, createProfile } from '../harness/vscode-profile';
import { StartedServer, startCodeServer } from '../harness/vscode-servers';
import { waitForWorkbench } from './workbench';

export interface UiSession {
  page: Page;
  browser: Browser;
  server: StartedServer;
  profile: Profile;
  workspace: string;
  /** Server and page output, for diagnosing a failure. */
  log: string[];
  close(): Promise<void>;
}

export interface UiSessionOptions {
  tools: Toolchain;
  workspace: string;
  extensionRoot?: string;
  /** Install this .vsix with code-server's --install-extension instead of copying extensionRoot. */
  vsix?: string;
  /** Keep the profile dir after close (for debugging). */
  keepProfile?: boolean;
}

const GLOBAL_KEY = '__energyLensUiSession';

export async function startUiSession(options: UiSessionOptions): Promise<UiSession> {
  const profile = createProfile('energy-lens-ui');
  const log: string[] = [];
  const keep = (line: string) => {
    log.push(line);
    if (log.length > 2000) log.shift();
  };
  const steps: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of steps.splice(0).reverse()) await withTimeout(step(), 10_000, 'UI cleanup').catch(() => undefined);
    if (!options.keepProfile) profile.remove();
  };
  try {
    if (options.vsix) await installVsix(options.tools, profile, options.vsix);
    else await installUnpackedExtension(options.extensionRoot ?? REPO_ROOT, profile.extensionsDir);
    const server = await startCodeServer({
      tools: options.tools,
      profile,
      folder: options.workspace,
      onLine: (line) => keep(`[code-server] ${line}`),
    });
    steps.push(() => server.stop());
    const browser = await launchChromium(options.tools.chromium, profile.env);
    steps.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') keep(`[page] ${m.text()}`);
    });
    page.on('pageerror', (err) => keep(`[page error] ${err.message}`));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(options.workspace)}`, { timeout: 60_000 });
    await waitForWorkbench(page);
    return { page, browser, server, profile, workspace: options.workspace, log, close };
  } catch (err) {
    if (log.length > 0) process.stderr.write(`${log.slice(-40).join('\n')}\n`);
    await close();
    throw err;
  }
}

/** Shares the session with the test bundles (each bundle has its own copy of this module). */
export function publishSession(session: UiSession | undefined): void {
  (globalThis as Record<string, unknown>)[GLOBAL_KEY] = session;
}

/** The session the UI runner started; tests call this in suiteSetup. */
export function currentSession(): UiSession {
  const session = (globalThis as Record<string, unknown>)[GLOBAL_KEY] as UiSession | undefined;
  if (!session) throw new Error('no UI session: run UI tests through `node out/test/ui/run-ui.js` or `npm run test:integration`');
  return session;
}

/** Writes the session's collected server/page log next to the screenshots. */
export function saveSessionLog(session: UiSession, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ui-session.log');
  fs.writeFileSync(file, session.log.join('\n') + '\n');
  return file;
}

/**
 * After a failure: prints the end of the session log and of the extension host's and Energy Lens's own
 * log files, since CI keeps only the console output.
 */
export function printFailureLog(session: UiSession, tag: string): void {
  const tail = (text: string, lines: number) => text.split('\n').slice(-lines).join('\n');
  console.log(`[${tag}] last lines of the session log:\n${tail(session.log.join('\n'), 40)}`);
  const logs = path.join(session.profile.userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^(remote)?exthost\.log$|Energy Lens/.test(e.name)) found.push(p);
    }
  };
  walk(logs);
  for (const file of found) {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text) console.log(`[${tag}] ${path.relative(logs, file)}:\n${tail(text, 30)}`);
  }
}
