// `energy-lens fit DATA... [options]`: fits energy models to measured layers (CSV) with the same
// engine the refit panel uses, validates them out of sample and prints the papers' comparison
// table (or JSON); `--out` writes the best one as a model file the editor picks up.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand, CliIo } from './io';
import {
  type BadRow,
  type CsvColumn,
  type Dataset,
  type FitReport,
  type Family,
  type FitSpec,
  type Method,
  type CvScheme,
  FAMILIES,
  METHODS,
  FitError,
  comparisonTable,
  concatDatasets,
  fitDataset,
  importCsv,
  parseCvScheme,
  toEnergyModel,
  datasetDomains,
} from '../energy/fit';
import type { DataSource, Platform, Quantity } from '../energy/model';
import { formatFormula } from '../energy/formula';
import { Z_90 } from '../energy/predict';
import { parseTerm } from '../energy/terms';
import { printNetworkAccuracy, recordsInput, reportNetworkAccuracy, type RecordsInput } from './fit-records';
import { runFitSearch } from './fit-search';
import { writeFittedModel } from './model-output';

export const USAGE = `usage: energy-lens fit DATA.csv...|RECORDS_DIR|CAMPAIGN.jsonl... [--quantity energy|latency] [--target COL] [--features a,b|col:name|a*b] [--type-features TYPE=a,b;TYPE2=c] [--type-column COL]
       [--group-column COL] [--layer-type TYPE] [--family layer-type|individual|both] [--degree N]
       [--method ${METHODS.join('|')}|all (comma list)] [--intercept|--no-intercept] [--weights none|relative]
       [--cv loo-network|kfold:K|holdout:F|loo|none] [--seed S] [--json] [--out model.json] [--platform ID] [--label TEXT]
       [--search [--max-terms K] [--pick N]]   (search model structures; print the accuracy–complexity frontier)`;

interface FitArgs {
  files: string[];
  /** Energy (mJ, the model's sub-models) or latency (ms, its `latency` section). */
  quantity: Quantity;
  target: string;
  features?: string[];
  typeFeatures: Record<string, string[]>;
  typeColumn?: string;
  groupColumn?: string;
  layerType: string;
  families: Family[];
  degree: number;
  methods: Method[];
  intercept?: boolean;
  weighting?: 'none' | 'relative';
  cv?: CvScheme | 'none';
  seed: number;
  json: boolean;
  out?: string;
  platform?: string;
  label?: string;
  search: boolean;
  maxTerms?: string;
  pick?: string;
}

const VALUE_FLAGS = new Set([
  '--quantity',
  '--target',
  '--features',
  '--type-features',
  '--type-column',
  '--group-column',
  '--layer-type',
  '--family',
  '--degree',
  '--method',
  '--weights',
  '--cv',
  '--seed',
  '--out',
  '--platform',
  '--label',
  '--max-terms',
  '--pick',
]);
const BOOLEAN_FLAGS = new Set(['--json', '--intercept', '--no-intercept', '--search']);

function parseArgs(args: string[]): FitArgs | string {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (value === undefined) return `${name} needs a value`;
      values.set(name, value);
    } else if (BOOLEAN_FLAGS.has(a)) {
      flags.add(a);
    } else if (a.startsWith('--')) {
      return `unknown option ${a}`;
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) return 'no data file given';
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const familyText = values.get('--family') ?? 'layer-type';
  const families = familyText === 'both' ? [...FAMILIES] : list(familyText)!;
  for (const f of families) if (!FAMILIES.includes(f as Family)) return `unknown family '${f}' (use layer-type, individual or both)`;
  const methodText = values.get('--method') ?? 'all';
  const methods = methodText === 'all' ? [...METHODS] : list(methodText)!;
  for (const m of methods) if (!METHODS.includes(m as Method)) return `unknown method '${m}' (use ${METHODS.join(', ')} or all)`;
  const degree = Number(values.get('--degree') ?? 2);
  if (!Number.isInteger(degree) || degree < 1 || degree > 6) return `--degree must be an integer from 1 to 6`;
  const seed = Number(values.get('--seed') ?? 1);
  if (!Number.isInteger(seed)) return `--seed must be an integer`;
  const weights = values.get('--weights');
  if (weights !== undefined && weights !== 'none' && weights !== 'relative') return `--weights must be none or relative`;
  if (flags.has('--intercept') && flags.has('--no-intercept')) return 'give --intercept or --no-intercept, not both';
  const typeFeatures: Record<string, string[]> = {};
  for (const part of (values.get('--type-features') ?? '')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(part);
    if (!m) return `--type-features: '${part}' is not TYPE=feature,feature`;
    typeFeatures[m[1]] = list(m[2])!;
  }
  const quantity = values.get('--quantity') ?? 'energy';
  if (quantity !== 'energy' && quantity !== 'latency') return `--quantity must be energy or latency, got '${quantity}'`;
  let cv: FitArgs['cv'];
  const cvText = values.get('--cv');
  if (cvText === 'none') cv = 'none';
  else if (cvText !== undefined) {
    try {
      cv = parseCvScheme(cvText);
    } catch (e) {
      return (e as Error).message;
    }
  }
  return {
    files,
    quantity,
    target: values.get('--target') ?? (quantity === 'latency' ? 'latency_ms' : 'energy_mJ'),
    features: list(values.get('--features')),
    typeFeatures,
    typeColumn: values.get('--type-column'),
    groupColumn: values.get('--group-column'),
    layerType: values.get('--layer-type') ?? 'Convolution',
    families: families as Family[],
    degree,
    methods: methods as Method[],
    intercept: flags.has('--intercept') ? true : flags.has('--no-intercept') ? false : undefined,
    weighting: weights as FitArgs['weighting'],
    cv,
    seed,
    json: flags.has('--json'),
    out: values.get('--out'),
    platform: values.get('--platform'),
    label: values.get('--label'),
    search: flags.has('--search'),
    maxTerms: values.get('--max-terms'),
    pick: values.get('--pick'),
  };
}

