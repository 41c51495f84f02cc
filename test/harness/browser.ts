// Headless Debian chromium driven by playwright-core (never a Playwright browser download).
import * as fs from 'fs';
import type { Browser } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(executablePath: string, env?: NodeJS.ProcessEnv): Promise<Browser> {
  if (!fs.existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: run test/harness/install-vscode.sh (apt-get install chromium)`);
  }
  // Loaded at run time: playwright-core stays external to the bundles.
  const { chromium } = await import('playwright-core');
  const cleanEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? process.env)) if (value !== undefined) cleanEnv[key] = value;
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, env: cleanEnv, timeout: 60_000 });
}
