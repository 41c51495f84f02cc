// `energy-lens predict FILE --platform ID [--json | --csv | --markdown] [--budget-mj X] [--model-files a,b]`:
// per-layer predicted energy and totals. With --budget-mj, an energy budget gate for CI pipelines that
// fails closed: errors in the file, a layer without a number, or a total over the budget each exit with
// their own non-zero code (cli/exit-codes.ts) and say why.
import type { CliCommand } from './io';
import { parseNetworkArgs } from './network-args';
import { alignedTable, analysisJson, loadAnalysis, reportProblems, type LoadedAnalysis } from './load-analysis';
import { countText, networkHeader, shapeText } from './analyze';
import { buildRegistry, describeSource, type RegisteredModel } from '../energy/registry';
import { predictNet, type LayerPrediction, type NetPrediction } from '../energy/predict';
import { DEFAULT_PLATFORM_ID } from '../energy/builtin';
import { formatEnergy, formatPercent } from '../units';
import { detectFileKind, validateDocument } from '../caffe/validate';
import { ExitCode } from './exit-codes';
import { escapeMarkdown } from '../markdown-escape';
import { csvTextCell } from '../csv-escape';

export const USAGE =
  'usage: energy-lens predict FILE [--platform ID] [--json|--csv|--markdown] [--budget-mj X] [--model-files a,b] [--input-shape N,C,H,W] [--phase TEST|TRAIN] [--batch N]';

