// Reads a campaign file back: the header, then every record, each checked against the schema. Bad
// lines are reported with file, line and what is wrong and are never used; a file whose first line is
// not a campaign header of a version this code knows is not used at all. A torn last line (a record
// cut off by a crash) is expected now and then and only earns a warning.
import * as fs from 'fs';
import {
  RECORDS_FORMAT,
  RECORDS_VERSION,
  type CampaignHeader,
  type CampaignRead,
  type CampaignRecord,
  type CampaignStatus,
  type EndRecord,
  type IdleRecord,
  type LayerEntry,
  type NetRecord,
  type RecordProblem,
  type SessionRecord,
} from './types';
import { recordSchemaError } from './validate';

function emptyRead(file: string, problems: RecordProblem[]): CampaignRead {
  return { file, layers: [], sessions: [], idle: [], ends: [], planned: [], status: 'empty', problems, validBytes: 0 };
}

/** Why line 1 is not a usable header, or undefined when it is one. */
function headerProblem(value: unknown): string | undefined {
  const v = value as Partial<CampaignHeader> | null;
  if (typeof v !== 'object' || v === null || v.type !== 'campaign' || v.format !== RECORDS_FORMAT) {
    return `not an Energy Lens measurement records file: line 1 must be a "campaign" header with format "${RECORDS_FORMAT}"`;
  }
  if (typeof v.version === 'number' && v.version > RECORDS_VERSION) {
    return `written by a newer Energy Lens (records version ${v.version}; this version reads ${RECORDS_VERSION}): update the extension to use it`;
  }
  return recordSchemaError(value);
}

export function parseCampaignText(text: string, file: string): CampaignRead {
  const problems: RecordProblem[] = [];
  const problem = (line: number, severity: RecordProblem['severity'], message: string): void => {
    problems.push({ file, line, severity, message });
  };
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  if (lines.length === 0 || (lines.length === 1 && lines[0].trim() === '')) {
    problem(0, 'error', 'empty file: no campaign header');
    return emptyRead(file, problems);
  }

  let header: unknown;
  try {
    header = JSON.parse(lines[0]);
  } catch (err) {
    problem(1, 'error', `not an Energy Lens measurement records file: line 1 is not JSON (${(err as Error).message})`);
    return emptyRead(file, problems);
  }
  const bad = headerProblem(header);
  if (bad) {
    problem(1, 'error', bad);
    return emptyRead(file, problems);
  }
  const campaign = header as CampaignHeader;

  const byName = new Map<string, LayerEntry>();
  const sessions: SessionRecord[] = [];
  const idle: IdleRecord[] = [];
  const ends: EndRecord[] = [];
  let net: (NetRecord & { line: number }) | undefined;
  let updated: string | undefined;
  let validBytes = Buffer.byteLength(lines[0], 'utf8') + 1;

  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const torn = i === lines.length - 1 && !endsWithNewline;
    if (raw.trim() === '') {
      if (!torn) validBytes += Buffer.byteLength(raw, 'utf8') + 1;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      if (torn) problem(lineNo, 'warning', 'torn last line (a record cut off by a crash or a lost connection): ignored; resuming measures it again');
      else problem(lineNo, 'error', `not valid JSON (${(err as Error).message}): line ignored`);
      continue;
    }
    const invalid = recordSchemaError(value);
    if (invalid) {
      problem(lineNo, 'error', `${invalid}: line ignored`);
      continue;
    }
    if (!torn) validBytes += Buffer.byteLength(raw, 'utf8') + 1;
    const record = value as CampaignRecord | CampaignHeader;
    if (record.type === 'campaign') {
      problem(lineNo, 'error', 'a second campaign header (two files joined?): line ignored');
      continue;
    }
    updated = record.at;
    switch (record.type) {
      case 'session':
        sessions.push(record);
        break;
      case 'idle':
        idle.push(record);
        break;
      case 'layer': {
        const before = byName.get(record.name);
        if (before) {
          problem(lineNo, 'warning', `layer "${record.name}" was measured again (first on line ${before.line}): the later measurement is used`);
          byName.delete(record.name);
        }
        byName.set(record.name, { ...record, line: lineNo });
        break;
      }
      case 'net':
        net = { ...record, line: lineNo };
        break;
      case 'end':
        ends.push(record);
        break;
    }
  }

  const layers = [...byName.values()];
  const planned: string[] = [];
  const seen = new Set<string>();
  for (const s of sessions) {
    for (const name of [...s.skipped, ...s.planned]) {
      if (!seen.has(name)) {
        seen.add(name);
        planned.push(name);
      }
    }
  }
  return {
    file, campaign, layers, sessions, idle, net, ends, planned,
    status: campaignStatus(layers, planned, ends), updated: updated ?? campaign.created, problems, validBytes,
  };
}

function campaignStatus(layers: LayerEntry[], planned: string[], ends: EndRecord[]): CampaignStatus {
  if (layers.length === 0) return 'empty';
  const measured = new Set(layers.map((l) => l.name));
  const allMeasured = planned.length > 0 && planned.every((n) => measured.has(n));
  return allMeasured && ends[ends.length - 1]?.status === 'complete' ? 'complete' : 'partial';
}

/** Reads and checks one campaign file (never throws: an unreadable file is a problem too). */
export function readCampaignFile(file: string): CampaignRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return emptyRead(file, [{ file, line: 0, severity: 'error', message: `cannot read the file (${code ?? (err as Error).message})` }]);
  }
  return parseCampaignText(text, file);
}

/** Names of the planned layers not measured yet, in plan order (what a resume must measure). */
export function layersToMeasure(read: CampaignRead): string[] {
  const measured = new Set(read.layers.map((l) => l.name));
  return read.planned.filter((n) => !measured.has(n));
}
