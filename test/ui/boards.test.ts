// What a person does to add a board: "Energy Lens: Add a Board…" from the Command Palette, one input
// box after another (kind, name, host, user, port, how to log in, key file), each answer checked in
// the box itself; then "Edit Board…" from the board's context menu in the Campaigns view changes the
// port. The workspace settings file is what both must leave behind. Screenshot on failure:
// test-results/boards.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { currentSession } from './ui-session';
import { screenshot } from './workbench';

const STEP_TIMEOUT_MS = 30_000;
const BOARD = 'lab-tx2';
/** The workspace's board before the tests: a project that keeps its boards in its own settings. */
const BENCH = { name: 'bench-tx1', host: 'bench.invalid', kind: 'jetson-tx1' };

/** The quick input's message line: the prompt, or the validation message when the answer is refused. */
function messageLine(page: Page) {
  return page.locator('.quick-input-widget .quick-input-message').first();
}

async function waitForMessage(page: Page, text: string): Promise<void> {
  const line = messageLine(page);
  await line
    .filter({ hasText: text })
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS })
    .catch(async (err: unknown) => {
      const shown = await line.innerText({ timeout: 2_000 }).catch(() => '?');
      throw new Error(`the input box did not show "${text}" (it shows "${shown}"): ${String(err)}`);
    });
}

/** Waits for the input box asking `prompt`, checks it starts from `initial` when given, types `value`. */
async function typeAnswer(page: Page, prompt: string, value: string, initial?: string): Promise<void> {
  await waitForMessage(page, prompt);
  const input = page.locator('.quick-input-widget input').first();
  if (initial !== undefined) assert.strictEqual(await input.inputValue(), initial, `the "${prompt}" box starts from "${initial}"`);
  await input.fill(value);
}

/** Answers the input box asking `prompt` with `value` (accepted: the prompt gives way to the next question). */
async function answer(page: Page, prompt: string, value: string, initial?: string): Promise<void> {
  await typeAnswer(page, prompt, value, initial);
  await accept(page, prompt);
}

/** Enter on an answer the box takes: its prompt is shown, no validation message in its place. */
async function accept(page: Page, prompt: string): Promise<void> {
  await waitForMessage(page, prompt);
  await page.keyboard.press('Enter');
}

/** Types a refused answer: the box shows `refusal` instead of its prompt and stays open after Enter. */
async function refused(page: Page, prompt: string, value: string, refusal: string, initial?: string): Promise<void> {
  await typeAnswer(page, prompt, value, initial);
  await waitForMessage(page, refusal);
  await page.keyboard.press('Enter');
  // Still the same question, still saying why.
  await waitForMessage(page, refusal);
  assert.strictEqual(await page.locator('.quick-input-widget input').first().inputValue(), value, 'the refused answer stays in the box');
}

/** After `refused`: types a good answer into the same box; the prompt comes back and Enter takes it. */
async function corrected(page: Page, prompt: string, value: string): Promise<void> {
  await page.locator('.quick-input-widget input').first().fill(value);
  await accept(page, prompt);
}

/** Picks the row labelled `label` in the open quick pick. */
async function pick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await row.click();
}

/**
 * Runs a palette command that shows only once the extension has set its context keys (it activates on the
 * workspace's networks, which can take a while first thing in a session): an open palette does not add
 * rows for keys set later, so it is closed and opened again until the command is offered.
 */
async function runGatedCommand(page: Page, title: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    const offered = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (offered) break;
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`the Command Palette did not offer "${title}" within ${timeoutMs} ms`);
  }
  await page.keyboard.press('Enter');
}

async function showCampaignsView(page: Page): Promise<void> {
  await runGatedCommand(page, 'Explorer: Focus on Energy Lens: Campaigns View');
}

/** The Campaigns view's row of a board. */
function campaignsRow(page: Page, board: string) {
  return page.locator('.pane-body .monaco-list-row', { hasText: board }).first();
}

/** `energyLens.targets` in the workspace settings file, as VS Code wrote it. */
function targetsInSettings(workspace: string): unknown {
  const file = path.join(workspace, '.vscode', 'settings.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['energyLens.targets'];
  } catch {
    return undefined; // being written
  }
}

