// `energy-lens predict FILE --platform ID [--json | --csv | --markdown] [--budget-mj X] [--budget-ms T] [--model-files a,b]`:
// per-layer predicted energy (and latency, where the platform's model has latency sub-models) and totals.
// With --budget-mj / --budget-ms, budget gates for CI pipelines that fail closed: errors in the file, a
// layer without a number, a platform without latency sub-models, or a total over a budget each exit with
// their own non-zero code (cli/exit-codes.ts) and say why. --modes compares the net across a board's
// power modes and recommends one (predict-modes.ts).
import type { CliCommand } from './io';
import { parseNetworkArgs } from './network-args';
import { alignedTable, analysisJson, loadAnalysis, reportProblems, type LoadedAnalysis } from './load-analysis';
import { countText, networkHeader, shapeText } from './analyze';
import { buildRegistry, describeSource, type RegisteredModel } from '../energy/registry';
import {
  bothPredicted,
  isLatencyLowerBound,
  predictLatency,
  predictNet,
  type LayerLatency,
  type LayerPrediction,
  type NetLatency,
  type NetPrediction,
} from '../energy/predict';
import { DEFAULT_PLATFORM_ID } from '../energy/builtin';
import { formatEnergy, formatLatency, formatLatencyTotal, formatMeanPower, formatPercent } from '../units';
import { detectFileKind, validateDocument } from '../caffe/validate';
import { ExitCode } from './exit-codes';
import { escapeMarkdown } from '../markdown-escape';
import { csvTextCell } from '../csv-escape';
import { predictModes } from './predict-modes';

export const USAGE =
  'usage: energy-lens predict FILE [--platform ID] [--json|--csv|--markdown] [--budget-mj X] [--budget-ms T] [--modes all|0,1,2] [--model-files a,b] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]';

