// `energy-lens analyze FILE [--json] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]`:
// the network analysis (shapes, MACs, params per layer) as a table or JSON. FILE may be a prototxt
// or a .caffemodel (decoded structurally).
import type { CliCommand } from './io';
import type { AnalyzeOptions, NetAnalysis, Shape } from '../net/types';
import { parseNetworkArgs } from './network-args';
import { alignedTable, analysisJson, loadAnalysis, reportProblems } from './load-analysis';

export const USAGE = 'usage: energy-lens analyze FILE [--json] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]';

export const analyze: CliCommand = async (args, io) => {
  const parsed = parseNetworkArgs(args, ['json']);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens analyze: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const loaded = await loadAnalysis(parsed.file, io, parsed.options);
  if (typeof loaded === 'number') return loaded;
  io.stdout(
    parsed.format === 'json' ? `${JSON.stringify(analysisJson(loaded.analysis), null, 2)}\n` : table(loaded.analysis, loaded.options),
  );
  return reportProblems(loaded, io) > 0 ? 1 : 0;
};

export function shapeText(s: Shape | undefined): string {
  if (!s) return '?';
  return s.length === 0 ? 'scalar' : s.join('x');
}

export function countText(n: number | undefined): string {
  return n === undefined ? '?' : n.toLocaleString('en-US');
}

/** First lines of the human output: which network, format, phase, batch and inputs. */
export function networkHeader(a: NetAnalysis, options: AnalyzeOptions): string[] {
  return [
    `network: ${a.name || '(unnamed)'}  format: ${a.format ?? 'V2'}  phase: ${options.phase ?? 'TEST'}  batch: ${options.batch ?? 1}`,
    `inputs: ${a.inputs.map((i) => `${i.name} ${shapeText(i.shape)}`).join(', ') || '(none)'}`,
    '',
  ];
}

function table(a: NetAnalysis, options: AnalyzeOptions): string {
  const rows: string[][] = [['layer', 'type', 'output shape', 'MACs', 'params']];
  for (const l of a.layers.filter((x) => !x.isSplit)) {
    rows.push([l.name, l.type, l.outputShapes.map(shapeText).join(' + ') || '-', countText(l.features.macs), countText(l.features.params)]);
  }
  rows.push(['total', '', '', countText(a.totals.macs), countText(a.totals.params)]);
  const note = a.complete ? [] : ['', 'Some shapes are unknown ("?"); totals count only the known layers.'];
  return [...networkHeader(a, options), ...alignedTable(rows, 3), ...note, ''].join('\n');
}