export const predict: CliCommand = async (args, io) => {
  const parsed = parseNetworkArgs(args, ['json', 'csv', 'markdown'], ['--platform', '--budget-mj', '--model-files']);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens predict: ${parsed}\n${USAGE}\n`);
    return ExitCode.usage;
  }
  const budgetText = parsed.extra.get('--budget-mj');
  const budget = budgetText === undefined ? undefined : Number(budgetText);
  if (budget !== undefined && !(budget > 0 && Number.isFinite(budget))) {
    io.stderr(`energy-lens predict: --budget-mj needs a positive finite number of millijoules (got '${budgetText}')\n`);
    return ExitCode.usage;
  }
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
  const loaded = await loadAnalysis(parsed.file, io, parsed.options);
  if (typeof loaded === 'number') return loaded;
  const prediction = predictNet(loaded.analysis.layers, model.model);
  const render = { json: renderJson, csv: renderCsv, markdown: renderMarkdown, table: renderTable }[parsed.format];
  io.stdout(render(loaded, prediction, model));
  const errors = reportProblems(loaded, io, validateDocument(loaded.parsed, detectFileKind(loaded.parsed)));
  const missing = unpredictedReason(prediction);
  if (budget === undefined) {
    if (missing) io.stderr(`${parsed.file}: note: the total is not complete: ${missing}\n`);
    return errors > 0 ? ExitCode.errorsInFile : ExitCode.ok;
  }
  const against = `budget ${formatEnergy(budget)} on ${model.model.platform.label}`;
  if (errors > 0) {
    io.stderr(`${parsed.file}: energy budget not checked: ${errors} error(s) in the file (${against})\n`);
    return ExitCode.errorsInFile;
  }
  if (missing) {
    io.stderr(`${parsed.file}: energy budget not checked: the network is not fully predicted: ${missing} (${against})\n`);
    return ExitCode.notFullyPredicted;
  }
  if (prediction.total.predicted_mJ > budget) {
    io.stderr(
      `${parsed.file}: energy budget exceeded: predicted ${formatEnergy(prediction.total.predicted_mJ)} per inference on ${model.model.platform.label} > budget ${formatEnergy(budget)}\n`,
    );
    return ExitCode.overBudget;
  }
  return ExitCode.ok;
};

/** Why the predicted total leaves something out, or undefined when every modelled layer has a number. */
function unpredictedReason(prediction: NetPrediction): string | undefined {
  const missing = prediction.layers.filter((p) => p.status === 'missing-features' || p.status === 'invalid');
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((p) => `'${p.name}' (${p.message ?? p.status})`)
      .join('; ');
    return `${missing.length} layer(s) without a number: ${shown}${missing.length > 5 ? '; …' : ''}`;
  }
  if (!prediction.layers.some((p) => p.status === 'predicted')) return 'no layer of the network has a prediction';
  if (!Number.isFinite(prediction.total.predicted_mJ)) return 'the predicted total is not a finite number';
  return undefined;
}

/** Predictions of the file's own layers (inserted Split layers dropped), in file order. */
function ownLayers(
  loaded: LoadedAnalysis,
  prediction: NetPrediction,
): Array<{ layer: LoadedAnalysis['analysis']['layers'][number]; p: LayerPrediction }> {
  return loaded.analysis.layers.map((layer, i) => ({ layer, p: prediction.layers[i] })).filter((x) => !x.layer.isSplit);
}

function energyJson(p: { predicted_mJ?: number; low_mJ?: number; high_mJ?: number }, model: string) {
  return { predicted_mJ: p.predicted_mJ ?? null, low_mJ: p.low_mJ ?? null, high_mJ: p.high_mJ ?? null, model };
}

function renderJson(loaded: LoadedAnalysis, prediction: NetPrediction, model: RegisteredModel): string {
  const base = analysisJson(loaded.analysis);
  const rows = ownLayers(loaded, prediction);
  const layers = base.layers.map((l, i) => {
    const p = rows[i].p;
    const energy =
      p.status === 'predicted'
        ? {
            ...energyJson(p, `${prediction.platform.id}:${p.subModel}`),
            share: p.share ?? 0,
            formula: p.formula,
            extrapolated: p.extrapolated,
          }
        : { ...energyJson({}, `${prediction.platform.id}`), status: p.status, note: p.message ?? null };
    return { ...l, energy };
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
          byType: prediction.byType.map((t) => ({
            subModel: t.subModel,
            layerTypes: t.layerTypes,
            predicted_mJ: t.predicted_mJ,
            low_mJ: t.low_mJ,
            high_mJ: t.high_mJ,
            share: t.share,
          })),
          intervalLevel: prediction.intervalLevel,
          intervalAssumption: prediction.intervalAssumption,
        },
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

function renderCsv(loaded: LoadedAnalysis, prediction: NetPrediction): string {
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
    ].join(','),
  ];
  for (const { layer, p } of ownLayers(loaded, prediction)) {
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
      ]
        .map(csvCell)
        .join(','),
    );
  }
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

function summary(prediction: NetPrediction, model: RegisteredModel, batch: number): string[] {
  const t = prediction.total;
  return [
    `predicted energy ${batch === 1 ? 'per image' : `per batch of ${batch}`} on ${prediction.platform.label} (${prediction.platform.calibration} calibration, ${describeSource(model)}):`,
    `  ${formatEnergy(t.predicted_mJ)}, 90 % interval ${formatEnergy(t.low_mJ)} – ${formatEnergy(t.high_mJ)}; by type: ${prediction.byType.map((g) => `${g.subModel} ${formatPercent(g.share)}`).join(', ') || 'none'}`,
    `  covers ${prediction.coveredTypes.join(', ') || 'no layer'}${prediction.notModelledTypes.length ? `; not modelled: ${prediction.notModelledTypes.join(', ')}` : ''}`,
  ];
}

function renderTable(loaded: LoadedAnalysis, prediction: NetPrediction, model: RegisteredModel): string {
  const rows: string[][] = [['layer', 'type', 'output shape', 'MACs', 'predicted', '90 % interval', 'share']];
  for (const { layer, p } of ownLayers(loaded, prediction)) {
    rows.push([
      layer.name,
      layer.type,
      layer.outputShapes.map(shapeText).join(' + ') || '-',
      countText(layer.features.macs),
      ...energyCell(p),
    ]);
  }
  const t = prediction.total;
  rows.push([
    'total',
    '',
    '',
    countText(loaded.analysis.totals.macs),
    formatEnergy(t.predicted_mJ),
    `${formatEnergy(t.low_mJ)} – ${formatEnergy(t.high_mJ)}`,
    '100 %',
  ]);
  return [
    ...networkHeader(loaded.analysis, loaded.options),
    ...alignedTable(rows, 3),
    '',
    ...summary(prediction, model, loaded.options.batch ?? 1),
    '',
  ].join('\n');
}

function renderMarkdown(loaded: LoadedAnalysis, prediction: NetPrediction, model: RegisteredModel): string {
  const lines = [
    `# Predicted energy: ${loaded.analysis.name ? escapeMarkdown(loaded.analysis.name) : '(unnamed network)'}`,
    '',
    ...summary(prediction, model, loaded.options.batch ?? 1).map((l) => escapeMarkdown(l.trim(), 2000)),
    '',
    '| layer | type | output shape | MACs | predicted | 90 % interval | share |',
    '|---|---|---|---:|---:|---|---:|',
  ];
  for (const { layer, p } of ownLayers(loaded, prediction)) {
    lines.push(
      `| ${[layer.name, layer.type, layer.outputShapes.map(shapeText).join(' + '), countText(layer.features.macs), ...energyCell(p)].map((cell) => escapeMarkdown(cell)).join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
