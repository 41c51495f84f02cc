// Queries the editor features the way VS Code does (the `vscode.execute*Provider` commands), plus
// scratch copies of workspace files and the independent facts tests compare against: layer blocks
// found by a scanner of our own (not the product's parser) and the built-in model files as JSON.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { openDocument, waitFor, workspaceFile } from './helpers';

/** Polling budget for anything the language server computes (it debounces; the host is slow). */
export const SERVER_TIMEOUT_MS = 30_000;

// ---- files -------------------------------------------------------------------------------------

/**
 * Writes `text` (default: the workspace file `source`'s text, passed through `transform`) to
 * scratch/<name> in the workspace and opens it, so a test may edit it without touching others.
 */
export async function openScratchCopy(
  source: string[] | null,
  name: string,
  transform: (text: string) => string = (t) => t,
): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  const original = source ? fs.readFileSync(workspaceFile(...source), 'utf8') : '';
  const target = path.join(folder.uri.fsPath, 'scratch', name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, transform(original));
  const document = await openDocument(target);
  if (document.languageId !== 'prototxt') throw new Error(`${name} opened as ${document.languageId}, not prototxt`);
  return document;
}

/** A file of the repository (the harness passes its root as ENERGY_LENS_REPO). */
export function repoFile(...parts: string[]): string {
  const root = process.env.ENERGY_LENS_REPO;
  if (!root) throw new Error('ENERGY_LENS_REPO is not set: run through `npm run test:integration`');
  return path.join(root, ...parts);
}

type SubModelJson = { appliesTo?: string[]; features: string[]; coefficients: number[]; intercept: number; link?: string };
export interface BuiltinModelJson {
  platform: { id: string; label: string; calibration: string };
  subModels: Record<string, SubModelJson>;
  /** Format 3: latency sub-models (ms). */
  latency?: { unit: 'ms'; subModels: Record<string, SubModelJson> };
}

/** The built-in model file of `platformId`, read as plain JSON (not through the product's loader). */
export function builtinModel(platformId: string): BuiltinModelJson {
  const dir = repoFile('server', 'src', 'energy', 'builtin');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const model = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as BuiltinModelJson;
    if (model.platform.id === platformId) return model;
  }
  throw new Error(`no built-in model file for platform ${platformId} in ${dir}`);
}

// ---- positions and edits -------------------------------------------------------------------------

/** Position of the `occurrence`-th (0-based) `needle` in the document, plus `delta` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0, occurrence = 0): vscode.Position {
  const text = document.getText();
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence + 1} times in ${path.basename(document.uri.fsPath)}`);
  }
  return document.positionAt(at + delta);
}

/** Range of the `occurrence`-th `needle`. */
export function rangeOf(document: vscode.TextDocument, needle: string, occurrence = 0): vscode.Range {
  const start = positionOf(document, needle, 0, occurrence);
  return new vscode.Range(start, start.translate(0, needle.length));
}

/** Replaces the first `needle` by `replacement` through a WorkspaceEdit (as an extension would). */
export async function replaceInDocument(document: vscode.TextDocument, needle: string, replacement: string, occurrence = 0): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, rangeOf(document, needle, occurrence), replacement);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not replace "${needle}"`);
}

// ---- feature queries -----------------------------------------------------------------------------

export function diagnosticsOf(document: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Energy Lens');
}

export async function documentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
  return (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri)) ?? [];
}

export async function completionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  // Word-based suggestions (kind Text) come from the editor, not from Energy Lens.
  return (list?.items ?? []).filter((item) => item.kind !== vscode.CompletionItemKind.Text);
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

export function insertTextOf(item: vscode.CompletionItem): string {
  const text = item.insertText ?? labelOf(item);
  return typeof text === 'string' ? text : text.value;
}

/** Text of every hover at `position`, joined (markdown source). */
/** The hover's markdown as a reader sees it: backslash escapes of text from the file are removed. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  return unescapeMarkdown(hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'));
}

export function unescapeMarkdown(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface Hint {
  line: number;
  label: string;
  tooltip: string;
}

export async function inlayHints(document: vscode.TextDocument): Promise<Hint[]> {
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole)) ?? [];
  return hints.map((h) => ({
    line: h.position.line,
    label: typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''),
    tooltip: h.tooltip === undefined ? '' : typeof h.tooltip === 'string' ? h.tooltip : h.tooltip.value,
  }));
}

export async function codeLensTitles(document: vscode.TextDocument): Promise<string[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 10)) ?? [];
  return lenses.map((l) => l.command?.title ?? '');
}

/**
 * Quick fixes VS Code offers at `diagnostic`'s range (it passes the diagnostics overlapping the
 * range to the provider). The API command drops each action's `diagnostics`, so callers pick by title.
 */
export async function quickFixes(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
  return actions.filter((a): a is vscode.CodeAction => typeof a.command !== 'string');
}

/** Polls `query` until `accept` holds for its result; the failure message shows the last result. */
export async function eventually<T>(
  query: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = SERVER_TIMEOUT_MS,
): Promise<T> {
  let last: T | undefined;
  try {
    return await waitFor(
      async () => {
        last = await query();
        return accept(last) ? { value: last } : undefined;
      },
      timeoutMs,
      what,
    ).then((box) => box.value);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last result: ${JSON.stringify(last)?.slice(0, 1500)}`, { cause: err });
  }
}

