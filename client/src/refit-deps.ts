// What the refit panel needs from the workspace: datasets built from campaign records (measured
// energy joined with the features the analysis recorded when the campaign started), and a place to
// save a fitted model where the language server picks it up at once.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CampaignDataset, RefitPanelDeps } from './panel/refit-panel';
import { MeasurementIndex } from '../../server/src/measurements';
import type { CampaignRead } from '../../server/src/measurements';
import { datasetFromLayers } from '../../server/src/energy/fit/dataset';
import { concatDatasets } from '../../server/src/energy/fit/csv';
import { WORKSPACE_MODEL_DIR } from '../../server/src/energy/registry';
import type { LayerFeatures } from '../../server/src/net/types';

/** Defined for every layer whose shapes are known. */
const UNIVERSAL_FEATURES: Array<keyof LayerFeatures> = ['macs', 'params', 'inputElements', 'outputElements', 'weightBytes', 'activationBytes'];
/** Added when every measured layer of the campaign has them (conv/pool/fc-only data). */
const HYPER_PARAMETERS: Array<keyof LayerFeatures> = ['kernelH', 'kernelW', 'strideH', 'strideW', 'channelsIn', 'channelsOut', 'heightIn', 'widthIn', 'heightOut', 'widthOut'];

export function platformIdOf(read: CampaignRead): string | undefined {
  const t = read.campaign?.target;
  return t ? `${t.kind}/caffe/${t.device}${t.threads ? `/${t.threads}t` : ''}` : undefined;
}

export function campaignDataset(read: CampaignRead, workspaceName: string): CampaignDataset | undefined {
  const c = read.campaign;
  if (!c) return undefined;
  const planned = new Map(c.network.layers.map((l) => [l.name, l]));
  const usable = read.layers.filter((l) => {
    const f = planned.get(l.name)?.features as Record<string, number | undefined> | undefined;
    return f && UNIVERSAL_FEATURES.every((k) => Number.isFinite(f[k]));
  });
  if (usable.length === 0) return undefined;
  const features = [...UNIVERSAL_FEATURES, ...HYPER_PARAMETERS.filter((k) => usable.every((l) => Number.isFinite((planned.get(l.name)!.features as Record<string, number | undefined>)[k])))];
  const dataset = datasetFromLayers(features, usable.map((l) => ({
    features: planned.get(l.name)!.features,
    type: planned.get(l.name)!.type,
    energy_mJ: l.energy_mJ,
    group: c.network.name || c.network.path,
    source: { file: path.basename(read.file), line: l.line },
  })));
  const skipped = read.layers.length - usable.length;
  return {
    id: read.file,
    label: `${c.network.path} on ${c.target.name}${c.emulated ? ' (emulated)' : ''}, ${c.created.slice(0, 10)} · ${usable.length} layers${skipped ? ` (${skipped} without known shapes left out)` : ''} [${workspaceName}]`,
    dataset,
    platformId: platformIdOf(read),
    rowLabels: usable.map((l) => l.name),
    source: { file: path.relative(path.dirname(path.dirname(path.dirname(read.file))), read.file), rows: usable.length, description: `measured by Energy Lens on ${c.target.name}` },
  };
}

export function refitPanelDeps(): RefitPanelDeps {
  return {
    loadCampaignDatasets: async () => {
      const datasets: CampaignDataset[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        for (const read of MeasurementIndex.forWorkspace(folder.uri.fsPath).campaigns()) {
          const d = campaignDataset(read, folder.name);
          if (d) datasets.push(d);
        }
      }
      if (datasets.length > 1) {
        // Every campaign together: the only way to validate on unseen networks (leave-one-network-out).
        const common = datasets.map((d) => d.dataset.features).reduce((a, b) => a.filter((f) => b.includes(f)));
        const project = (d: CampaignDataset) => ({ ...d.dataset, features: common, rows: d.dataset.rows.map((r) => ({ ...r, values: common.map((f) => r.values[d.dataset.features.indexOf(f)]) })) });
        datasets.unshift({
          id: 'all-campaigns',
          label: `All campaigns (${datasets.length} networks)`,
          dataset: concatDatasets(datasets.map(project)),
          rowLabels: datasets.flatMap((d) => d.rowLabels ?? []),
        });
      }
      return datasets;
    },
    saveModel: async (platformId, modelJson) => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) throw new Error('Open a folder first: models are saved in its .energy-lens/models/.');
      const dir = path.join(folder.uri.fsPath, WORKSPACE_MODEL_DIR);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${platformId.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(modelJson, null, 2)}\n`);
      fs.renameSync(tmp, file); // atomic: the server never reads half a model
      const config = vscode.workspace.getConfiguration('energyLens');
      if (config.get<string>('platform') !== platformId) await config.update('platform', platformId, vscode.ConfigurationTarget.Workspace);
      return file;
    },
  };
}
