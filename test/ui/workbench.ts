// Playwright helpers for the VS Code workbench in code-server: open a file from the Explorer,
// wait for the language mode, hover text in the editor and read the hover, run palette
// commands, take screenshots. Every wait is bounded.
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { TEST_RESULTS } from '../harness/harness-paths';

const WORKBENCH_TIMEOUT_MS = 60_000;
/** Single UI steps; generous because the machine may be busy (2 shared cores). */
const STEP_TIMEOUT_MS = 30_000;

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
}

/** The Explorer row of `name` at tree depth `level` (1 = workspace root); rows are labelled by name. */
function explorerRow(page: Page, name: string, level: number): Locator {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-level="${level}"][aria-label=${JSON.stringify(name)}]`).first();
}

/** Opens `relativePath` (e.g. "samples/alexnet.prototxt") by clicking through the Explorer tree. */
export async function openFileInExplorer(page: Page, relativePath: string): Promise<void> {
  const parts = relativePath.split('/').filter(Boolean);
  if (!(await page.locator('.explorer-folders-view').first().isVisible())) {
    await runCommand(page, 'View: Show Explorer');
  }
  for (const [i, part] of parts.entries()) {
    const row = explorerRow(page, part, i + 1);
    await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const isFolder = i < parts.length - 1;
    if (isFolder) {
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    } else {
      await row.click();
    }
  }
  const file = parts[parts.length - 1];
  await page.locator('.tabs-container .tab.active', { hasText: file }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  // The editor must have rendered its lines before anyone hovers them.
  await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** Waits until the status bar's language indicator shows `languageName` (e.g. "Caffe prototxt"). */
export async function waitForLanguageMode(page: Page, languageName: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  await page.locator('[id="status.editor.mode"]', { hasText: languageName }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Moves the cursor to a 1-based line with "Go to Line" so that line is rendered. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+g');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

interface Point {
  x: number;
  y: number;
}

// The few DOM shapes the in-page code below uses (the project compiles without lib "dom").
interface PageText {
  textContent: string | null;
}
interface PageRange {
  setStart(node: PageText, offset: number): void;
  setEnd(node: PageText, offset: number): void;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageText>;
  createTreeWalker(root: PageText, whatToShow: number): { nextNode(): PageText | null };
  createRange(): PageRange;
}

/** Screen point at the middle of `token` in the first rendered line containing `lineText`. */
async function tokenPoint(page: Page, lineText: string, token: string): Promise<Point | undefined> {
  return page.evaluate(
    ({ lineText, token }) => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const SHOW_TEXT = 4; // NodeFilter.SHOW_TEXT
      // The editor renders spaces as U+00A0; compare with plain spaces (same length, same offsets).
      const plain = (s: string) => s.replace(/\u00a0/g, ' ');
      const lines = doc.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line');
      for (const line of Array.from(lines)) {
        const text = plain(line.textContent ?? '');
        const lineAt = text.indexOf(lineText);
        if (lineAt < 0) continue;
        const at = text.indexOf(token, lineAt);
        if (at < 0) continue;
        const walker = doc.createTreeWalker(line, SHOW_TEXT);
        const range = doc.createRange();
        let offset = 0;
        let startSet = false;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent?.length ?? 0;
          if (!startSet && at < offset + length) {
            range.setStart(node, at - offset);
            startSet = true;
          }
          if (startSet && at + token.length <= offset + length) {
            range.setEnd(node, at + token.length - offset);
            const rect = range.getBoundingClientRect();
            return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
          }
          offset += length;
        }
      }
      return undefined;
    },
    { lineText, token },
  );
}

export interface HoverTarget {
  /** Text that identifies the line (its first occurrence in the rendered lines is used). */
  lineText: string;
  /** The text on that line to hover (default: lineText). */
  token?: string;
  /** 1-based line number to scroll to first (off-screen lines are not rendered). */
  line?: number;
}

/**
 * Hovers the target and returns the hover's text. Retries, because the first hover can miss
 * while the extension is activating or the language server is still analysing.
 */
export async function hoverText(page: Page, target: HoverTarget, options: { attempts?: number; waitMs?: number } = {}): Promise<string> {
  const attempts = options.attempts ?? 8;
  const waitMs = options.waitMs ?? 3_000;
  if (target.line !== undefined) await goToLine(page, target.line);
  const token = target.token ?? target.lineText;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const point = await tokenPoint(page, target.lineText, token);
    if (!point) {
      lastProblem = `"${token}" on a line with "${target.lineText}" is not rendered in the editor`;
      await page.waitForTimeout(500);
      continue;
    }
    // Leave and come back so the editor sees a fresh hover.
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    await page.mouse.move(point.x, point.y, { steps: 3 });
    const text = await readHover(page, waitMs);
    if (text) return text;
    lastProblem = `no hover text after ${waitMs} ms`;
  }
  throw new Error(`hover on "${token}" failed after ${attempts} attempts: ${lastProblem}`);
}

/** Text of the visible editor hover, or '' if none shows within `timeoutMs`. */
export async function readHover(page: Page, timeoutMs = 3_000): Promise<string> {
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden)').first();
  try {
    await hover.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return '';
  }
  const deadline = Date.now() + timeoutMs;
  // The hover appears with "Loading..." first; wait for real content.
  for (;;) {
    const text = (await hover.innerText().catch(() => '')).trim();
    if (text && !/^Loading\.*$/.test(text)) return text;
    if (Date.now() > deadline) return '';
    await page.waitForTimeout(150);
  }
}

/** Runs a command by its palette title (e.g. "Energy Lens: Show Panel"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }).catch(async (err: unknown) => {
    // Say what the palette offered instead, so a failure in CI can be diagnosed from its log.
    const shown = await page
      .locator('.quick-input-widget .monaco-list-row')
      .allInnerTexts()
      .catch(() => []);
    const value = await input.inputValue().catch(() => '?');
    // The status bar says "Restricted Mode" where the workbench thinks the workspace untrusted.
    const status = await page
      .locator('.statusbar')
      .first()
      .innerText({ timeout: 2_000 })
      .catch(() => '?');
    throw new Error(
      `the Command Palette did not offer "${title}" (input "${value}"; rows: ${shown.map((t) => t.replace(/\s+/g, ' ')).join(' | ') || 'none'}; status bar: ${status.replace(/\s+/g, ' ')}): ${String(err)}`,
    );
  });
  await page.keyboard.press('Enter');
  await page
    .locator('.quick-input-widget')
    .waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS })
    .catch(() => undefined);
}

/** Saves a full-window screenshot as test-results/<name> and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(TEST_RESULTS, { recursive: true });
  const file = path.join(TEST_RESULTS, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}

/** Texts of the CodeLens lines the editor renders (codicons drop out; `|` separates lenses). */
export async function codeLensTexts(page: Page): Promise<string[]> {
  const lenses = page.locator('.editor-instance .monaco-editor .codelens-decoration');
  return (await lenses.allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' ').trim()).filter(Boolean);
}

/** Waits for a rendered CodeLens whose text matches `pattern` and returns that text. */
export async function waitForCodeLens(page: Page, pattern: RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = (await codeLensTexts(page)).find((t) => pattern.test(t));
    if (match) return match;
    if (Date.now() > deadline)
      throw new Error(`no CodeLens matching ${pattern} after ${timeoutMs} ms; shown: ${JSON.stringify(await codeLensTexts(page))}`);
    await page.waitForTimeout(250);
  }
}

/** An inlay hint as rendered: its text and the vertical position (px) of its line in the editor. */
export interface RenderedHint {
  text: string;
  top: number;
}

/**
 * Inlay hints rendered in the editor, top to bottom. VS Code draws a hint as injected text: a
 * `span` with a dynamic `dyn-rule-*` class inside the line's `.view-line`, so a hint is told from
 * the document's own text by that class and by its text starting with `prefix`.
 */
export async function inlayHintTexts(page: Page, prefix = '⚡'): Promise<RenderedHint[]> {
  const hints = page.locator('.editor-instance .monaco-editor .view-lines .view-line span[class*="dyn-rule"]', { hasText: prefix });
  const found: RenderedHint[] = [];
  for (const hint of await hints.all()) {
    const text = (await hint.innerText().catch(() => '')).replace(/\u00a0/g, ' ').trim();
    if (!text.startsWith(prefix)) continue;
    const line = hint.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " view-line ")][1]');
    const top = Number.parseFloat(((await line.getAttribute('style').catch(() => '')) ?? '').match(/top:\s*([\d.]+)px/)?.[1] ?? 'NaN');
    found.push({ text, top });
  }
  return found.sort((a, b) => a.top - b.top);
}

/** Waits until some inlay hint's text matches `pattern`; returns all hints then shown. */
export async function waitForInlayHints(page: Page, pattern: RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<RenderedHint[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hints = await inlayHintTexts(page);
    if (hints.some((h) => pattern.test(h.text))) return hints;
    if (Date.now() > deadline) throw new Error(`no inlay hint matching ${pattern} after ${timeoutMs} ms; shown: ${JSON.stringify(hints)}`);
    await page.waitForTimeout(250);
  }
}