// ---- settings -----------------------------------------------------------------------------------

/**
 * Sets an `energyLens` setting at `target` and returns a function restoring the value that was
 * there before (tests must not leak settings into each other).
 */
export async function setEnergyLensSetting(
  key: string,
  value: unknown,
  target = vscode.ConfigurationTarget.Workspace,
): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('energyLens');
  const inspected = config.inspect(key);
  const before =
    target === vscode.ConfigurationTarget.Global
      ? inspected?.globalValue
      : target === vscode.ConfigurationTarget.Workspace
        ? inspected?.workspaceValue
        : inspected?.workspaceFolderValue;
  await config.update(key, value, target);
  return async () => {
    await vscode.workspace.getConfiguration('energyLens').update(key, before, target);
  };
}

// ---- independent facts ---------------------------------------------------------------------------

/** Energy text as the product writes it ("241 mJ", "1.48 J", "830 µJ") in millijoules. */
export function parseEnergy(text: string): number {
  const m = /^\s*([\d.]+)\s*(µJ|mJ|J)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an energy`);
  const scale = m[2] === 'J' ? 1000 : m[2] === 'µJ' ? 1e-3 : 1;
  return Number(m[1]) * scale;
}

/** |a − b| within `relative` of the larger magnitude. */
export function near(a: number, b: number, relative: number): boolean {
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}

export interface LayerBlock {
  name: string;
  type: string;
  /** 0-based line of the `layer` keyword. */
  line: number;
  /** Text between the braces. */
  body: string;
}

/**
 * Top-level `layer { ... }` blocks of a V2 prototxt, found by a small scanner of our own that skips
 * strings and comments (the SqueezeNet header comment has braces), so tests do not trust the
 * product's parser to count what the product shows.
 */
export function layerBlocks(text: string): LayerBlock[] {
  const blocks: LayerBlock[] = [];
  let depth = 0;
  let open = -1;
  let keywordAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        i++;
      }
      continue;
    }
    if (c === '{') {
      if (depth === 0) {
        const before = text.slice(0, i).replace(/\s+$/, '');
        keywordAt = /(?:^|\s)layer$/.test(before) ? before.length - 'layer'.length : -1;
        open = i;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && keywordAt >= 0) {
        const body = text.slice(open + 1, i);
        // The layer's own name/type are at depth 1: strip nested messages before reading them.
        const own = stripNested(body);
        blocks.push({
          name: /\bname\s*:\s*"([^"]*)"/.exec(own)?.[1] ?? '',
          type: /\btype\s*:\s*"([^"]*)"/.exec(own)?.[1] ?? '',
          line: text.slice(0, keywordAt).split('\n').length - 1,
          body,
        });
      }
    }
  }
  return blocks;
}

function stripNested(body: string): string {
  let out = '';
  let depth = 0;
  for (const c of body) {
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Caffe's convolution output size: floor((in + 2·pad − kernel) / stride) + 1. */
export function convOutput(input: number, kernel: number, stride = 1, pad = 0): number {
  return Math.floor((input + 2 * pad - kernel) / stride) + 1;
}

/** Caffe's pooling output size rounds up: ceil((in + 2·pad − kernel) / stride) + 1. */
export function poolOutput(input: number, kernel: number, stride = 1, pad = 0): number {
  return Math.ceil((input + 2 * pad - kernel) / stride) + 1;
}
