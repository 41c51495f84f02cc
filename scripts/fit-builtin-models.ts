// Fits the built-in energy models with the project's own fitting engine and writes
// server/src/energy/builtin/*.json. The data stays in shared/ (the TX2 sweeps have no licence to
// ship): the JSON holds coefficients, spreads, metrics and provenance (file, SHA-256, rows, method).
// Re-running reproduces the files byte for byte (seeded folds, rounded numbers, no dates).
//   npx tsx scripts/fit-builtin-models.ts [--shared DIR] [--check] [--table]
//   --check: compare with the committed files instead of writing; --table: also print the TX2 comparison table.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText } from '../server/src/net';
import type { AnalyzedLayer, LayerFeatures } from '../server/src/net/types';
import type { DataSource, EnergyModel, Platform, Quantity, SubModel } from '../server/src/energy/model';
import { MODEL_FORMAT_VERSION } from '../server/src/energy/model';
import { type Dataset, datasetFromLayers, FitError } from '../server/src/energy/fit/dataset';
import { importCsv, splitCsvLine } from '../server/src/energy/fit/csv';
import { type FitReport, fitDataset, parseCvScheme } from '../server/src/energy/fit/engine';
import type { FitSpec } from '../server/src/energy/fit/spec';
import {
  DEFAULT_APPLIES_TO,
  datasetDomains,
  extrapolatedCopy,
  finishModel,
  fittedSubModel,
  round,
} from '../server/src/energy/fit/to-model';
import { trainingDomain, type TrainingDomain } from '../server/src/energy/domain';
import { comparisonTable } from '../server/src/energy/fit/table';
import { formatFormula } from '../server/src/energy/formula';
import { doesNoWork, MEMORY_BOUND_TYPES, MEMORY_TRAFFIC_SUBMODEL } from '../server/src/energy/layer-kinds';
import { predictNet, PredictionCache, Z_90 } from '../server/src/energy/predict';

export const BUILTIN_DIR = path.resolve(__dirname, '..', 'server', 'src', 'energy', 'builtin');
const GENERATOR = 'scripts/fit-builtin-models.ts';
const SEED = 1;

export interface BuiltinFile {
  /** File name inside server/src/energy/builtin/. */
  name: string;
  model: EnergyModel;
  /** Exact file text (2-space JSON + newline). */
  text: string;
}

export interface BuiltinFit {
  files: BuiltinFile[];
  /** What was fitted and why, for people. */
  log: string[];
}

export function builtinFileName(platformId: string): string {
  return `${platformId.replace(/\//g, '_')}.json`;
}

function source(shared: string, relative: string, rows: number, description: string): DataSource {
  const bytes = fs.readFileSync(path.join(shared, relative));
  return { file: `shared/${relative}`, sha256: createHash('sha256').update(bytes).digest('hex'), rows, description };
}

const pct = (x: number) => `${x.toFixed(1)} %`;

/**
 * How much wider an FC layer's interval must be than a convolution's when FC is predicted with the
 * convolution sub-model: measured on the sweep rows whose kernel covers the whole input (1×1 output),
 * which are fully connected layers in effect (see `fcLikeSpread`).
 */
interface FcWidening {
  factor: number;
  from: string;
}

/** An extrapolated FC copy of `conv` whose spread is widened by the data-derived factor. */
function fcCopy(conv: SubModel, note: string, widening: FcWidening): SubModel {
  const copy = extrapolatedCopy(conv, 'Convolution', note);
  return {
    ...copy,
    sigmaLog: round(conv.sigmaLog * widening.factor, 4),
    provenance: {
      ...copy.provenance,
      spreadFrom: `Convolution's spread (${conv.provenance.spreadFrom}) × ${round(widening.factor, 3)}: ${widening.from}`,
    },
  };
}

// ---- Jetson TX1 CPU (Caffe + OpenBLAS, 1 thread): SqueezeNet per-layer read-off -------------------

interface ReadoffRow {
  layer: string;
  type: string;
  energy: number;
  macMillions: number;
  line: number;
}

function readReadoff(file: string): ReadoffRow[] {
  const rows: ReadoffRow[] = [];
  let header: string[] | undefined;
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      if (text.trim() === '' || text.startsWith('#')) return;
      const fields = splitCsvLine(text);
      if (!Array.isArray(fields)) throw new FitError(`${file}:${i + 1}: ${fields.error}`);
      if (!header) {
        header = fields;
        return;
      }
      const get = (name: string) => fields[header!.indexOf(name)];
      const energy = Number(get('energy_mJ_approx'));
      const macMillions = Number(get('mac_millions'));
      if (!(energy > 0) || !Number.isFinite(macMillions)) throw new FitError(`${file}:${i + 1}: bad energy or MAC value`);
      rows.push({ layer: get('layer'), type: get('type'), energy, macMillions, line: i + 1 });
    });
  return rows;
}

/**
 * SyNERGY's published split of SqueezeNet's TX1 CPU energy: layers other than convolution and pooling
 * take 1-2 % of it. The only figure for them on any built-in platform.
 */
