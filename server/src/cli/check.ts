// `energy-lens check FILE...`: the editor's diagnostics for CI pipelines.
import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand } from './io';
import { DocumentAnalysis } from '../analysis/document-analysis';
import { DEFAULT_SETTINGS } from '../settings-defaults';
import { LineIndex } from '../text/line-index';

export const check: CliCommand = async (args, io) => {
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    io.stderr('energy-lens check: no file given (usage: energy-lens check FILE...)\n');
    return 2;
  }
  let errors = 0;
  for (const file of files) {
    const absolute = path.resolve(io.cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch (error) {
      io.stderr(`${file}: error: cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      errors++;
      continue;
    }
    const analysis = new DocumentAnalysis(absolute, 0, text, DEFAULT_SETTINGS);
    const lines = new LineIndex(text);
    const problems = [...analysis.problems].sort((a, b) => a.span.start - b.span.start);
    for (const p of problems) {
      const at = lines.positionAt(p.span.start);
      io.stdout(`${file}:${at.line + 1}:${at.character + 1}: ${p.severity}: ${p.message} [${p.code}]\n`);
      if (p.severity === 'error') errors++;
    }
  }
  return errors > 0 ? 1 : 0;
};
