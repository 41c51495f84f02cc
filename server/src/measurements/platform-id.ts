// One vocabulary for platforms: the id a campaign's numbers belong to is the id of the built-in (or
// saved) model for that board, backend, device and threads (`jetson-tx1/caffe-openblas/cpu/1t`), so
// a model fitted on the records and saved under it overrides the platform the user means. Derived
// from the header's `platform` when recorded, else from its target (records written before).
import type { CampaignHeader, CampaignPlatformInfo, TargetKindName } from './types';

/** Caffe's backend on each device (the agent runs Caffe: OpenBLAS on the CPU, cuDNN on the GPU). */
export function caffeBackend(device: 'cpu' | 'gpu'): string {
  return device === 'gpu' ? 'caffe-cudnn' : 'caffe-openblas';
}

/** `<board>/<backend>/<device>[/<threads>t]`; threads only count on the CPU. */
export function platformId(p: { board: string; backend: string; device: 'cpu' | 'gpu'; threads?: number }): string {
  return `${p.board}/${p.backend}/${p.device}${p.device === 'cpu' && p.threads ? `/${p.threads}t` : ''}`;
}

/** What the runner records in a new campaign header. */
export function campaignPlatform(o: {
  kind: TargetKindName;
  device: 'cpu' | 'gpu';
  threads?: number;
  batch: number;
  mode?: number | null;
}): CampaignPlatformInfo {
  const backend = caffeBackend(o.device);
  const info: CampaignPlatformInfo = {
    id: platformId({ board: o.kind, backend, device: o.device, threads: o.threads }),
    board: o.kind,
    backend,
    device: o.device,
    batch: o.batch,
  };
  if (o.threads !== undefined) info.threads = o.threads;
  if (o.mode !== undefined) info.mode = o.mode;
  return info;
}

/** The platform id of a campaign's measurements. */
export function platformIdOfCampaign(c: CampaignHeader): string {
  if (c.platform?.id) return c.platform.id;
  return platformId({ board: c.target.kind, backend: caffeBackend(c.target.device), device: c.target.device, threads: c.target.threads });
}
