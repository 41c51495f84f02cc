// `energy-lens analyze FILE [--json] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]`:
// the network analysis (shapes, MACs, params per layer) as a table or JSON.
import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand } from './io';
import { parse } from '../text/parser';
import { LineIndex } from '../text/line-index';
import { analyzeDocument } from '../net';
import type { AnalyzedLayer, AnalyzeOptions, NetAnalysis, Shape } from '../net/types';

const USAGE = 'usage: energy-lens analyze FILE [--json] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]';

interface Args {
  file: string;
  json: boolean;
  options: AnalyzeOptions;
}

export const analyze: CliCommand = async (args, io) => {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens analyze: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const { file, json, options } = parsed;
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code ?? (error as Error).message;
    io.stderr(`${file}: error: cannot read file: ${reason}\n`);
    return 1;
  }
  const doc = parse(text);
  const lines = new LineIndex(text);
  const where = (offset: number) => {
    const at = lines.positionAt(offset);
    return `${file}:${at.line + 1}:${at.character + 1}`;
  };
  if (doc.errors.length > 0) {
    const shown = 10;
    for (const e of doc.errors.slice(0, shown)) io.stderr(`${where(e.span.start)}: error: ${e.message}\n`);
    if (doc.errors.length > shown) io.stderr(`${file}: ... and ${doc.errors.length - shown} more syntax error(s)\n`);
    io.stderr(`${file}: error: not a valid prototxt file (${doc.errors.length} syntax error(s)); nothing analysed.\n`);
    return 1;
  }
  const analysis = analyzeDocument(doc, options, text);
  const layers = analysis.layers.filter((l) => !l.isSplit);
  if (layers.length === 0 && analysis.inputs.length === 0) {
    io.stderr(`${file}: error: no layers found; is this a Caffe network definition?\n`);
    return 1;
  }
  io.stdout(json ? `${JSON.stringify(toJson(analysis), null, 2)}\n` : table(analysis, options));
  let errors = 0;
  for (const p of analysis.problems) {
    if (p.severity !== 'error' && p.severity !== 'warning') continue;
    io.stderr(`${where(p.span.start)}: ${p.severity}: ${p.message} [${p.code}]\n`);
    if (p.severity === 'error') errors++;
  }
  return errors > 0 ? 1 : 0;
};

function parseArgs(args: string[]): Args | string {
  let file: string | undefined;
  let json = false;
  const options: AnalyzeOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--json') json = true;
    else if (flag === '--input-shape') {
      const v = value();
      const dims = v?.split(/[,x]/).map((d) => Number(d.trim()));
      if (!dims || dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
        return `--input-shape needs positive integers like 1,3,224,224 (got '${v ?? ''}')`;
      }
      options.inputShape = dims;
    } else if (flag === '--phase') {
      const v = value()?.toUpperCase();
      if (v !== 'TEST' && v !== 'TRAIN') return `--phase must be TEST or TRAIN (got '${v ?? ''}')`;
      options.phase = v;
    } else if (flag === '--batch') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) return `--batch needs a positive integer (got '${v ?? ''}')`;
      options.batch = n;
    } else if (flag.startsWith('-')) {
      return `unknown option '${arg}'`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return `only one FILE may be given (got '${file}' and '${arg}')`;
    }
  }
  if (!file) return 'no FILE given';
  return { file, json, options };
}

function toJson(a: NetAnalysis) {
  return {
    network: a.name,
    inputs: a.inputs.map((i) => ({ name: i.name, shape: i.shape ?? null })),
    layers: a.layers.filter((l) => !l.isSplit).map((l) => {
      const { macs, params, ...more } = l.features;
      return {
        name: l.name,
        type: l.type,
        bottoms: l.bottoms,
        tops: l.tops,
        outputShapes: l.outputShapes.map((s) => s ?? null),
        macs: macs ?? null,
        params: params ?? null,
        ...more,
      };
    }),
    totals: { macs: a.totals.macs, params: a.totals.params },
  };
}

function shapeText(s: Shape | undefined): string {
  if (!s) return '?';
  return s.length === 0 ? 'scalar' : s.join('x');
}

function number(n: number | undefined): string {
  return n === undefined ? '?' : n.toLocaleString('en-US');
}

function table(a: NetAnalysis, options: AnalyzeOptions): string {
  const rows: string[][] = [['layer', 'type', 'output shape', 'MACs', 'params']];
  const layers: AnalyzedLayer[] = a.layers.filter((l) => !l.isSplit);
  for (const l of layers) {
    rows.push([l.name, l.type, l.outputShapes.map(shapeText).join(' + ') || '-', number(l.features.macs), number(l.features.params)]);
  }
  rows.push(['total', '', '', number(a.totals.macs), number(a.totals.params)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const header = [
    `network: ${a.name || '(unnamed)'}  format: ${a.format ?? 'V2'}  phase: ${options.phase ?? 'TEST'}  batch: ${options.batch ?? 1}`,
    `inputs: ${a.inputs.map((i) => `${i.name} ${shapeText(i.shape)}`).join(', ') || '(none)'}`,
    '',
  ];
  const body = [line(rows[0]), rule, ...rows.slice(1, -1).map(line), rule, line(rows[rows.length - 1])];
  const note = a.complete ? [] : ['', 'Some shapes are unknown ("?"); totals count only the known layers.'];
  return [...header, ...body, ...note, ''].join('\n');
}

