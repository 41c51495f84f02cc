// Runs the whole pipeline and every LSP feature on one text, in-process as the server would, timing each
// feature (CPU time) and checking what it returns: no exception, nothing over the time limit, no non-finite number
// in anything shown (numbers in results, or NaN/Infinity/∞ in text that the input did not contain).
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';
import { DocumentAnalysis } from '../../server/src/analysis/document-analysis';
import type { RegisteredModel } from '../../server/src/energy/registry';
import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { hover } from '../../server/src/lsp/hover';
import { completionItems } from '../../server/src/lsp/completion';
import { documentSymbols } from '../../server/src/lsp/symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { formattingEdits } from '../../server/src/lsp/formatting';
import { inlayHints } from '../../server/src/lsp/inlay-hints';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { buildReport, hotLayerLines } from '../../server/src/lsp/report';
import { definitions, highlights, prepareRename, references, rename } from '../../server/src/lsp/navigation';
import { seededRandom } from '../../server/src/energy/fit/rng';

export const FEATURES = [
  'parse',
  'schema',
  'analysis',
  'prediction',
  'diagnostics',
  'hover',
  'completion',
  'symbols',
  'folding',
  'formatting',
  'inlayHints',
  'codeLens',
  'report',
  'navigation',
] as const;
export type Feature = (typeof FEATURES)[number];

export type Finding =
  | { kind: 'exception'; feature: Feature; message: string }
  | { kind: 'slow'; feature: Feature; ms: number }
  | { kind: 'non-finite'; feature: Feature; where: string };

export interface FeatureRun {
  ms: Record<Feature, number>;
  findings: Finding[];
}

/** Positions a user would put the cursor at: layer names, field names, the end, and a few at random. */
function probePositions(document: TextDocument, analysis: DocumentAnalysis, seed: number): Position[] {
  const text = document.getText();
  const offsets = new Set<number>([0, text.length]);
  const random = seededRandom(seed);
  for (let i = 0; i < 2; i++) offsets.add(Math.floor(random() * (text.length + 1)));
  const layers = analysis.net?.layers ?? [];
  for (let i = 0; i < 2 && layers.length > 0; i++) {
    const layer = layers[Math.floor(random() * layers.length)];
    if (layer.nameSpan) offsets.add(layer.nameSpan.start + 1);
    if (layer.span) offsets.add(layer.span.start + 1);
    if (layer.bottomSpans?.[0]) offsets.add(layer.bottomSpans[0].start + 1);
  }
  return [...offsets].map((o) => document.positionAt(o));
}

const SHOWN_NON_FINITE = /NaN|Infinity|∞/;

/**
 * CPU milliseconds of this process: features are timed by the CPU they use, not wall time, so the
 * 1 s limit means the same on an idle laptop and on a shared CI machine (run one worker per process).
 */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Where a shown value holds a non-finite number (an iterative walk: results can nest deeply). */
function nonFinite(value: unknown, inputText: string): string | undefined {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  const allowed = SHOWN_NON_FINITE.test(inputText) ? new Set(inputText.match(/NaN|Infinity|∞/g)) : new Set<string>();
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${path} = ${v}`;
    } else if (typeof v === 'string') {
      const m = SHOWN_NON_FINITE.exec(v);
      if (m && !allowed.has(m[0])) return `${path}: …${v.slice(Math.max(0, m.index - 60), m.index + 20)}…`;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]` }));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: `${path}.${k}` });
    }
  }
  return undefined;
}

export function runFeatures(
  text: string,
  model: RegisteredModel | undefined,
  options: { slowMs?: number; probeSeed?: number } = {},
): FeatureRun {
  const slowMs = options.slowMs ?? 1000;
  const ms = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number>;
  const findings: Finding[] = [];
  const document = TextDocument.create('file:///fuzz/input.prototxt', 'prototxt', 1, text);
  const analysis = new DocumentAnalysis(document.uri, 1, text, DEFAULT_SETTINGS, model);

  /** Runs `fn` as `feature`, adding its time; the result is checked unless `shown` is false. */
  const run = <T>(feature: Feature, fn: () => T, shown = true): T | undefined => {
    const t0 = cpuNow();
    try {
      const result = fn();
      if (shown) {
        const where = nonFinite(result, text);
        if (where) findings.push({ kind: 'non-finite', feature, where });
      }
      return result;
    } catch (error) {
      findings.push({ kind: 'exception', feature, message: (error as Error)?.stack ?? String(error) });
      return undefined;
    } finally {
      ms[feature] += cpuNow() - t0;
    }
  };

  // The stages, each alone (the analysis memoises, so later features pay only for themselves).
  const parsed = run('parse', () => analysis.parsed, false);
  if (!parsed) return { ms, findings };
  run('schema', () => analysis.schemaProblems.length, false);
  run('analysis', () => analysis.net, false);
  run('prediction', () => analysis.prediction?.total);
  run('diagnostics', () => analysis.problems.map((p) => toDiagnostic(document, p)));

  const positions = probePositions(document, analysis, options.probeSeed ?? 1);
  for (const position of positions) {
    run('hover', () => hover(document, analysis, position));
    run('completion', () => completionItems(document, analysis, position));
    run('navigation', () => [
      definitions(document, analysis, position),
      references(document, analysis, position),
      highlights(document, analysis, position),
      prepareRename(document, analysis, position),
      rename(document, analysis, position, 'renamed_blob'),
    ]);
  }
  run('symbols', () => documentSymbols(document, parsed.root));
  run('folding', () => foldingRanges(document, parsed));
  run('formatting', () => formattingEdits(document, parsed), false);
  run('inlayHints', () =>
    inlayHints(document, analysis, { start: { line: 0, character: 0 }, end: { line: document.lineCount, character: 0 } }),
  );
  run('codeLens', () => codeLenses(analysis));
  run('report', () => [buildReport(document, analysis), hotLayerLines(document, analysis)]);

  for (const feature of FEATURES) if (ms[feature] > slowMs) findings.push({ kind: 'slow', feature, ms: Math.round(ms[feature]) });
  return { ms, findings };
}

/** A short key for a finding ("exception in hover"), used to keep the same failure while minimising. */
export function findingKey(f: Finding): string {
  return `${f.kind}:${f.feature}`;
}
