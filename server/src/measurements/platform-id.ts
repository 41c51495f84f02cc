// One vocabulary for platforms: the id a campaign's numbers belong to is the id of the built-in (or
// saved) model for that board, backend, device and threads (`jetson-tx1/caffe-openblas/cpu/1t`), so
// a model fitted on the records and saved under it overrides the platform the user means. Derived
// from the header's `platform` when recorded, else from its target (records written before).
import type { CampaignHeader, CampaignPlatformInfo, TargetKindName } from './types';

/** Caffe's backend on each device (the agent runs Caffe: OpenBLAS on the CPU, cuDNN on the GPU). */
export function caffeBackend(device: 'cpu' | 'gpu'): string {
  return device === 'gpu' ? 'caffe-cudnn' : 'caffe-openblas';
}

/**
 * `<board>/<backend>/<device>[/<threads>t][/mode<N>]`; threads only count on the CPU. A Jetson power mode
 * other than 0 (nvpmodel's MAXN, the mode the built-in models describe) is a platform of its own: its
 * clocks change every layer's time and power, so a fit never mixes modes and a model saved from a
 * sweep's mode-1 campaigns is the model of mode 1.
 */
export function platformId(p: { board: string; backend: string; device: 'cpu' | 'gpu'; threads?: number; mode?: number | null }): string {
  const threads = p.device === 'cpu' && p.threads ? `/${p.threads}t` : '';
  return withPowerMode(`${p.board}/${p.backend}/${p.device}${threads}`, p.mode ?? 0);
}

const MODE_SUFFIX = /\/mode(\d{1,2})$/;

/** The platform id of `base` in power mode `mode` (mode 0, MAXN, is the base id itself). */
export function withPowerMode(base: string, mode: number): string {
  return mode ? `${base}/mode${mode}` : base;
}

/** `jetson-tx2/caffe-openblas/cpu/1t/mode2` → base `jetson-tx2/caffe-openblas/cpu/1t`, mode 2 (no suffix: mode 0). */
export function splitPowerMode(id: string): { base: string; mode: number } {
  const m = MODE_SUFFIX.exec(id);
  return m ? { base: id.slice(0, m.index), mode: Number(m[1]) } : { base: id, mode: 0 };
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
    id: platformId({ board: o.kind, backend, device: o.device, threads: o.threads, mode: o.mode }),
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