export const predict: CliCommand = async (args, io) => {
  const parsed = parseNetworkArgs(
    args,
    ['json', 'csv', 'markdown'],
    ['--platform', '--budget-mj', '--budget-ms', '--model-files', '--modes'],
  );
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens predict: ${parsed}\n${USAGE}\n`);
    return ExitCode.usage;
  }
  const budget = budgetOption(parsed.extra, '--budget-mj', 'millijoules', io);
  const budgetMs = budgetOption(parsed.extra, '--budget-ms', 'milliseconds', io);
  if (budget === null || budgetMs === null) return ExitCode.usage;
  const registry = buildRegistry({
    modelFiles: (parsed.extra.get('--model-files') ?? '').split(',').filter(Boolean),
    workspaceFolders: [io.cwd],
  });
  for (const p of registry.problems) io.stderr(`warning: ${p.message}\n`);
  const platformId = parsed.extra.get('--platform') ?? DEFAULT_PLATFORM_ID;
  const model = registry.get(platformId);
  if (!model) {
    io.stderr(
      `energy-lens predict: no energy model for platform '${platformId}'. Known platforms:\n${registry
        .list()
        .map((e) => `  ${e.model.platform.id}`)
        .join('\n')}\n`,
    );
    return ExitCode.usage;
  }
  const modes = parsed.extra.get('--modes');
  if (modes !== undefined && (parsed.format === 'csv' || parsed.format === 'markdown')) {
    io.stderr(`energy-lens predict: --modes prints a table or --json, not --${parsed.format}\n${USAGE}\n`);
    return ExitCode.usage;
  }
  const loaded = await loadAnalysis(parsed.file, io, parsed.options);
  if (typeof loaded === 'number') return loaded;
  if (modes !== undefined) {
    const errors = reportProblems(loaded, io, validateDocument(loaded.parsed, detectFileKind(loaded.parsed)));
    const json = parsed.format === 'json';
    return predictModes(
      { file: parsed.file, modes, platformId, layers: loaded.analysis.layers, json, budgetMs, budgetMj: budget, errors },
      registry,
      io,
    );
  }
  const predicted: Predicted = {
    energy: predictNet(loaded.analysis.layers, model.model),
    latency: predictLatency(loaded.analysis.layers, model.model),
  };
  const render = { json: renderJson, csv: renderCsv, markdown: renderMarkdown, table: renderTable }[parsed.format];
  io.stdout(render(loaded, predicted, model));
  const errors = reportProblems(loaded, io, validateDocument(loaded.parsed, detectFileKind(loaded.parsed)));
  const label = model.model.platform.label;
  const gates: Gate[] = [];
  if (budget !== undefined)
    gates.push({
      what: 'energy budget',
      against: `budget ${formatEnergy(budget)} on ${label}`,
      missing: unpredictedReason(predicted.energy.layers, predicted.energy.total.predicted_mJ),
      over:
        predicted.energy.total.predicted_mJ > budget
          ? `predicted ${formatEnergy(predicted.energy.total.predicted_mJ)} per inference on ${label} > budget ${formatEnergy(budget)}`
          : undefined,
      overCode: ExitCode.overBudget,
    });
  if (budgetMs !== undefined) {
    const latency = predicted.latency;
    gates.push({
      what: 'latency budget',
      against: `budget ${formatLatency(budgetMs)} on ${label}`,
      missing: latency
        ? unpredictedReason(latency.layers, latency.total.predicted_ms)
        : `the model of ${model.model.platform.id} has no latency sub-models (${describeSource(model)})`,
      over:
        latency && latency.total.predicted_ms > budgetMs
          ? `predicted ${formatLatency(latency.total.predicted_ms)} per inference on ${label} > budget ${formatLatency(budgetMs)}`
          : undefined,
      overCode: ExitCode.overLatencyBudget,
    });
  }
  if (gates.length === 0) {
    const missing = unpredictedReason(predicted.energy.layers, predicted.energy.total.predicted_mJ);
    if (missing) io.stderr(`${parsed.file}: note: the total is not complete: ${missing}\n`);
    return errors > 0 ? ExitCode.errorsInFile : ExitCode.ok;
  }
  // Every gate is reported; the exit code is the first failure's, in the order errors, incomplete, over.
  if (errors > 0) {
    for (const g of gates) io.stderr(`${parsed.file}: ${g.what} not checked: ${errors} error(s) in the file (${g.against})\n`);
    return ExitCode.errorsInFile;
  }
  const incomplete = gates.filter((g) => g.missing);
  for (const g of incomplete)
    io.stderr(`${parsed.file}: ${g.what} not checked: the network is not fully predicted: ${g.missing} (${g.against})\n`);
  if (incomplete.length > 0) return ExitCode.notFullyPredicted;
  const over = gates.filter((g) => g.over);
  for (const g of over) io.stderr(`${parsed.file}: ${g.what} exceeded: ${g.over}\n`);
  if (budgetMs !== undefined && predicted.latency && isLatencyLowerBound(predicted.latency) && over.length === 0)
    io.stderr(
      `${parsed.file}: note: latency of ${predicted.latency.notModelledTypes.join(', ')} is not modelled on ${label}: the checked latency counts the other layers only\n`,
    );
  return over.length > 0 ? over[0].overCode : ExitCode.ok;
};

interface Predicted {
  energy: NetPrediction;
  /** Undefined when the platform's model has no latency sub-models. */
  latency?: NetLatency;
}

/** One budget check: what is missing to decide it, or by how much it is exceeded. */
interface Gate {
  what: string;
  against: string;
  missing?: string;
  over?: string;
  overCode: number;
}

/** A positive finite budget from the option, undefined when absent, null (after saying why) when bad. */
function budgetOption(
  extra: Map<string, string>,
  option: string,
  unit: string,
  io: { stderr(t: string): void },
): number | undefined | null {
  const text = extra.get(option);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (value > 0 && Number.isFinite(value)) return value;
  io.stderr(`energy-lens predict: ${option} needs a positive finite number of ${unit} (got '${text}')\n`);
  return null;
}

/** Why a predicted total leaves something out, or undefined when every modelled layer has a number. */
function unpredictedReason(layers: Array<LayerPrediction | LayerLatency>, total: number): string | undefined {
  const missing = layers.filter((p) => p.status === 'missing-features' || p.status === 'invalid');
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((p) => `'${p.name}' (${p.message ?? p.status})`)
      .join('; ');
    return `${missing.length} layer(s) without a number: ${shown}${missing.length > 5 ? '; …' : ''}`;
  }
  if (!layers.some((p) => p.status === 'predicted')) return 'no layer of the network has a prediction';
  if (!Number.isFinite(total)) return 'the predicted total is not a finite number';
  return undefined;
}

/** Predictions of the file's own layers (inserted Split layers dropped), in file order. */
function ownLayers(
  loaded: LoadedAnalysis,
  predicted: Predicted,
): Array<{ layer: LoadedAnalysis['analysis']['layers'][number]; p: LayerPrediction; t?: LayerLatency }> {
  return loaded.analysis.layers
    .map((layer, i) => ({ layer, p: predicted.energy.layers[i], t: predicted.latency?.layers[i] }))
    .filter((x) => !x.layer.isSplit);
}

function energyJson(p: { predicted_mJ?: number; low_mJ?: number; high_mJ?: number }, model: string) {
  return { predicted_mJ: p.predicted_mJ ?? null, low_mJ: p.low_mJ ?? null, high_mJ: p.high_mJ ?? null, model };
}

function latencyJson(t: LayerLatency | undefined, platformId: string) {
  if (t?.status === 'predicted')
    return {
      predicted_ms: t.predicted_ms!,
      low_ms: t.low_ms!,
      high_ms: t.high_ms!,
      model: `${platformId}:latency:${t.subModel}`,
      formula: t.formula,
      extrapolated: t.extrapolated,
    };
  return {
    predicted_ms: null,
    low_ms: null,
    high_ms: null,
    model: platformId,
    status: t?.status ?? 'not-modelled',
    note: t ? (t.message ?? null) : 'the platform has no latency sub-models',
  };
}

function latencyTotalJson(predicted: Predicted, model: RegisteredModel) {
  const latency = predicted.latency;
  if (!latency)
    return {
      kind: 'predicted',
      predicted_ms: null,
      low_ms: null,
      high_ms: null,
      note: `the model of ${model.model.platform.id} has no latency sub-models`,
    };
  const both = bothPredicted(predicted.energy, latency);
  return {
    kind: 'predicted',
    predicted_ms: latency.total.predicted_ms,
    low_ms: latency.total.low_ms,
    high_ms: latency.total.high_ms,
    lowerBound: isLatencyLowerBound(latency),
    coveredTypes: latency.coveredTypes,
    notModelledTypes: latency.notModelledTypes,
    meanPower_W: both ? both.mJ / both.ms : null,
    meanPowerOver: both ? (both.complete ? 'all predicted layers' : 'the layers with both energy and latency predicted') : null,
  };
}

function renderJson(loaded: LoadedAnalysis, predicted: Predicted, model: RegisteredModel): string {
  const prediction = predicted.energy;
  const base = analysisJson(loaded.analysis);
  const rows = ownLayers(loaded, predicted);
  const layers = base.layers.map((l, i) => {
    const { p, t } = rows[i];
    const energy =
      p.status === 'predicted'
        ? {
            ...energyJson(p, `${prediction.platform.id}:${p.subModel}`),
            share: p.share ?? 0,
            formula: p.formula,
            extrapolated: p.extrapolated,
          }
        : { ...energyJson({}, `${prediction.platform.id}`), status: p.status, note: p.message ?? null };
    return { ...l, energy, latency: latencyJson(t, prediction.platform.id) };
  });
  return `${JSON.stringify(
    {
      ...base,
      layers,
      totals: {
        ...base.totals,
        energy: {
          ...energyJson(prediction.total, prediction.platform.id),
          kind: 'predicted',
          platform: prediction.platform.label,
          modelSource: describeSource(model),
          coveredTypes: prediction.coveredTypes,
          notModelledTypes: prediction.notModelledTypes,
          extrapolatedShare: prediction.extrapolatedShare,
          extrapolatedTypes: prediction.extrapolatedTypes,
          byType: prediction.byType.map((t) => ({
            subModel: t.subModel,
            layerTypes: t.layerTypes,
            predicted_mJ: t.predicted_mJ,
            low_mJ: t.low_mJ,
            high_mJ: t.high_mJ,
            share: t.share,
            extrapolated: t.extrapolated,
          })),
          intervalLevel: prediction.intervalLevel,
          intervalAssumption: prediction.intervalAssumption,
        },
        latency: latencyTotalJson(predicted, model),
      },
    },
    null,
    2,
  )}\n`;
}

/** Numbers as numbers (non-finite ones left empty), text through the shared CSV-injection guard. */
function csvCell(v: string | number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return csvTextCell(v);
}

function renderCsv(loaded: LoadedAnalysis, predicted: Predicted): string {
  const prediction = predicted.energy;
  // Latency columns come last so scripts reading the energy columns by position keep working.
  const lines = [
    [
      'layer',
      'type',
      'output_shape',
      'macs',
      'params',
      'predicted_mJ',
      'low_mJ',
      'high_mJ',
      'share',
      'sub_model',
      'extrapolated',
      'note',
      'predicted_ms',
      'low_ms',
      'high_ms',
    ].join(','),
  ];
  for (const { layer, p, t } of ownLayers(loaded, predicted)) {
    lines.push(
      [
        layer.name,
        layer.type,
        layer.outputShapes.map(shapeText).join(' + '),
        layer.features.macs,
        layer.features.params,
        p.predicted_mJ,
        p.low_mJ,
        p.high_mJ,
        p.share,
        p.subModel,
        p.status === 'predicted' ? String(p.extrapolated) : '',
        p.status === 'predicted' ? '' : (p.message ?? p.status),
        t?.predicted_ms,
        t?.low_ms,
        t?.high_ms,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  const lt = predicted.latency?.total;
  lines.push(
    [
      'total',
      '',
      '',
      loaded.analysis.totals.macs,
      loaded.analysis.totals.params,
      prediction.total.predicted_mJ,
      prediction.total.low_mJ,
      prediction.total.high_mJ,
      1,
      prediction.platform.id,
      '',
      '',
      lt?.predicted_ms,
      lt?.low_ms,
      lt?.high_ms,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${lines.join('\n')}\n`;
}

