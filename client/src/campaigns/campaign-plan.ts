// Everything decided on this machine before the board is contacted: which network (its text hash
// and analysed layers), where the records go, and on resume what is left to measure. Refuses a
// resume whose network text changed since (measured values would belong to another network).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  campaignFileName,
  layersToMeasure,
  measurementsFolder,
  networkTextSha256,
  newCampaignId,
  readCampaignFile,
  workspaceRelative,
  type CampaignNetworkInfo,
  type CampaignRead,
} from '../../../server/src/measurements';
import { analyzeText } from '../../../server/src/net';
import type { TargetConfig } from '../board/targets';
import { CampaignError } from './failures';

export interface NewCampaignRequest {
  kind: 'new';
  workspaceRoot: string;
  /** Absolute path of the prototxt. */
  networkFile: string;
  weightsFile?: string;
  analysis?: { phase: 'TEST' | 'TRAIN'; batch: number };
  /** Where the campaign file goes (default: the workspace's .energy-lens/measurements/). */
  recordsFolder?: string;
}

export interface ResumeCampaignRequest {
  kind: 'resume';
  workspaceRoot: string;
  recordsFile: string;
}

export type CampaignRequest = NewCampaignRequest | ResumeCampaignRequest;

export interface CampaignPlan {
  id: string;
  /** The campaign file (created at the agent's start on a new campaign). */
  recordsFile: string;
  resume: boolean;
  created: string;
  networkFile: string;
  weightsFile?: string;
  network: CampaignNetworkInfo;
  /** Layers measured by earlier sessions (the agent skips them). */
  skip: string[];
  /** Planned by earlier sessions (empty for a new campaign). */
  plannedBefore: string[];
  /** Run the whole-net check this time. */
  netCheck: boolean;
  /** Session number of the coming run. */
  session: number;
  /** A resume with nothing left to do. */
  alreadyComplete: boolean;
}

/** A workspace-relative `a/b.prototxt`, or the absolute path (with `/`) for a file outside it. */
function recordedPath(workspaceRoot: string, file: string): string {
  const rel = workspaceRelative(workspaceRoot, file);
  return rel.startsWith('../') || path.isAbsolute(rel) ? file.split(path.sep).join('/') : rel;
}

