// What the refit panel needs from the workspace: datasets built from campaign records (measured
// energy joined with the features the analysis recorded when the campaign started), and a place to
// save a fitted model where the language server picks it up at once.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CampaignDataset, RefitPanelDeps } from './panel/refit-panel';
import { MeasurementIndex, measurementsFolder } from '../../server/src/measurements';
import type { CampaignRead } from '../../server/src/measurements';
import { campaignRows, joinCampaignRows } from '../../server/src/energy/fit/records-dataset';
import { WORKSPACE_MODEL_DIR } from '../../server/src/energy/registry';
import { loadModelFile } from '../../server/src/energy/load-model';

/** A campaign as a panel dataset (the join lives in records-dataset.ts, shared with `energy-lens fit`). */
export function campaignDataset(read: CampaignRead, workspaceName: string): CampaignDataset | undefined {
  const rows = campaignRows(read);
  if ('reason' in rows) return undefined;
  // The same layers' time per call, for latency fits (layers too short to time are left out).
  const timed = campaignRows(read, 'latency');
  const c = read.campaign!;
  const units = rows.emulated ? ` (emulated, ${+(1 / rows.timeScale).toPrecision(3)}x speed, in real-board units)` : '';
  return {
    id: read.file,
    label: `${c.network.path} on ${c.target.name}${units}, ${c.created.slice(0, 10)} · ${rows.rowLabels.length} layers${rows.withoutFeatures ? ` (${rows.withoutFeatures} without known shapes left out)` : ''} [${workspaceName}]`,
    dataset: rows.dataset,
    platformId: rows.platformId,
    rowLabels: rows.rowLabels,
    latency: 'reason' in timed ? { unavailable: timed.reason } : { dataset: timed.dataset, rowLabels: timed.rowLabels },
    source: {
      file: path.relative(path.dirname(path.dirname(path.dirname(read.file))), read.file),
      rows: rows.rowLabels.length,
      description: `measured by Energy Lens on ${c.target.name}`,
    },
  };
}

/** Where a platform's refitted model is saved: the first folder's `.energy-lens/models/`. */
function modelFile(platformId: string): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  return path.join(folder.uri.fsPath, WORKSPACE_MODEL_DIR, `${platformId.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

export function refitPanelDeps(): RefitPanelDeps {
  return {
    loadCampaignDatasets: async () => {
      const datasets: CampaignDataset[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        // Read without blocking the extension host (records can be hundreds of MB).
        const index = new MeasurementIndex();
        await index.loadFolderAsync(measurementsFolder(folder.uri.fsPath));
        for (const read of index.campaigns()) {
          const d = campaignDataset(read, folder.name);
          if (d) datasets.push(d);
        }
      }
      if (datasets.length > 1) {
        // Every campaign together: the only way to validate on unseen networks (leave-one-network-out).
        const timed = datasets.flatMap((d) => (d.latency && 'dataset' in d.latency ? [d.latency] : []));
        datasets.unshift({
          id: 'all-campaigns',
          label: `All campaigns (${datasets.length} networks)`,
          dataset: joinCampaignRows(datasets.map((d) => ({ dataset: d.dataset }))),
          rowLabels: datasets.flatMap((d) => d.rowLabels ?? []),
          latency:
            timed.length > 0
              ? { dataset: joinCampaignRows(timed), rowLabels: timed.flatMap((t) => t.rowLabels ?? []) }
              : { unavailable: 'no campaign has a layer timed above the harness resolution' },
        });
      }
      return datasets;
    },
    savedModel: async (platformId) => {
      const file = modelFile(platformId);
      if (!file || !fs.existsSync(file)) return undefined;
      const loaded = loadModelFile(file);
      return 'model' in loaded ? { model: loaded.model, name: path.basename(file) } : undefined;
    },
    saveModel: async (platformId, modelJson) => {
      const file = modelFile(platformId);
      if (!file) throw new Error('Open a folder first: models are saved in its .energy-lens/models/.');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(modelJson, null, 2)}\n`);
      fs.renameSync(tmp, file); // atomic: the server never reads half a model
      const config = vscode.workspace.getConfiguration('energyLens');
      if (config.get<string>('platform') !== platformId) await config.update('platform', platformId, vscode.ConfigurationTarget.Workspace);
      return file;
    },
  };
}