function energyCell(p: LayerPrediction): string[] {
  if (p.status !== 'predicted') return ['-', '', ''];
  return [
    formatEnergy(p.predicted_mJ!),
    `${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}`,
    `${formatPercent(p.share ?? 0)}${p.extrapolated ? ' (extrap.)' : ''}`,
  ];
}

/** The latency column, present only when the platform models latency. */
function latencyCell(predicted: Predicted, t: LayerLatency | undefined): string[] {
  if (!predicted.latency) return [];
  return [t?.status === 'predicted' ? formatLatency(t.predicted_ms!) : '-'];
}

function summary(predicted: Predicted, model: RegisteredModel, batch: number): string[] {
  const prediction = predicted.energy;
  const t = prediction.total;
  const per = batch === 1 ? 'per image' : `per batch of ${batch}`;
  const lines = [
    `predicted energy ${per} on ${prediction.platform.label} (${prediction.platform.calibration} calibration, ${describeSource(model)}):`,
    `  ${formatEnergy(t.predicted_mJ)}, 90 % interval ${formatEnergy(t.low_mJ)} – ${formatEnergy(t.high_mJ)}; by type: ${prediction.byType.map((g) => `${g.subModel} ${formatPercent(g.share)}`).join(', ') || 'none'}`,
    `  covers ${prediction.coveredTypes.join(', ') || 'no layer'}${prediction.notModelledTypes.length ? `; not modelled: ${prediction.notModelledTypes.join(', ')}` : ''}`,
  ];
  if (prediction.extrapolatedShare > 0) {
    lines.push(
      `  extrapolated: ${formatPercent(prediction.extrapolatedShare)} of the total (${prediction.extrapolatedTypes.join(', ')}: no data of these types on this platform)`,
    );
  }
  const latency = predicted.latency;
  if (!latency) {
    lines.push(`predicted latency: not modelled on ${prediction.platform.label} (its model has no latency sub-models)`);
    return lines;
  }
  const lt = latency.total;
  const both = bothPredicted(prediction, latency);
  lines.push(
    `predicted latency ${per} on ${prediction.platform.label}:`,
    `  ${formatLatencyTotal(lt.predicted_ms, isLatencyLowerBound(latency))}, 90 % interval ${formatLatency(lt.low_ms)} – ${formatLatency(lt.high_ms)}` +
      (both ? `; mean power ${formatMeanPower(both.mJ, both.ms)}${both.complete ? '' : ' over the layers with both'} (predicted E/t)` : ''),
    `  covers ${latency.coveredTypes.join(', ') || 'no layer'}${latency.notModelledTypes.length ? `; not modelled: ${latency.notModelledTypes.join(', ')}` : ''}`,
  );
  return lines;
}