/**
 * `col:name` renames a column; anything else is a term whose names are columns (or renamed names).
 * Returns the columns to import and the terms of the default and per-type feature lists.
 */
function featurePlan(entries: string[], typeEntries: Record<string, string[]>) {
  const renames = new Map<string, string>();
  const termsOf = (list: string[]): string[] | string => {
    const terms: string[] = [];
    for (const e of list) {
      const m = /^([^:]+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(e);
      if (m) {
        renames.set(m[2], m[1]);
        terms.push(m[2]);
        continue;
      }
      const t = parseTerm(e);
      if ('error' in t) return t.error;
      terms.push(t.text);
    }
    return terms;
  };
  const terms = termsOf(entries);
  if (typeof terms === 'string') return terms;
  const typeTerms: Record<string, string[]> = {};
  for (const [type, list] of Object.entries(typeEntries)) {
    const t = termsOf(list);
    if (typeof t === 'string') return `${type}: ${t}`;
    typeTerms[type] = t;
  }
  const basesOf = (list: string[]) => [
    ...new Set(
      list.flatMap((t) => {
        const parsed = parseTerm(t);
        return 'error' in parsed ? [] : parsed.factors.map((f) => f.name);
      }),
    ),
  ];
  const all = basesOf([...terms, ...Object.values(typeTerms).flat()]);
  const plainOnly = [terms, ...Object.values(typeTerms)].every((list) =>
    list.every((t) => basesOf([t])[0] === t && !t.includes('(') && !t.includes('*') && !t.includes('^')),
  );
  return {
    columns: all.map((name): CsvColumn => ({ column: renames.get(name) ?? name, name })),
    terms,
    typeTerms,
    plainOnly,
  };
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export const fit: CliCommand = async (args, io) => {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens fit: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const a = parsed;
  if (a.families.includes('individual') && !a.features) {
    io.stderr(
      'energy-lens fit: the individual-layer family needs --features (the hyper-parameter columns, e.g. c_in:channelsIn,k:kernelH)\n',
    );
    return 2;
  }
  const plan = featurePlan(a.features ?? ['macs'], a.typeFeatures);
  if (typeof plan === 'string') {
    io.stderr(`energy-lens fit: --features: ${plan}\n`);
    return 2;
  }
  if (a.families.includes('individual') && !plan.plainOnly) {
    io.stderr('energy-lens fit: the individual-layer family takes plain feature names (it builds the products itself)\n');
    return 2;
  }

  // Campaign records (folders, .jsonl): the refit panel's join, energies in real-board units.
  const records = recordsInput(
    a.files,
    io,
    a.platform,
    plan.columns.map((c) => c.name ?? c.column),
    a.quantity,
  );
  if (typeof records === 'number') return records;
  // Read every file; a bad row is reported with its line, never dropped silently.
  const parts: Dataset[] = records ? [records.dataset] : [];
  const badRows: BadRow[] = [];
  const sources: DataSource[] = records ? [...records.sources] : [];
  for (const file of records ? [] : a.files) {
    const absolute = path.resolve(io.cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch (e) {
      io.stderr(`${file}: error: cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 1;
    }
    try {
      const imported = importCsv(text, {
        file,
        target: a.target,
        features: plan.columns,
        typeColumn: a.typeColumn,
        groupColumn: a.groupColumn,
        defaultType: a.layerType,
      });
      parts.push(imported.dataset);
      badRows.push(...imported.badRows);
      sources.push({ file, sha256: sha256(absolute), rows: imported.dataset.rows.length });
    } catch (e) {
      if (!(e instanceof FitError)) throw e;
      io.stderr(`energy-lens fit: ${e.message}\n`);
      return 1;
    }
  }
  for (const b of badRows) io.stderr(`${b.file}:${b.line}: skipped: ${b.message}\n`);
  const dataset = concatDatasets(parts);
  if (badRows.length > 0) io.stderr(`energy-lens fit: ${badRows.length} bad row(s) skipped, ${dataset.rows.length} used\n`);
  if (dataset.rows.length === 0) {
    io.stderr('energy-lens fit: no usable rows\n');
    return 1;
  }

  const networks = new Set(dataset.rows.map((r) => r.group)).size;
  const cv: CvScheme | undefined =
    a.cv === 'none'
      ? undefined
      : (a.cv ??
        ((a.groupColumn || records) && networks >= 2 ? { kind: 'loo-network' } : { kind: 'kfold', k: Math.min(10, dataset.rows.length) }));
  if (a.search && a.cv === 'none') {
    io.stderr('energy-lens fit: --search scores every model on held-out rows; give --cv loo-network, kfold:K or holdout:F, not none\n');
    return 2;
  }
  if (a.search) return runFitSearch(io, dataset, cv, { ...a, platform: platformOf(a, records?.platformId) }, sources);
  const reports: FitReport[] = [];
  const failures: Array<{ family: Family; method: Method; error: string }> = [];
  for (const family of a.families) {
    for (const method of a.methods) {
      const spec: FitSpec = {
        family,
        method,
        features: plan.terms,
        typeFeatures: plan.typeTerms,
        degree: a.degree,
        seed: a.seed,
        ...(a.intercept !== undefined && method !== 'log' && method !== 'ols' && method !== 'ols-intercept'
          ? { intercept: a.intercept }
          : {}),
        ...(a.weighting !== undefined && method !== 'log' && method !== 'relative' ? { weighting: a.weighting } : {}),
      };
      try {
        reports.push(fitDataset(dataset, spec, { cv, seed: a.seed }));
      } catch (e) {
        if (!(e instanceof FitError)) throw e;
        failures.push({ family, method, error: (e as Error).message });
      }
    }
  }
  // The paper's whole-net accuracy compares measured whole-net energy: energy fits only.
  const paperAccuracy = records && a.quantity === 'energy' ? records : undefined;
  if (paperAccuracy) for (const r of reports) usePaperNetworkAccuracy(r, paperAccuracy);
  const best = pickBest(reports);

  if (a.json) {
    io.stdout(
      `${JSON.stringify(
        {
          rows: dataset.rows.length,
          badRows: badRows.map((b) => ({ file: b.file, line: b.line, message: b.message })),
          validation: reports[0]?.cv?.scheme ?? 'none',
          models: [...reports.map(jsonModel), ...failures],
          best: best ? reports.indexOf(best) : null,
          ...(records
            ? {
                records: {
                  notes: records.notes,
                  platform: records.platformId,
                  networkAccuracy: best && paperAccuracy ? (reportNetworkAccuracy(best, paperAccuracy) ?? null) : null,
                },
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    if (records) io.stdout(`${records.notes.join('; ')}\n`);
    printText(io, dataset, reports, failures, best, a.quantity);
    if (paperAccuracy && best) printNetworkAccuracy(io, best, paperAccuracy);
  }
  if (a.out && best) {
    const code = writeModel(io, a, best, sources, dataset, records?.platformId);
    if (code !== 0) return code;
  }
  return reports.length > 0 ? 0 : 1;
};

function pickBest(reports: FitReport[]): FitReport | undefined {
  const scored = reports.filter((r) => r.cv && Number.isFinite(r.cv.layers.mape));
  if (scored.length === 0) return reports[0];
  return scored.reduce((x, y) => (y.cv!.layers.mape < x.cv!.layers.mape ? y : x));
}

function jsonModel(r: FitReport) {
  return {
    family: r.spec.family,
    method: r.label,
    ...(r.spec.family === 'individual' ? { degree: r.spec.degree } : {}),
    complexity: r.complexity,
    cv: r.cv
      ? {
          mape: r.cv.layers.mape,
          rmspe: r.cv.layers.rmspe,
          networkAccuracy: r.cv.network?.accuracyPct ?? null,
          sigmaLog: r.cv.layers.sigmaLog,
          coverage90: Number.isFinite(r.cv.coverage90) ? r.cv.coverage90 : null,
          coverage90PerType: r.cv.coverage90PerType,
          unpredicted: r.cv.unpredicted,
        }
      : null,
    coefficients: Object.fromEntries(
      r.subModels.map((m) => [
        m.type,
        {
          intercept: m.intercept,
          terms: Object.fromEntries(m.terms.map((t, j) => [t, m.coefficients[j]]).filter(([, c]) => c !== 0)),
          ...(m.link === 'log' ? { link: 'log' } : {}),
          ...(m.lambda !== undefined ? { lambda: m.lambda } : {}),
        },
      ]),
    ),
    warnings: r.warnings,
  };
}

function printText(
  io: CliIo,
  dataset: Dataset,
  reports: FitReport[],
  failures: Array<{ family: Family; method: Method; error: string }>,
  best: FitReport | undefined,
  quantity: Quantity,
) {
  const types = [...new Set(dataset.rows.map((r) => r.type))].sort();
  io.stdout(
    `${dataset.rows.length} rows (${types.join(', ')}) of measured ${quantity === 'latency' ? 'latency (ms per layer call)' : 'energy (mJ per layer call)'}; validation: ${reports[0]?.cv?.scheme ?? 'none (in-sample figures only)'}\n\n`,
  );
  if (reports.length > 0) io.stdout(`${comparisonTable(reports)}\n`);
  const unpredicted = reports[0]?.cv?.unpredicted ?? 0;
  if (unpredicted > 0) io.stdout(`(${unpredicted} held-out row(s) of types without a sub-model are not in these errors)\n`);
  for (const f of failures) io.stdout(`\n${f.family} ${f.method}: not fitted: ${f.error}\n`);
  for (const w of new Set(reports.flatMap((r) => r.warnings))) io.stdout(`warning: ${w}\n`);
  if (best) {
    io.stdout(`\nbest by held-out MAPE: ${best.spec.family} ${best.label}\n`);
    for (const m of best.subModels) {
      const shown = formatFormula(
        {
          features: m.terms,
          coefficients: m.coefficients,
          intercept: m.intercept,
          link: m.link,
          sigmaLog: m.sigmaLog,
          samples: m.samples,
          extrapolated: false,
          provenance: { family: best.spec.family, method: best.label, spreadFrom: m.sigmaFrom },
        },
        quantity,
      );
      const covers = best.cv?.coverage90PerType[m.type];
      const coverage = covers === undefined ? '' : `, covering ${(100 * covers).toFixed(1)} % of held-out rows`;
      io.stdout(`  ${m.type}: ${shown}  (${m.samples} rows, 90 % interval ×/÷ ${Math.exp(Z_90 * m.sigmaLog).toFixed(2)}${coverage})\n`);
    }
    if (best.cv && Number.isFinite(best.cv.coverage90)) {
      io.stdout(
        `measured coverage of the 90 % intervals on held-out rows: ${(100 * best.cv.coverage90).toFixed(1)} % (${best.cv.scheme}; each fold judged by the spread of the others)\n`,
      );
    }
  }
}

/** Records fits report the paper's whole-net accuracy (all layers, measured whole net), not the sum over modelled rows. */
function usePaperNetworkAccuracy(r: FitReport, records: RecordsInput): void {
  const paper = reportNetworkAccuracy(r, records);
  if (!r.cv || !paper) return;
  r.cv.network = {
    networks: paper.networks.map((n) => ({
      group: n.network,
      layers: records.dataset.rows.filter((x) => x.group === n.network).length,
      measured: n.measured_mJ,
      predicted: n.predicted_mJ,
      errorPct: n.errorPct,
    })),
    meanErrorPct: 100 - paper.meanAccuracyPct,
    accuracyPct: paper.meanAccuracyPct,
  };
}

function platformOf(a: FitArgs, recordsPlatform?: string): Platform {
  const stem =
    path
      .basename(a.files[0])
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9._+-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'data';
  return {
    id: a.platform ?? recordsPlatform ?? `custom/${stem}`,
    label: a.label ?? (recordsPlatform ? `${recordsPlatform} (fitted on campaign records)` : `Custom (${stem})`),
    board: 'unknown',
    framework: 'unknown',
    device: 'unknown',
    calibration: 'fitted',
  };
}

function writeModel(io: CliIo, a: FitArgs, best: FitReport, sources: DataSource[], dataset: Dataset, recordsPlatform?: string): number {
  const platform = platformOf(a, recordsPlatform);
  try {
    const model = toEnergyModel(best, {
      platform,
      generator: 'energy-lens fit',
      data: sources,
      why: `lowest held-out per-layer MAPE among the fitted ${a.families.join('/')} models (${a.methods.join(', ')})`,
      domains: datasetDomains(dataset),
    });
    return writeFittedModel(io, a.out!, model, a.quantity, `${best.spec.family} ${best.label}`);
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    io.stderr(`energy-lens fit: cannot write a model: ${e.message}\n`);
    return 1;
  }
}