const OTHER_LAYERS_SHARE = { low: 0.01, high: 0.02 };

/** Predicted energy of each layer that one sub-model predicts (in layer order). */
function predictedOn(layers: AnalyzedLayer[], model: EnergyModel, subModel: string): number[] {
  return predictNet(layers, model, { cache: new PredictionCache() })
    .layers.filter((p) => p.status === 'predicted' && p.subModel === subModel)
    .map((p) => p.predicted_mJ!);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * The TX1 CPU memory-traffic sub-model: energy per activation byte of the memory-bound layers, sized
 * so that SqueezeNet's such layers take the published 1-2 % (midpoint) of its total. Pooling's energy
 * per byte would not do: pooling reads every input several times (3×3 windows) and is measured far
 * dearer per byte.
 */
function tx1MemoryTraffic(
  squeezenet: { rel: string; layers: AnalyzedLayer[] },
  partial: EnergyModel,
  conv: SubModel,
  pool: SubModel,
  log: string[],
): SubModel {
  const { rel, layers } = squeezenet;
  const memoryLayers = layers.filter((l) => MEMORY_BOUND_TYPES.includes(l.type) && !doesNoWork(l));
  const bytes = sum(memoryLayers.map((l) => l.features.activationBytes!));
  const convAndPool = sum(predictedOn(layers, partial, 'Convolution')) + sum(predictedOn(layers, partial, 'Pooling'));
  const share = (OTHER_LAYERS_SHARE.low + OTHER_LAYERS_SHARE.high) / 2;
  const others = (convAndPool * share) / (1 - share);
  const perByte = others / bytes;
  // The share is known to within ×2 (1-2 %): that range is the 90 % interval of the figure itself;
  // per-layer scatter is borrowed from convolution (same board, same read-off chart).
  const shareSigma = Math.log(OTHER_LAYERS_SHARE.high / OTHER_LAYERS_SHARE.low) / 2 / Z_90;
  const sigma = Math.sqrt(conv.sigmaLog ** 2 + shareSigma ** 2);
  const types = [...new Set(memoryLayers.map((l) => l.type))].sort();
  const asPooling = sum(memoryLayers.map((l) => l.features.activationBytes! * pool.coefficients[0]));
  log.push(
    `TX1 CPU memory traffic: ${round(others, 4)} mJ over ${bytes} activation bytes of SqueezeNet's ${types.join(', ')} layers = ${round(perByte * 1e6, 4)} nJ/byte (a pooling copy would give ${round(asPooling, 4)} mJ)`,
  );
  return {
    appliesTo: [...MEMORY_BOUND_TYPES],
    features: ['activationBytes'],
    coefficients: [round(perByte)],
    intercept: 0,
    sigmaLog: round(sigma, 4),
    samples: 0,
    extrapolated: true,
    note:
      'No layer of these types was measured one by one: energy per activation byte (read and written), sized from the published share of such layers in SqueezeNet. ' +
      'In-place layers count once (one read and one write of their blob); an in-place Dropout does nothing at test time and counts zero.',
    provenance: {
      family: 'published-figure',
      method: `share × total / bytes: ${OTHER_LAYERS_SHARE.low * 100}-${OTHER_LAYERS_SHARE.high * 100} % (midpoint ${share * 100} %) of SqueezeNet v1.0's energy is in its ${types.join(', ')} layers; with this model's convolution and pooling predicting ${round(convAndPool, 4)} mJ that is ${round(others, 4)} mJ over their ${bytes} activation bytes (Energy Lens analysis of shared/${rel})`,
      source:
        'Rodrigues, Riley, Luján: SyNERGY (PDPTA 2018 slides): SqueezeNet v1.0 on the TX1 CPU, 1 thread: convolution 77-82 %, pooling 17-21 %, others 1-2 % of about 1.52 J per image',
      spreadFrom: `convolution's per-layer spread (σ ${conv.sigmaLog}) combined with the figure's own range (1-2 %, ×2: σ ${round(shareSigma, 4)}) in quadrature`,
      why: `not a copy of pooling's energy per byte (${round(pool.coefficients[0] * 1e6, 4)} nJ/byte), which would put these layers at ${round(asPooling, 4)} mJ, ${round(asPooling / others, 3)}× the published share: pooling reads each input several times`,
    },
  };
}

/**
 * A sub-model of another platform carried over by a factor `k` (every coefficient and the intercept in
 * mJ scale by it; a log link shifts by ln k). `extraSigma` widens the interval by what the scaling
 * itself is unsure of.
 */
function scaledCopy(
  from: SubModel,
  fromKey: string,
  fromPlatform: string,
  k: number,
  extraSigma: number,
  how: string,
  spreadWhy: string,
): SubModel {
  const { appliesTo, metrics: _none, domain: _unknown, ...rest } = from;
  const log = from.link === 'log';
  return {
    ...(appliesTo ? { appliesTo } : {}),
    ...rest,
    coefficients: log ? from.coefficients : from.coefficients.map((c) => round(c * k)),
    intercept: log ? round(from.intercept + Math.log(k)) : round(from.intercept * k),
    sigmaLog: round(Math.sqrt(from.sigmaLog ** 2 + extraSigma ** 2), 4),
    samples: 0,
    extrapolated: true,
    note: `No ${fromKey === MEMORY_TRAFFIC_SUBMODEL ? 'memory-bound layer' : `${fromKey} layer`} was measured on this platform: ${fromPlatform}'s ${fromKey} sub-model × ${round(k, 4)}, ${how}.`,
    provenance: {
      family: 'copied',
      method: `${fromPlatform} ${fromKey} × ${round(k, 4)}: ${how}`,
      ...(from.provenance.data ? { data: from.provenance.data } : {}),
      ...(from.provenance.source ? { source: from.provenance.source } : {}),
      spreadFrom: `${fromPlatform}'s ${fromKey} spread (σ ${from.sigmaLog}) combined in quadrature with σ ${round(extraSigma, 4)}: ${spreadWhy}`,
    },
  };
}

/** What a platform without pooling or memory-bound data borrows from the TX1 CPU, scaled. */
interface Borrowable {
  platformId: string;
  conv: SubModel;
  others: Record<string, SubModel>;
  squeezenet: AnalyzedLayer[];
  /** The TX1 CPU model, to predict SqueezeNet's conv layers with for a ratio. */
  model: EnergyModel;
}

/**
 * Pooling and memory-traffic sub-models for a platform that has only convolution data: the TX1 CPU's,
 * scaled by the ratio of the two platforms' predicted energy for SqueezeNet's convolutions. The scatter
 * of that ratio across the conv layers, and an assumed ×2 for memory-bound work not following compute
 * work between platforms, widen the interval.
 */
function borrowedOthers(from: Borrowable, target: EnergyModel, log: string[]): Record<string, SubModel> {
  const mine = predictedOn(from.squeezenet, target, 'Convolution');
  const theirs = predictedOn(from.squeezenet, from.model, 'Convolution');
  if (mine.length !== theirs.length || mine.length === 0)
    throw new FitError('SqueezeNet conv layers are not all predicted on both platforms');
  const k = sum(mine) / sum(theirs);
  const logRatios = mine.map((e, i) => Math.log(e / theirs[i]));
  const meanLog = sum(logRatios) / logRatios.length;
  const sd = Math.sqrt(sum(logRatios.map((x) => (x - meanLog) ** 2)) / logRatios.length);
  const ratioSd = sd < 1e-9 ? 0 : sd; // a constant ratio (per-MAC models) is exactly 0, not rounding noise
  const assumed = Math.log(2) / Z_90;
  const extra = Math.sqrt(ratioSd ** 2 + assumed ** 2);
  const how = `the ratio of the two platforms' predicted energy for SqueezeNet v1.0's ${mine.length} convolutions (${round(sum(mine), 4)} / ${round(sum(theirs), 4)} mJ)`;
  const spreadWhy = `the scatter of that ratio across the conv layers (σ ${round(ratioSd, 4)}) and an assumed ×2 at 90 % (σ ${round(assumed, 4)}) for memory-bound work not scaling as compute does`;
  log.push(
    `${target.platform.id}: pooling and memory traffic borrowed from ${from.platformId} × ${round(k, 4)} (ratio σ ${round(ratioSd, 4)})`,
  );
  return Object.fromEntries(
    Object.entries(from.others).map(([key, sub]) => [key, scaledCopy(sub, key, from.platformId, k, extra, how, spreadWhy)]),
  );
}

function fitTx1Cpu(shared: string, log: string[], widening: FcWidening): { model: EnergyModel; borrowable: Borrowable } {
  const csvRel = 'data/squeezenet_tx1_cpu_layer_energy_readoff.csv';
  const netRel = 'corpus/prototxt/squeezenet_v1.0.prototxt';
  const readoff = readReadoff(path.join(shared, csvRel));
  const analysis = analyzeText(fs.readFileSync(path.join(shared, netRel), 'utf8'));
  const byName = new Map(analysis.layers.map((l) => [l.name, l] as [string, AnalyzedLayer]));
  // Join the chart's bars with the project's own analysis; the chart's MAC column must agree with ours.
  const joined = readoff.map((r) => {
    const layer = byName.get(r.layer);
    if (!layer) throw new FitError(`${csvRel}:${r.line}: no layer '${r.layer}' in ${netRel}`);
    if (layer.type !== r.type) throw new FitError(`${csvRel}:${r.line}: '${r.layer}' is ${layer.type} in the net, ${r.type} in the data`);
    if (Math.abs((layer.features.macs ?? NaN) / 1e6 - r.macMillions) > 0.051) {
      throw new FitError(
        `${csvRel}:${r.line}: '${r.layer}' has ${layer.features.macs} MACs by our analysis, ${r.macMillions} M in the data`,
      );
    }
    return { features: layer.features, type: r.type, energy_mJ: r.energy, source: { file: csvRel, line: r.line } };
  });
  const ofType = (type: string) => joined.filter((j) => j.type === type);
  const data = (type: string) => [
    source(
      shared,
      csvRel,
      ofType(type).length,
      'SqueezeNet v1.0 per-layer system energy (VDD_IN) read off a chart of the SyNERGY slides, ±5 mJ',
    ),
    source(shared, netRel, ofType(type).length, 'the network the energies belong to, analysed by Energy Lens for the features'),
  ];

  // Convolution: E = a × MACs, zero intercept, OLS, as the papers fit it.
  const convData = datasetFromLayers(['macs'], ofType('Convolution'));
  const conv = fitDataset(convData, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo' } });
  const domainOf = (type: string): TrainingDomain | undefined => {
    const d = trainingDomain(ofType(type).map((j) => j.features as Record<string, number>));
    return d && { ...d, networks: [path.basename(netRel, '.prototxt')] };
  };
  const convSub = fittedSubModel(conv, 'Convolution', {
    data: data('Convolution'),
    domain: domainOf('Convolution'),
    why: "the papers' layer-type model: energy proportional to MACs, zero intercept, ordinary least squares",
  });
  log.push(
    `TX1 CPU conv: ${formatFormula(convSub)} (${conv.subModels[0].samples} layers, leave-one-out MAPE ${pct(conv.cv!.layers.mape)}, σ ${convSub.sigmaLog})`,
  );

  // Pooling has no MACs: pick the feature that explains the three pooling layers best (leave-one-out).
  const candidates = ['inputElements', 'outputElements', 'outputElements*kernelH*kernelW', 'activationBytes'];
  const poolData = datasetFromLayers(['inputElements', 'outputElements', 'kernelH', 'kernelW', 'activationBytes'], ofType('Pooling'));
  const poolFits = candidates.map((feature) => ({
    feature,
    report: fitDataset(poolData, { family: 'layer-type', method: 'ols', features: [feature] }, { cv: { kind: 'loo' } }),
  }));
  const best = poolFits.reduce((a, b) => (b.report.cv!.layers.mape < a.report.cv!.layers.mape ? b : a));
  const comparison = poolFits.map((f) => `${f.feature} ${pct(f.report.cv!.layers.mape)}`).join(', ');
  const poolSub = fittedSubModel(best.report, 'Pooling', {
    data: data('Pooling'),
    domain: domainOf('Pooling'),
    why: `pooling does no MACs; of the candidate features the lowest leave-one-out MAPE wins (${comparison}); only 3 layers (all 3×3 stride-2 max pooling), so the choice is weakly determined`,
  });
  log.push(`TX1 CPU pooling: ${formatFormula(poolSub)} (candidates by leave-one-out MAPE: ${comparison})`);

  const draft = (subModels: Record<string, SubModel>): EnergyModel => ({
    formatVersion: MODEL_FORMAT_VERSION,
    platform: {
      id: 'jetson-tx1/caffe-openblas/cpu/1t',
      label: 'Jetson TX1 CPU (Caffe + OpenBLAS, 1 thread)',
      board: 'Jetson TX1',
      framework: 'Caffe',
      backend: 'OpenBLAS',
      device: 'cpu',
      threads: 1,
      powerRail: 'VDD_IN (whole module)',
      calibration: 'fitted',
    },
    energyUnit: 'mJ',
    subModels,
    provenance: {
      generator: GENERATOR,
      notes: [
        'Fitted on SqueezeNet v1.0 per-layer energies (Rodrigues, Riley, Luján: SyNERGY, PDPTA 2018 slides), read off a chart: approximate (±5 mJ).',
        "Memory-bound layers (ReLU, Concat, LRN, BatchNorm, Eltwise, ...) are predicted from their activation bytes, sized from the published share of SqueezeNet's other layers (1-2 %): extrapolated.",
      ],
    },
  });
  const fitted = {
    Convolution: convSub,
    InnerProduct: fcCopy(
      convSub,
      'No fully connected layer was measured on this platform (SqueezeNet has none): FC layers are predicted with the convolution energy per MAC.',
      widening,
    ),
    Pooling: poolSub,
  };
  const memory = tx1MemoryTraffic({ rel: netRel, layers: analysis.layers }, draft(fitted), convSub, poolSub, log);
  const model = finishModel(draft({ ...fitted, [MEMORY_TRAFFIC_SUBMODEL]: memory }));
  const borrowable: Borrowable = {
    platformId: model.platform.id,
    conv: convSub,
    others: { Pooling: poolSub, [MEMORY_TRAFFIC_SUBMODEL]: memory },
    squeezenet: analysis.layers,
    model,
  };
  return { model, borrowable };
}

// ---- Jetson TX2 GPU / CPU: the SysIdentif convolution sweeps ------------------------------------

/** A sweep row (square input, square kernel, stride 1, pad 0, group 1) as the layer features Energy Lens computes. */
function sweepFeatures(v: Record<string, number>): LayerFeatures {
  const { wh_in, c_in, k, c_out, h_out } = v;
  const params = k * k * c_in * c_out + c_out;
  const inputElements = wh_in * wh_in * c_in;
  const outputElements = h_out * h_out * c_out;
  return {
    macs: h_out * h_out * k * k * c_in * c_out,
    params,
    inputElements,
    outputElements,
    weightBytes: 4 * params,
    activationBytes: 4 * (inputElements + outputElements),
    kernelH: k,
    kernelW: k,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
    channelsIn: c_in,
    channelsOut: c_out,
    group: 1,
    heightIn: wh_in,
    widthIn: wh_in,
    heightOut: h_out,
    widthOut: h_out,
  };
}

/** The sweep as fitting data; `target` picks energy (mJ, the default) or latency (ms). */
export function loadTx2Sweep(
  shared: string,
  device: 'gpu' | 'cpu',
  target: 'energy_mJ' | 'latency_ms' = 'energy_mJ',
): { dataset: Dataset; rel: string } {
  const rel = `data/tx2_${device}_conv_sweep.csv`;
  const columns = ['wh_in', 'c_in', 'k', 'c_out', 'h_out', 'macs'];
  const imported = importCsv(fs.readFileSync(path.join(shared, rel), 'utf8'), {
    file: rel,
    target,
    features: columns.map((column) => ({ column })),
  });
  if (imported.badRows.length > 0) {
    throw new FitError(`${rel}: ${imported.badRows.length} bad rows, first ${imported.badRows[0].line}: ${imported.badRows[0].message}`);
  }
  const names = ['macs', 'inputElements', 'outputElements', 'params', 'heightIn', 'channelsIn', 'kernelH', 'channelsOut', 'heightOut'];
  const dataset = datasetFromLayers(
    names,
    imported.dataset.rows.map((r) => {
      const v = Object.fromEntries(columns.map((c, i) => [c, r.values[i]]));
      const features = sweepFeatures(v);
      if (v.h_out !== v.wh_in - v.k + 1 || features.macs !== v.macs) {
        throw new FitError(`${rel}:${r.source!.line}: the row is not a stride-1, unpadded convolution (h_out or macs disagree)`);
      }
      return { features, type: 'Convolution', energy_mJ: r.target, source: r.source };
    }),
  );
  return { dataset, rel };
}

interface Candidate {
  spec: FitSpec;
  report: FitReport;
}

/** Spread of ln(measured / held-out prediction) over the sweep rows with a 1×1 output (FC layers in effect). */
function fcLikeSpread(dataset: Dataset, report: FitReport): { sigma: number; bias: number; rows: number } {
  const h = dataset.features.indexOf('heightOut');
  const predictions = report.cv!.predictions;
  const logs = dataset.rows
    .map((r, i) => (r.values[h] === 1 && predictions[i] > 0 ? Math.log(r.target / predictions[i]) : NaN))
    .filter(Number.isFinite);
  if (logs.length < 10) throw new FitError(`only ${logs.length} sweep rows with a 1×1 output: too few to size the FC extrapolation`);
  // Root mean square, not the standard deviation: these rows sit mostly above the conv model, and
  // the interval must cover that bias as well as the scatter.
  const bias = Math.exp(logs.reduce((sum, x) => sum + x, 0) / logs.length);
  return { sigma: Math.sqrt(logs.reduce((sum, x) => sum + x * x, 0) / logs.length), bias, rows: logs.length };
}

interface SweepConvFit {
  sub: SubModel;
  widening: FcWidening;
}

/**
 * The sweep's convolution sub-model for one quantity (energy or latency): the candidates scored by
 * 10-fold held-out MAPE, the simplest within 1 point of the best kept; and how much wider FC copies
 * of it must be.
 */
function fitSweepConv(shared: string, device: 'gpu' | 'cpu', quantity: Quantity, log: string[]): SweepConvFit {
  const { dataset, rel } = loadTx2Sweep(shared, device, quantity === 'energy' ? 'energy_mJ' : 'latency_ms');
  const cv = parseCvScheme('kfold:10');
  const specs: FitSpec[] = [
    { family: 'layer-type', method: 'ols', features: ['macs'] },
    { family: 'layer-type', method: 'relative', features: ['macs'] },
    { family: 'layer-type', method: 'relative', features: ['macs'], intercept: true },
    { family: 'layer-type', method: 'log', features: ['macs'] },
    { family: 'layer-type', method: 'relative', features: ['macs', 'inputElements', 'outputElements'], intercept: true },
  ];
  const candidates: Candidate[] = specs.map((spec) => ({ spec, report: fitDataset(dataset, { ...spec, seed: SEED }, { cv, seed: SEED }) }));
  // Lowest held-out MAPE wins; a candidate with fewer coefficients within 1 point of it is preferred.
  const bestMape = Math.min(...candidates.map((c) => c.report.cv!.layers.mape));
  const chosen = candidates
    .filter((c) => c.report.cv!.layers.mape <= bestMape + 1)
    .reduce((a, b) => (b.report.complexity < a.report.complexity ? b : a));
  const describe = (c: Candidate) => `${c.spec.features.join('+')} ${c.report.label} ${pct(c.report.cv!.layers.mape)}`;
  const why =
    `chosen by 10-fold held-out per-layer MAPE (seed ${SEED}) among: ${candidates.map(describe).join('; ')}. ` +
    (quantity === 'energy'
      ? "The sweep's energies are rail power × latency without idle subtraction, from a rail averaged over ~0.4 s, so small layers carry a large fixed cost: "
      : "The sweep's latencies include a fixed per-call cost (kernel launch, framework dispatch) that dominates small layers: ") +
    'an intercept absorbs it, and relative-error least squares (weights 1/E²) keeps the many small layers in view, where plain least squares fits the few large ones and ignores them.';
  // The sweep's columns give the ranges; stride, pad and group are fixed by the sweep (checked on load).
  const swept = datasetDomains(dataset).Convolution;
  const domain: TrainingDomain = { ...swept, values: { ...swept?.values, strideH: [1], strideW: [1], padH: [0], padW: [0], group: [1] } };
  const sub = fittedSubModel(chosen.report, 'Convolution', {
    domain,
    data: [
      source(
        shared,
        rel,
        dataset.rows.length,
        `${dataset.rows.length} single stride-1 convolutions measured on a Jetson TX2 with PyTorch (walcarher/SysIdentif, no licence: used to fit, not shipped)`,
      ),
    ],
    why,
  });
  log.push(`TX2 ${device} conv ${quantity}: ${formatFormula(sub, quantity)} (${describe(chosen)}; σ ${sub.sigmaLog})`);
  const fc = fcLikeSpread(dataset, chosen.report);
  const widening: FcWidening = {
    factor: Math.max(1, fc.sigma / sub.sigmaLog),
    from:
      `σ ${round(fc.sigma, 3)} of the held-out residuals of the ${fc.rows} TX2 ${device.toUpperCase()} sweep convolutions whose kernel covers the whole input (1×1 output: FC layers in effect), against σ ${sub.sigmaLog} over all rows; ` +
      `those layers measured ${round(fc.bias, 2)}× the model's prediction on geometric average, so FC predictions are likely low`,
  };
  log.push(
    `TX2 ${device} FC ${quantity} extrapolation: σ ${round(fc.sigma, 3)} on ${fc.rows} 1×1-output rows vs ${sub.sigmaLog} overall: ×${round(widening.factor, 3)}`,
  );
  return { sub, widening };
}

function fitTx2(shared: string, device: 'gpu' | 'cpu', log: string[]): { model: EnergyModel; widening: FcWidening } {
  const energy = fitSweepConv(shared, device, 'energy', log);
  const latency = fitSweepConv(shared, device, 'latency', log);
  const fcNote =
    'No fully connected layer was measured on this platform: FC layers use the convolution sub-model as it is (an FC layer is a 1×1 convolution over a 1×1 map, so its MACs and element counts carry over).';
  const platform: Platform =
    device === 'gpu'
      ? {
          id: 'jetson-tx2/pytorch-cuda/gpu',
          label: 'Jetson TX2 GPU (PyTorch, CUDA)',
          board: 'Jetson TX2',
          framework: 'PyTorch',
          backend: 'CUDA',
          device: 'gpu',
          powerRail: 'VDD_SYS_GPU (GPU rail, not idle-subtracted)',
          calibration: 'fitted',
        }
      : {
          id: 'jetson-tx2/pytorch/cpu',
          label: 'Jetson TX2 CPU (PyTorch, default threads)',
          board: 'Jetson TX2',
          framework: 'PyTorch',
          device: 'cpu',
          powerRail: 'VDD_SYS_CPU (CPU rail, not idle-subtracted)',
          calibration: 'fitted',
        };
  const model = finishModel({
    formatVersion: MODEL_FORMAT_VERSION,
    platform,
    energyUnit: 'mJ',
    subModels: {
      Convolution: energy.sub,
      InnerProduct: fcCopy(energy.sub, fcNote, energy.widening),
    },
    latency: {
      unit: 'ms',
      subModels: { Convolution: latency.sub, InnerProduct: fcCopy(latency.sub, fcNote, latency.widening) },
    },
    provenance: {
      generator: GENERATOR,
      notes: [
        'Convolution sweep only (stride 1, no padding, batch 1, ReLU fused): pooling and memory-bound layers are borrowed from the TX1 CPU, scaled (extrapolated).',
        "Latency sub-models are fitted on the same sweep's measured latencies (ms per layer call).",
        "Energies are on one power rail and include that rail's idle power; compare layers and nets with each other, not with whole-board figures.",
      ],
    },
  });
  return { model, widening: energy.widening };
}

// ---- Coarse platforms: published whole-net or per-MAC figures ------------------------------------

interface CoarseFigure {
  platform: Platform;
  /** Energy per MAC in mJ. */
  perMac_mJ: number;
  method: string;
  source: string;
  note: string;
}

function coarseModel(figure: CoarseFigure, sigma: { value: number; from: string }, widening: FcWidening): EnergyModel {
  const conv: SubModel = {
    appliesTo: DEFAULT_APPLIES_TO.Convolution,
    features: ['macs'],
    coefficients: [round(figure.perMac_mJ)],
    intercept: 0,
    sigmaLog: sigma.value,
    samples: 0,
    extrapolated: false,
    note: figure.note,
    provenance: { family: 'published-figure', method: figure.method, source: figure.source, spreadFrom: sigma.from },
  };
  return finishModel({
    formatVersion: MODEL_FORMAT_VERSION,
    platform: figure.platform,
    energyUnit: 'mJ',
    subModels: {
      Convolution: conv,
      InnerProduct: fcCopy(
        conv,
        'No FC figure is published for this platform: FC layers are predicted with the convolution energy per MAC.',
        widening,
      ),
    },
    provenance: {
      generator: GENERATOR,
      notes: [
        'Coarse: one published figure turned into an energy per MAC; per-layer differences beyond MACs are not captured.',
        'Pooling and memory-bound layers are borrowed from the TX1 CPU, scaled by the ratio of the two energies per MAC (extrapolated).',
      ],
    },
  });
}

/** Adds the borrowed pooling and memory-traffic sub-models to a model that has convolution only. */
function withBorrowedOthers(model: EnergyModel, from: Borrowable, log: string[]): EnergyModel {
  return finishModel({ ...model, subModels: { ...model.subModels, ...borrowedOthers(from, model, log) } });
}

// ---- all together --------------------------------------------------------------------------------

export function fitBuiltinModels(shared: string): BuiltinFit {
  const log: string[] = [];
  const tx2Gpu = fitTx2(shared, 'gpu', log);
  const tx2Cpu = fitTx2(shared, 'cpu', log);
  // Platforms without FC-like data borrow the TX2 CPU's widening (CPU backends, like the TX1 CPU's).
  const widening: FcWidening = { factor: tx2Cpu.widening.factor, from: `borrowed from jetson-tx2/pytorch/cpu: ${tx2Cpu.widening.from}` };
  const tx1 = fitTx1Cpu(shared, log, widening);
  const models: EnergyModel[] = [
    tx1.model,
    withBorrowedOthers(tx2Gpu.model, tx1.borrowable, log),
    withBorrowedOthers(tx2Cpu.model, tx1.borrowable, log),
  ];
  // Coarse figures carry no per-layer residuals: borrow the fitted TX1 CPU convolution spread
  // (same measurement framework, real-net layers); it covers per-layer scatter, not the figure's own error.
  const sigma = {
    value: tx1.borrowable.conv.sigmaLog,
    from: 'borrowed from jetson-tx1/caffe-openblas/cpu/1t Convolution (leave-one-out residuals on SqueezeNet): a published figure has no residuals of its own',
  };
  // The 150 mJ are the whole net's: split between conv, pooling and memory-bound layers as the TX1
  // CPU model splits SqueezeNet, so the GPU model predicts 150 mJ for it in total.
  const cpuSqueezenet = predictNet(tx1.borrowable.squeezenet, tx1.model, { cache: new PredictionCache() }).total.predicted_mJ;
  const squeezenetMacs = sum(tx1.borrowable.squeezenet.map((l) => l.features.macs ?? 0));
  const gpuPerMac = (150 / cpuSqueezenet) * tx1.borrowable.conv.coefficients[0];
  log.push(
    `TX1 GPU coarse: 150 mJ split as the TX1 CPU model splits SqueezeNet (${round(cpuSqueezenet, 4)} mJ there): ${(gpuPerMac * 1e6).toFixed(4)} nJ/MAC`,
  );
  const coarse: CoarseFigure[] = [
    {
      platform: {
        id: 'jetson-tx1/caffe-cudnn/gpu',
        label: 'Jetson TX1 GPU (Caffe + cuDNN)',
        board: 'Jetson TX1',
        framework: 'Caffe',
        backend: 'cuDNN',
        device: 'gpu',
        powerRail: 'VDD_GPU',
        calibration: 'coarse',
      },
      perMac_mJ: gpuPerMac,
      method: `whole-net energy split as on the TX1 CPU: about 150 mJ per SqueezeNet v1.0 image on the GPU rail, of which the convolutions' share in the TX1 CPU model (${round((tx1.borrowable.conv.coefficients[0] * squeezenetMacs) / cpuSqueezenet, 4)}) over their ${squeezenetMacs} MACs (Energy Lens analysis of shared/corpus/prototxt/squeezenet_v1.0.prototxt)`,
      source:
        'Rodrigues, Riley, Luján: SyNERGY (arXiv 1803.11151; IISWC 2017 / PDPTA 2018): SqueezeNet on the TX1 GPU with cuDNN, about 150 mJ per image on the GPU rail',
      note: "SqueezeNet's GPU energy is split between convolution, pooling and memory-bound layers as on the TX1 CPU: the GPU's own split was not published.",
    },
    {
      platform: {
        id: 'jetson-tx1/caffe2-eigen/cpu',
        label: 'Jetson TX1 CPU (Caffe2 + Eigen)',
        board: 'Jetson TX1',
        framework: 'Caffe2',
        backend: 'Eigen',
        device: 'cpu',
        calibration: 'coarse',
      },
      perMac_mJ: 5.78e-6,
      method: 'published slope of convolution energy against MACs (5.78 nJ/MAC), zero intercept',
      source:
        'Rodrigues, Riley, Luján: Energy predictive models for ConvNets on mobile platforms (arXiv 2004.05137): conv energy vs MACs on Jetson TX1 with Caffe2 + Eigen, about 5.78 nJ/MAC',
      note: "Slope of the papers' layer-type conv model on this platform.",
    },
    {
      platform: {
        id: 'snapdragon-820/caffe2-eigen/cpu',
        label: 'Snapdragon 820 CPU (Caffe2 + Eigen)',
        board: 'Snapdragon 820',
        framework: 'Caffe2',
        backend: 'Eigen',
        device: 'cpu',
        calibration: 'coarse',
      },
      perMac_mJ: 0.54e-6,
      method: 'published slope of convolution energy against MACs (0.54 nJ/MAC, read off a chart), zero intercept',
      source:
        'Rodrigues, Riley, Luján: Energy predictive models for ConvNets on mobile platforms (arXiv 2004.05137): conv energy vs MACs on Snapdragon 820, about 0.54 nJ/MAC (read off a chart)',
      note: "Slope of the papers' layer-type conv model on this platform, read off a chart.",
    },
  ];
  models.push(...coarse.map((figure) => withBorrowedOthers(coarseModel(figure, sigma, widening), tx1.borrowable, log)));
  const files = models.map((model) => ({ name: builtinFileName(model.platform.id), model, text: `${JSON.stringify(model, null, 2)}\n` }));
  return { files, log };
}

/** The papers' comparison on the TX2 sweeps: every family and method, complexity and held-out errors. */
export function tx2ComparisonTable(shared: string, device: 'gpu' | 'cpu', cvText = 'kfold:10'): { table: string; reports: FitReport[] } {
  const { dataset } = loadTx2Sweep(shared, device);
  const hyper = ['heightIn', 'channelsIn', 'kernelH', 'channelsOut'];
  const specs: FitSpec[] = [
    { family: 'layer-type', method: 'ols', features: ['macs'] },
    { family: 'layer-type', method: 'ols-intercept', features: ['macs'] },
    { family: 'layer-type', method: 'nnls', features: ['macs'], intercept: true },
    { family: 'layer-type', method: 'relative', features: ['macs'] },
    { family: 'layer-type', method: 'relative', features: ['macs'], intercept: true },
    { family: 'layer-type', method: 'log', features: ['macs'] },
    { family: 'layer-type', method: 'relative', features: ['macs', 'inputElements', 'outputElements'], intercept: true },
    { family: 'individual', method: 'ols', features: hyper, degree: 2 },
    { family: 'individual', method: 'relative', features: hyper, degree: 2, intercept: true },
    { family: 'individual', method: 'log', features: hyper, degree: 2 },
    { family: 'individual', method: 'ridge', features: hyper, degree: 3, weighting: 'relative' },
    { family: 'individual', method: 'lasso', features: hyper, degree: 3 },
    { family: 'individual', method: 'lasso', features: hyper, degree: 3, weighting: 'relative' },
  ];
  const cv = parseCvScheme(cvText);
  const reports = specs.map((spec) => fitDataset(dataset, { ...spec, seed: SEED }, { cv, seed: SEED }));
  return { table: comparisonTable(reports), reports };
}

function main(argv: string[]): number {
  const sharedAt = argv.indexOf('--shared');
  const shared = sharedAt >= 0 ? argv[sharedAt + 1] : path.resolve(__dirname, '..', '..', 'shared');
  const { files, log } = fitBuiltinModels(shared);
  for (const line of log) console.log(line);
  let stale = 0;
  for (const f of files) {
    const target = path.join(BUILTIN_DIR, f.name);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (argv.includes('--check')) {
      if (current !== f.text) {
        stale++;
        console.log(`differs: ${target}`);
      }
    } else if (current !== f.text) {
      fs.writeFileSync(target, f.text);
      console.log(`wrote ${target}`);
    } else {
      console.log(`unchanged ${target}`);
    }
  }
  if (argv.includes('--table')) {
    for (const device of ['gpu', 'cpu'] as const) {
      console.log(`\nTX2 ${device.toUpperCase()} convolution sweep, 10-fold held-out (seed ${SEED}):\n`);
      console.log(tx2ComparisonTable(shared, device).table);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