function renderTable(loaded: LoadedAnalysis, predicted: Predicted, model: RegisteredModel): string {
  const hasLatency = predicted.latency !== undefined;
  const rows: string[][] = [
    ['layer', 'type', 'output shape', 'MACs', 'predicted', '90 % interval', 'share', ...(hasLatency ? ['latency'] : [])],
  ];
  for (const { layer, p, t } of ownLayers(loaded, predicted)) {
    rows.push([
      layer.name,
      layer.type,
      layer.outputShapes.map(shapeText).join(' + ') || '-',
      countText(layer.features.macs),
      ...energyCell(p),
      ...latencyCell(predicted, t),
    ]);
  }
  const t = predicted.energy.total;
  const lt = predicted.latency;
  rows.push([
    'total',
    '',
    '',
    countText(loaded.analysis.totals.macs),
    formatEnergy(t.predicted_mJ),
    `${formatEnergy(t.low_mJ)} – ${formatEnergy(t.high_mJ)}`,
    '100 %',
    ...(lt ? [formatLatencyTotal(lt.total.predicted_ms, isLatencyLowerBound(lt))] : []),
  ]);
  return [
    ...networkHeader(loaded.analysis, loaded.options),
    ...alignedTable(rows, 3),
    '',
    ...summary(predicted, model, loaded.options.batch ?? 1),
    '',
  ].join('\n');
}

function renderMarkdown(loaded: LoadedAnalysis, predicted: Predicted, model: RegisteredModel): string {
  const hasLatency = predicted.latency !== undefined;
  const lines = [
    `# Predicted energy: ${loaded.analysis.name ? escapeMarkdown(loaded.analysis.name) : '(unnamed network)'}`,
    '',
    ...summary(predicted, model, loaded.options.batch ?? 1).map((l) => escapeMarkdown(l.trim(), 2000)),
    '',
    `| layer | type | output shape | MACs | predicted | 90 % interval | share |${hasLatency ? ' latency |' : ''}`,
    `|---|---|---|---:|---:|---|---:|${hasLatency ? '---:|' : ''}`,
  ];
  for (const { layer, p, t } of ownLayers(loaded, predicted)) {
    const cells = [
      layer.name,
      layer.type,
      layer.outputShapes.map(shapeText).join(' + '),
      countText(layer.features.macs),
      ...energyCell(p),
      ...latencyCell(predicted, t),
    ];
    lines.push(`| ${cells.map((cell) => escapeMarkdown(cell)).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