async function waitForTargets(workspace: string, expected: unknown[]): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const now = targetsInSettings(workspace);
    try {
      assert.deepStrictEqual(now, expected);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

suite('UI: Add a Board… and Edit Board…', () => {
  let settingsFile = '';
  let original: string | undefined;
  let keyDir = '';

  suiteSetup(() => {
    const { workspace } = currentSession();
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    // A workspace list: the flows edit the list where the boards are (with none anywhere, a board goes to the user settings).
    const settings = original ? (JSON.parse(original) as Record<string, unknown>) : {};
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'energyLens.targets': [BENCH] }, null, 2));
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-ui-key-'));
  });

  suiteTeardown(async () => {
    const { page } = currentSession();
    await page.keyboard.press('Escape').catch(() => undefined);
    // Later suites find the workspace settings as they were.
    if (original === undefined) fs.rmSync(settingsFile, { force: true });
    else fs.writeFileSync(settingsFile, original);
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  test('Add a Board… asks each field in an input box, refuses bad answers there and writes the board to the workspace settings', async () => {
    const { page, workspace } = currentSession();
    const key = path.join(keyDir, 'id_ed25519');
    fs.writeFileSync(key, 'not a real key: the flow only checks that the file exists\n', { mode: 0o600 });
    const missingKey = path.join(keyDir, 'no_such_key');
    try {
      // The Campaigns view lists the workspace's board once VS Code has read the settings file.
      await showCampaignsView(page);
      await campaignsRow(page, BENCH.name).waitFor({ state: 'visible', timeout: 60_000 });
      await runGatedCommand(page, 'Energy Lens: Add a Board…');
      await pick(page, 'Jetson TX2');
      const name = 'Name of the board (used in the campaign records)';
      await refused(page, name, 'my board', 'Letters, digits, ".", "_" and "-" only, starting with a letter or digit.');
      await corrected(page, name, BOARD);
      await refused(page, 'Host: an alias from ~/.ssh/config', 'lab board', 'No spaces, please.');
      await corrected(page, 'Host: an alias from ~/.ssh/config', '192.168.55.1');
      await answer(page, 'User to log in as', 'nvidia', 'ubuntu');
      const port = 'SSH port (empty: ~/.ssh/config or 22)';
      await refused(page, port, '70000', 'The port must be from 1 to 65535.');
      await corrected(page, port, '2222');
      await pick(page, 'A private key file…');
      const keyPrompt = 'Path of the private key file';
      await refused(page, keyPrompt, missingKey, `No such file: ${missingKey}`);
      await corrected(page, keyPrompt, key);
      await page
        .locator('.notifications-toasts', { hasText: `added board "${BOARD}"` })
        .first()
        .waitFor({ timeout: STEP_TIMEOUT_MS });
    } catch (err) {
      await screenshot(page, 'boards.png').catch(() => undefined);
      throw err;
    }
    await waitForTargets(workspace, [
      BENCH,
      { name: BOARD, host: '192.168.55.1', kind: 'jetson-tx2', user: 'nvidia', port: 2222, identityFile: key, device: 'cpu', threads: 1 },
    ]);
  });

  test("Edit Board… from the board's context menu in the Campaigns view changes the port in the settings file", async () => {
    const { page, workspace } = currentSession();
    const before = targetsInSettings(workspace) as Array<Record<string, unknown>> | undefined;
    assert.ok(before?.length === 2 && before[1].name === BOARD, `the board added by the previous test: ${JSON.stringify(before)}`);
    try {
      await showCampaignsView(page);
      const row = campaignsRow(page, BOARD);
      await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      await row.click({ button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: 'Edit Board…' }).first();
      await item.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
      // The menu takes the item under the mouse as its focused item; Enter runs it (as a keyboard user would).
      await item.hover();
      await page.locator('.context-view .action-item.focused', { hasText: 'Edit Board…' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.keyboard.press('Enter');
      // The same questions, each starting from the board's entry; only the port changes.
      await answer(page, 'Name of the board', BOARD, BOARD);
      await answer(page, 'Host: an alias from ~/.ssh/config', '192.168.55.1', '192.168.55.1');
      await answer(page, 'User to log in as', 'nvidia', 'nvidia');
      const port = 'SSH port (empty: ~/.ssh/config or 22)';
      await refused(page, port, 'ssh', 'A port is a number from 1 to 65535 (empty: ~/.ssh/config or 22).', '2222');
      await corrected(page, port, '2200');
      await pick(page, 'A private key file…');
      await answer(page, 'Path of the private key file', String(before[1].identityFile), String(before[1].identityFile));
    } catch (err) {
      await screenshot(page, 'boards.png').catch(() => undefined);
      throw err;
    }
    await waitForTargets(workspace, [BENCH, { ...before[1], port: 2200 }]);
  });
});