function localPath(workspaceRoot: string, recorded: string): string {
  return path.isAbsolute(recorded) ? recorded : path.join(workspaceRoot, ...recorded.split('/'));
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CampaignError(
      `Cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      'records',
    );
  }
}

export function fileSha256(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export function networkInfo(
  workspaceRoot: string,
  file: string,
  text: string,
  analysis: { phase: 'TEST' | 'TRAIN'; batch: number },
  weightsFile?: string,
): CampaignNetworkInfo {
  const net = analyzeText(text, analysis);
  const info: CampaignNetworkInfo = {
    path: recordedPath(workspaceRoot, file),
    name: net.name ?? '',
    sha256: networkTextSha256(text),
    analysis,
    layers: net.layers.map((l) => {
      const features: Record<string, number> = {};
      for (const [k, v] of Object.entries(l.features)) if (typeof v === 'number' && Number.isFinite(v)) features[k] = v;
      return l.isSplit ? { name: l.name, type: l.type, isSplit: true, features } : { name: l.name, type: l.type, features };
    }),
  };
  if (weightsFile) info.weights = { path: recordedPath(workspaceRoot, weightsFile), sha256: fileSha256(weightsFile) };
  return info;
}

/** A campaign file name that does not exist yet (two campaigns in the same second get -2, -3...). */
function freshRecordsFile(folder: string, networkFile: string, target: string, date: Date): string {
  const base = campaignFileName(networkFile, target, date);
  let candidate = path.join(folder, base);
  for (let i = 2; fs.existsSync(candidate); i++) candidate = path.join(folder, base.replace(/\.jsonl$/, `-${i}.jsonl`));
  return candidate;
}

export function planNewCampaign(r: NewCampaignRequest, target: TargetConfig, now: Date): CampaignPlan {
  const text = readText(r.networkFile, 'network');
  if (r.weightsFile && !fs.existsSync(r.weightsFile))
    throw new CampaignError(`The weights file ${r.weightsFile} does not exist.`, 'records');
  const network = networkInfo(r.workspaceRoot, r.networkFile, text, r.analysis ?? { phase: 'TEST', batch: 1 }, r.weightsFile);
  return {
    id: newCampaignId(now),
    recordsFile: freshRecordsFile(r.recordsFolder ?? measurementsFolder(r.workspaceRoot), r.networkFile, target.name, now),
    resume: false,
    created: now.toISOString(),
    networkFile: r.networkFile,
    weightsFile: r.weightsFile,
    network,
    skip: [],
    plannedBefore: [],
    netCheck: target.netCheck,
    session: 1,
    alreadyComplete: false,
  };
}

/** The problems that make a campaign file unusable, as one message. */
function unusable(read: CampaignRead): CampaignError {
  const errors = read.problems
    .filter((p) => p.severity === 'error')
    .slice(0, 3)
    .map((p) => `line ${p.line}: ${p.message}`);
  return new CampaignError(
    `${read.file} is not a usable campaign file (${errors.join('; ') || 'no header'}).`,
    'records',
    'Open the file to see what is wrong; start a new campaign instead.',
  );
}

export function planResume(r: ResumeCampaignRequest, target: TargetConfig): CampaignPlan {
  const read = readCampaignFile(r.recordsFile);
  const c = read.campaign;
  if (!c) throw unusable(read);
  if (c.target.name !== target.name) {
    throw new CampaignError(
      `This campaign was measured on "${c.target.name}"; finishing it on "${target.name}" would mix two boards.`,
      'records',
      `Resume it with the target "${c.target.name}" (add it back to energyLens.targets if it was removed).`,
    );
  }
  const networkFile = localPath(r.workspaceRoot, c.network.path);
  if (!fs.existsSync(networkFile)) {
    throw new CampaignError(
      `The network ${c.network.path} of this campaign no longer exists.`,
      'network-changed',
      'Start a new campaign on the network as it is now.',
    );
  }
  if (networkTextSha256(readText(networkFile, 'network')) !== c.network.sha256) {
    throw new CampaignError(
      `${c.network.path} changed since this campaign started: its remaining layers would be measured on another network.`,
      'network-changed',
      'Start a new campaign on the file as it is now (or undo the change to finish this one).',
    );
  }
  let weightsFile: string | undefined;
  if (c.network.weights) {
    weightsFile = localPath(r.workspaceRoot, c.network.weights.path);
    if (!fs.existsSync(weightsFile) || fileSha256(weightsFile) !== c.network.weights.sha256) {
      throw new CampaignError(
        `The weights ${c.network.weights.path} of this campaign are missing or changed.`,
        'network-changed',
        'Start a new campaign.',
      );
    }
  }
  const skip = read.layers.map((l) => l.name);
  const remaining = layersToMeasure(read);
  const netCheck = target.netCheck && !read.net;
  const session = Math.max(0, ...read.sessions.map((s) => s.session), ...read.ends.map((e) => e.session)) + 1;
  return {
    id: c.id,
    recordsFile: r.recordsFile,
    resume: true,
    created: c.created,
    networkFile,
    weightsFile,
    network: c.network,
    skip,
    plannedBefore: read.planned,
    netCheck,
    session,
    alreadyComplete:
      read.status === 'complete' || (read.planned.length > 0 && remaining.length === 0 && !netCheck && read.sessions.length > 0),
  };
}

export function planCampaign(r: CampaignRequest, target: TargetConfig, now: Date): CampaignPlan {
  return r.kind === 'new' ? planNewCampaign(r, target, now) : planResume(r, target);
}
