// Names of campaign files and ids: `<network>-<target>-<timestamp>.jsonl`, safe on every file system.
import * as path from 'path';
import { MEASUREMENTS_FOLDER } from './types';

/** Letters, digits, `.`, `_` and `-` only; at most 40 characters; never empty. */
export function safeNamePart(text: string, fallback = 'net'): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 40);
  return cleaned || fallback;
}

/** `20240131T120501Z` (UTC, sortable, no characters file systems dislike). */
export function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The folder of campaign files of a workspace folder. */
export function measurementsFolder(workspaceRoot: string): string {
  return path.join(workspaceRoot, ...MEASUREMENTS_FOLDER.split('/'));
}

/** A campaign id: timestamp plus a random suffix (two campaigns started in the same second differ). */
export function newCampaignId(date: Date, random: () => number = Math.random): string {
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${compactTimestamp(date)}-${suffix}`;
}

/** `squeezenet_v1.0-tx1-20240131T120501Z.jsonl` for a network file and a target name. */
export function campaignFileName(networkPath: string, targetName: string, date: Date): string {
  const base = path.basename(networkPath).replace(/\.(prototxt|pbtxt)$/i, '');
  return `${safeNamePart(base)}-${safeNamePart(targetName, 'board')}-${compactTimestamp(date)}.jsonl`;
}

/** `a/b/c.prototxt` for a file inside the workspace folder (`/` on every platform). */
export function workspaceRelative(workspaceRoot: string, file: string): string {
  return path.relative(workspaceRoot, file).split(path.sep).join('/');
}
