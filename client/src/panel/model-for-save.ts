// The model file a refit saves: the fit converted by the engine's toEnergyModel, for a platform the
// user named. A known platform id keeps its description (board, framework, rail); a new one is
// described from the id's parts (board/framework-backend/device[/threads]).
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import type { FitReport } from '../../../server/src/energy/fit/engine';
import { datasetDomains, toEnergyModel } from '../../../server/src/energy/fit/to-model';
import type { DataSource, EnergyModel, Platform, Quantity } from '../../../server/src/energy/model';

/** The model schema's platform id pattern. */
export const PLATFORM_ID = /^[a-z0-9][a-z0-9._+-]*(\/[a-z0-9][a-z0-9._+-]*)*$/;

export function checkPlatformId(id: string): string | undefined {
  if (id.trim() === '') return 'name a platform to save the model for (e.g. jetson-tx1/caffe-openblas/cpu/1t)';
  if (!PLATFORM_ID.test(id)) return `'${id}' is not a platform id: lower-case parts joined by '/', e.g. jetson-tx1/caffe-openblas/cpu/1t`;
  return undefined;
}

export function platformFor(id: string, known: readonly Platform[]): Platform {
  const error = checkPlatformId(id);
  if (error) throw new Error(error);
  const same = known.find((p) => p.id === id);
  if (same) return { ...same, calibration: 'fitted' };
  const [board, frameworkBackend, device, threadsPart] = id.split('/');
  const dash = frameworkBackend?.indexOf('-') ?? -1;
  const framework = frameworkBackend ? (dash > 0 ? frameworkBackend.slice(0, dash) : frameworkBackend) : 'unknown';
  const backend = frameworkBackend && dash > 0 ? frameworkBackend.slice(dash + 1) : undefined;
  const threads = threadsPart && /^[1-9][0-9]*t$/.test(threadsPart) ? Number(threadsPart.slice(0, -1)) : undefined;
  return {
    id,
    label: `${id} (refitted)`,
    board,
    framework,
    ...(backend ? { backend } : {}),
    device: device ?? 'unknown',
    ...(threads ? { threads } : {}),
    calibration: 'fitted',
  };
}

export interface SaveInput {
  report: FitReport;
  dataset: Dataset;
  platform: Platform;
  /** The data the rows came from, as the model's provenance names it. */
  source: DataSource;
  /** What the rows' target is (default energy): a latency fit's sub-models go into the file's latency section. */
  quantity?: Quantity;
}

export function modelForSave(input: SaveInput): EnergyModel {
  const { report } = input;
  const validation = report.cv?.scheme ?? 'no validation';
  return toEnergyModel(report, {
    platform: input.platform,
    generator: 'Energy Lens: Refit Models',
    data: [input.source],
    why: `chosen in the refit panel: ${input.quantity === 'latency' ? 'latency (ms per layer call), ' : ''}${report.spec.family} family, ${report.label}, errors from ${validation}`,
    domains: datasetDomains(input.dataset),
  });
}
