// CodeLens at the top of a network file: the whole-net predicted energy, platform and split by layer
// type, the predicted latency where the platform's model has latency sub-models, and a lens to change platform.
import type { CodeLens } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { formatEnergy, formatTotal } from '../units';
import {
  extrapolatedNote,
  inSampleNote,
  isLowerBound,
  latencyTotalText,
  perInference,
  provisionalTotalNote,
  shortDate,
  totalGaps,
  typeSplit,
} from './energy-text';
import { bestModeTitle } from './power-mode-text';
import { plainTitle } from '../markdown-escape';

/** A sweep over many boards gets a best-mode lens for each of the first few only (the lens row stays readable). */
const MEASURED_MODE_LENSES = 3;

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function codeLenses(analysis: DocumentAnalysis): CodeLens[] {
  if (analysis.kind !== 'net') return [];
  const prediction = analysis.prediction;
  const lenses: CodeLens[] = [];
  if (!analysis.model) {
    lenses.push({
      range: TOP,
      command: {
        title: `⚡ No energy model for platform '${analysis.settings.platform}': choose a platform`,
        command: 'energyLens.choosePlatform',
      },
    });
    return lenses;
  }
  if (prediction && prediction.byType.length > 0) {
    const t = prediction.total;
    const lower = isLowerBound(prediction);
    const notes = [...totalGaps(prediction), extrapolatedNote(prediction), provisionalTotalNote(analysis), inSampleNote(analysis)].filter(
      (n): n is string => !!n,
    );
    lenses.push({
      range: TOP,
      command: {
        title:
          `⚡ predicted ${formatTotal(t.predicted_mJ, lower)} ${perInference(analysis)} (${lower ? 'modelled layers, ' : ''}90 %: ${formatEnergy(t.low_mJ)} – ${formatEnergy(t.high_mJ)}) · ` +
          `${prediction.platform.label} · ${typeSplit(prediction)}${notes.map((n) => ` · ${n}`).join('')}`,
        command: 'energyLens.showReport',
      },
    });
    const latency = analysis.latency;
    if (latency && latency.coveredTypes.length > 0) {
      lenses.push({ range: TOP, command: { title: latencyTotalText(analysis, latency), command: 'energyLens.showReport' } });
    }
  } else {
    lenses.push({
      range: TOP,
      command: {
        title: `⚡ no prediction yet: ${analysis.net?.problems.find((p) => p.code === 'missing-input-shape') ? 'input shape unknown (see the warning on the data layer)' : 'no modelled layer with known shape'}`,
        command: '',
      },
    });
  }
  const { current, stale } = analysis.measured;
  if (current) {
    const status = current.status === 'complete' ? '' : ` · ${current.measuredCount}/${current.plannedCount} layers (${current.status})`;
    lenses.push({
      range: TOP,
      command: {
        title: `$(pulse) measured ${formatEnergy(current.total_mJ)} (sum of layers${current.net_mJ !== undefined ? `; whole net ${formatEnergy(current.net_mJ)}` : ''}) · ${plainTitle(current.target)}${current.unitsNote ? ` (${current.unitsNote})` : ''} · ${shortDate(current.date)}${status}`,
        command: 'energyLens.openCampaignRecords',
        arguments: [current.file],
      },
    });
  } else if (stale) {
    lenses.push({
      range: TOP,
      command: {
        title: `$(pulse) measured ${shortDate(stale.date)} on ${plainTitle(stale.target)}: stale, the file changed since`,
        command: 'energyLens.openCampaignRecords',
        arguments: [stale.file],
      },
    });
  }
  const modes = analysis.powerModes;
  if (modes.predicted)
    lenses.push({ range: TOP, command: { title: `$(dashboard) ${bestModeTitle(modes.predicted)}`, command: 'energyLens.showReport' } });
  for (const choice of modes.measured.slice(0, MEASURED_MODE_LENSES)) {
    const file = choice.best?.source;
    lenses.push({
      range: TOP,
      command: file
        ? { title: `$(dashboard) ${bestModeTitle(choice)}`, command: 'energyLens.openCampaignRecords', arguments: [file] }
        : { title: `$(dashboard) ${bestModeTitle(choice)}`, command: '' },
    });
  }
  lenses.push({ range: TOP, command: { title: '$(zap) Change platform', command: 'energyLens.choosePlatform' } });
  lenses.push({ range: TOP, command: { title: '▶ Profile on Jetson TX1', command: 'energyLens.profileOnJetsonTx1' } });
  return lenses;
}
