// Editor responsiveness on ResNet-152: hover on a layer (the server's cached analysis), and the full
// re-annotation after a one-character edit (parse, schema check, network analysis, prediction,
// diagnostics, inlay hints, CodeLens). Baseline, same process: the same work with every cache cold
// (a fresh analysis and an empty prediction cache), which is what a server without caches would do.
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from '../../server/src/analysis/document-analysis';
import { ModelService } from '../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import { hover } from '../../server/src/lsp/hover';
import { inlayHints } from '../../server/src/lsp/inlay-hints';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';

import { SHARED } from '../unit/shared-paths';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(samples);
}

export async function benchLsp(): Promise<string[]> {
  const file = path.join(SHARED, 'corpus', 'prototxt', 'resnet152.prototxt');
  const text = fs.readFileSync(file, 'utf8');
  const models = new ModelService();
  const model = models.get(DEFAULT_SETTINGS.platform);
  const uri = 'file:///bench/resnet152.prototxt';
  const annotate = (doc: TextDocument, analysis: DocumentAnalysis) => {
    analysis.problems.map((p) => toDiagnostic(doc, p));
    inlayHints(doc, analysis, { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } });
    codeLenses(analysis);
  };

  // Hover: on the name of a layer deep in the file, analysis cached as in the server.
  const doc = TextDocument.create(uri, 'prototxt', 1, text);
  const warm = new DocumentAnalysis(uri, 1, text, DEFAULT_SETTINGS, model);
  annotate(doc, warm);
  const offset = text.indexOf('"res5c_branch2b"') + 3;
  const position = doc.positionAt(offset);
  const hoverText = hover(doc, warm, position)?.contents;
  if (!hoverText || !JSON.stringify(hoverText).includes('Predicted energy')) throw new Error('hover did not show a prediction');
  const hoverMs = time(() => hover(doc, warm, position), 200);
  const coldHoverMs = time(() => hover(doc, new DocumentAnalysis(uri, 1, text, DEFAULT_SETTINGS, model), position), 20);

  // Re-annotation after a one-character edit (a digit of a num_output), alternating two texts.
  const at = text.indexOf('num_output: 512') + 'num_output: 51'.length;
  const edited = `${text.slice(0, at)}3${text.slice(at + 1)}`;
  let version = 2;
  const reannotateMs = time(() => {
    const t = version % 2 === 0 ? edited : text;
    const d = TextDocument.create(uri, 'prototxt', version++, t);
    annotate(d, new DocumentAnalysis(uri, d.version, t, DEFAULT_SETTINGS, model));
  }, 40);

  return [
    `lsp (resnet152, ${(text.length / 1e6).toFixed(2)} MB, ${text.split('\n').length} lines)`,
    `  hover on a layer:       median ${hoverMs.toFixed(3)} ms (target < 5 ms)  · baseline cold hover (fresh analysis) ${coldHoverMs.toFixed(2)} ms · ratio ${(coldHoverMs / hoverMs).toFixed(0)}x`,
    `  re-annotation on edit:  median ${reannotateMs.toFixed(2)} ms (target < 10 ms) · parse + schema + shapes + prediction + diagnostics + inlay hints + CodeLens`,
  ];
}

if (process.argv[1]?.endsWith('lsp-bench.js') || process.argv[1]?.endsWith('lsp-bench.ts')) {
  benchLsp().then(
    (lines) => console.log(lines.join('\n')),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
