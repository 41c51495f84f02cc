// `energy-lens fit DATA... --search [--max-terms K] [--pick N] [--json] [--out model.json]`: searches
// model structures per layer type (see energy/fit/search/) and prints the accuracy–complexity
// frontier; `--out` saves the recommended model of each type (or the one with N parameters).
import type { CliIo } from './io';
import { type CvScheme, type Dataset, FitError } from '../energy/fit';
import type { DataSource, Platform, Quantity } from '../energy/model';
import { writeFittedModel } from './model-output';
import { type FrontierModel, type SearchReport, searchModels } from '../energy/fit/search/search';
import { frontierJson, frontierTable } from '../energy/fit/search/frontier-table';
import { frontierEnergyModel } from '../energy/fit/search/to-model';

export interface SearchArgs {
  maxTerms?: string;
  pick?: string;
  seed: number;
  json: boolean;
  out?: string;
  platform?: Platform;
  quantity: Quantity;
}

export function runFitSearch(io: CliIo, dataset: Dataset, cv: CvScheme | undefined, a: SearchArgs, sources: DataSource[]): number {
  const maxParams = a.maxTerms === undefined ? 8 : Number(a.maxTerms);
  if (!Number.isInteger(maxParams) || maxParams < 1 || maxParams > 40) {
    io.stderr(
      `energy-lens fit: --max-terms must be an integer from 1 to 40 (the largest number of fitted parameters), got '${a.maxTerms}'\n`,
    );
    return 2;
  }
  const pick = a.pick === undefined ? undefined : Number(a.pick);
  if (pick !== undefined && !(Number.isInteger(pick) && pick >= 1)) {
    io.stderr(`energy-lens fit: --pick must be a number of parameters on the frontier, got '${a.pick}'\n`);
    return 2;
  }
  let report: SearchReport;
  const started = performance.now();
  try {
    report = searchModels(dataset, { maxParams, cv, seed: a.seed });
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    io.stderr(`energy-lens fit: search: ${e.message}\n`);
    return 1;
  }
  const seconds = (performance.now() - started) / 1000;
  if (a.json) {
    io.stdout(
      `${JSON.stringify({ rows: dataset.rows.length, seconds: Number(seconds.toFixed(2)), ...frontierJson(report, a.quantity) }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `${dataset.rows.length} rows; validation: ${report.validation}; models of up to ${maxParams} fitted parameters; searched in ${seconds.toFixed(1)} s\n`,
    );
    for (const note of report.notes) io.stdout(`note: ${note}\n`);
    io.stdout('in formulas, x↑16 is x rounded up to a multiple of 16 (a hardware tile)\n');
    for (const t of report.types) {
      const sizes = `${t.librarySizes.relative} linear terms, ${t.librarySizes.log} log terms, ${t.librarySizes.roofline} roofline costs`;
      io.stdout(
        `\n${t.type}: ${t.rows} rows, ${sizes}; frontier (held-out per-layer errors of predicted vs measured ${a.quantity}; ★ recommended):\n`,
      );
      io.stdout(`${frontierTable(t, a.quantity)}\n`);
      const r = t.front[t.recommended];
      if (r) io.stdout(`recommended: ${r.complexity} parameters, ${r.label} (the simplest model within 5 % of the lowest held-out MAPE)\n`);
    }
    for (const w of report.warnings) io.stdout(`warning: ${w}\n`);
  }
  if (a.out) return writeFrontierModel(io, a, report, pick, sources);
  return 0;
}

function writeFrontierModel(io: CliIo, a: SearchArgs, report: SearchReport, pick: number | undefined, sources: DataSource[]): number {
  const picks: Record<string, FrontierModel> = {};
  if (pick !== undefined) {
    for (const t of report.types) {
      const m = t.front.find((f) => f.complexity === pick);
      if (!m) {
        io.stderr(
          `energy-lens fit: ${t.type} has no frontier model with ${pick} parameters (the frontier has ${t.front.map((f) => f.complexity).join(', ')})\n`,
        );
        return 1;
      }
      picks[t.type] = m;
    }
  }
  try {
    const model = frontierEnergyModel(
      report,
      {
        platform: a.platform!,
        generator: 'energy-lens fit --search',
        data: sources,
        why:
          pick !== undefined
            ? `the frontier model with ${pick} parameters`
            : 'the recommended model of the frontier: the simplest within 5 % of the lowest held-out MAPE',
      },
      picks,
    );
    return writeFittedModel(
      io,
      a.out!,
      model,
      a.quantity,
      pick !== undefined ? `frontier models with ${pick} parameters` : 'recommended frontier models',
    );
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    io.stderr(`energy-lens fit: cannot write a model: ${e.message}\n`);
    return 1;
  }
}
