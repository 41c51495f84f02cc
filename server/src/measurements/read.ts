// Reads a campaign file back: the header, then every record, each checked against the schema. Bad
// lines are reported with file, line and what is wrong and are never used; a file whose first line is
// not a campaign header of a version this code knows is not used at all. A torn last line (a record
// cut off by a crash) is expected now and then and only earns a warning. Files are read as a stream
// of lines and repeated problems are summarised, so a huge or damaged file costs bounded memory.
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

/** Problems of one kind shown line by line before the rest are counted into one summary. */
const DETAILED_PER_KIND = 3;
/** A record line longer than this is not read (records are a few KB; this is a foreign or broken file). */
export const MAX_RECORD_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

type ProblemKind = 'torn' | 'json' | 'schema' | 'header-again' | 'measured-again' | 'too-long';

const KIND_SUMMARY: Record<ProblemKind, string> = {
  torn: 'torn lines',
  json: 'lines that are not valid JSON (ignored)',
  schema: 'lines that are not valid records (ignored)',
  'header-again': 'second campaign headers (ignored)',
  'measured-again': 'layers measured again (the later measurement is used)',
  'too-long': `lines over ${MAX_RECORD_LINE_BYTES / (1024 * 1024)} MiB (ignored)`,
};

/**
 * Problems of a file: the first few of each kind in full, the rest of a kind counted and reported
 * once ("12,345 more lines that are not valid JSON, from line N to line M"), so a damaged 200 MB
 * file gives a readable list, not 630,000 entries.
 */
class ProblemList {
  readonly problems: RecordProblem[] = [];
  private readonly more = new Map<ProblemKind, { count: number; first: number; last: number; severity: RecordProblem['severity'] }>();
  private readonly seen = new Map<ProblemKind, number>();

  constructor(private readonly file: string) {}

  add(kind: ProblemKind | undefined, line: number, severity: RecordProblem['severity'], message: string): void {
    if (kind !== undefined) {
      const n = (this.seen.get(kind) ?? 0) + 1;
      this.seen.set(kind, n);
      if (n > DETAILED_PER_KIND) {
        const m = this.more.get(kind);
        if (m) {
          m.count++;
          m.last = line;
        } else this.more.set(kind, { count: 1, first: line, last: line, severity });
        return;
      }
    }
    this.problems.push({ file: this.file, line, severity, message });
  }

  finish(): RecordProblem[] {
    for (const [kind, m] of this.more) {
      const where =
        m.count === 1 ? `at line ${m.first}` : `from line ${m.first.toLocaleString('en-US')} to line ${m.last.toLocaleString('en-US')}`;
      this.problems.push({
        file: this.file,
        line: m.first,
        severity: m.severity,
        message: `${m.count.toLocaleString('en-US')} more ${KIND_SUMMARY[kind]}, ${where}`,
      });
    }
    return this.problems;
  }
}

/**
 * Reads a campaign file line by line (fed in order); keeps only what the result needs, so memory
 * follows the number of distinct layers, not the size of the file.
 */
class CampaignParser {
  private readonly problems: ProblemList;
  private campaign: CampaignHeader | undefined;
  /** Set once line 1 was judged: true when it is not a usable header (nothing else is read). */
  private rejected = false;
  /** Line 1 was blank: an empty file if nothing follows, else not a records file. */
  private blankFirst = false;
  private lines = 0;
  private readonly byName = new Map<string, LayerEntry>();
  private readonly sessions: SessionRecord[] = [];
  private readonly idle: IdleRecord[] = [];
  /** The line of each idle record (a bracket written after a layer in the same millisecond is after it). */
  private readonly idleLines: number[] = [];
  private readonly ends: EndRecord[] = [];
  private net: (NetRecord & { line: number }) | undefined;
  private updated: string | undefined;
  private validBytes = 0;

  constructor(private readonly file: string) {
    this.problems = new ProblemList(file);
  }

  /** False once the rest of the file does not matter (line 1 is not a header). */
  get wantsMore(): boolean {
    return !this.rejected;
  }

  /** One line without its newline; `bytes` is its UTF-8 length; `torn` when it is the last line and has no newline. */
  line(raw: string, bytes: number, torn: boolean): void {
    const lineNo = ++this.lines;
    if (lineNo === 1) return this.headerLine(raw, bytes);
    if (this.blankFirst) return this.headerLine('', 0);
    if (this.rejected) return;
    if (raw.trim() === '') {
      if (!torn) this.validBytes += bytes + 1;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      if (torn)
        this.problems.add(
          'torn',
          lineNo,
          'warning',
          'torn last line (a record cut off by a crash or a lost connection): ignored; resuming measures it again',
        );
      else this.problems.add('json', lineNo, 'error', `not valid JSON (${(err as Error).message}): line ignored`);
      return;
    }
    const invalid = recordSchemaError(value);
    if (invalid) {
      this.problems.add('schema', lineNo, 'error', `${invalid}: line ignored`);
      return;
    }
    if (!torn) this.validBytes += bytes + 1;
    const record = value as CampaignRecord | CampaignHeader;
    if (record.type === 'campaign') {
      this.problems.add('header-again', lineNo, 'error', 'a second campaign header (two files joined?): line ignored');
      return;
    }
    this.updated = record.at;
    switch (record.type) {
      case 'session':
        this.sessions.push(record);
        break;
      case 'idle':
        this.idle.push(record);
        this.idleLines.push(lineNo);
        break;
      case 'layer': {
        const before = this.byName.get(record.name);
        if (before) {
          this.problems.add(
            'measured-again',
            lineNo,
            'warning',
            `layer "${record.name}" was measured again (first on line ${before.line}): the later measurement is used`,
          );
          this.byName.delete(record.name);
        }
        this.byName.set(record.name, { ...record, line: lineNo });
        break;
      }
      case 'net':
        this.net = { ...record, line: lineNo };
        break;
      case 'end':
        this.ends.push(record);
        break;
    }
  }

  /** A line too long to read: counted as a line, never parsed. */
  tooLong(bytes: number): void {
    const lineNo = ++this.lines;
    if (lineNo === 1) {
      this.rejected = true;
      this.problems.add(
        undefined,
        1,
        'error',
        `not an Energy Lens measurement records file: line 1 is over ${MAX_RECORD_LINE_BYTES / (1024 * 1024)} MiB`,
      );
      return;
    }
    if (!this.rejected)
      this.problems.add(
        'too-long',
        lineNo,
        'error',
        `a line of ${bytes.toLocaleString('en-US')} bytes, too long for a record: line ignored`,
      );
  }

  private headerLine(raw: string, bytes: number): void {
    if (this.lines === 1 && raw.trim() === '') {
      this.blankFirst = true;
      return;
    }
    this.blankFirst = false;
    let header: unknown;
    try {
      header = JSON.parse(raw);
    } catch (err) {
      this.rejected = true;
      this.problems.add(
        undefined,
        1,
        'error',
        `not an Energy Lens measurement records file: line 1 is not JSON (${(err as Error).message})`,
      );
      return;
    }
    const bad = headerProblem(header);
    if (bad) {
      this.rejected = true;
      this.problems.add(undefined, 1, 'error', bad);
      return;
    }
    this.campaign = header as CampaignHeader;
    this.validBytes = bytes + 1;
  }

  finish(): CampaignRead {
    const problems = this.problems.finish();
    const campaign = this.campaign;
    if (!campaign) {
      if ((this.lines === 0 || this.blankFirst) && problems.length === 0)
        problems.push({ file: this.file, line: 0, severity: 'error', message: 'empty file: no campaign header' });
      return emptyRead(this.file, problems);
    }
    const layers = interpolateIdle([...this.byName.values()], this.idle, this.idleLines);
    const planned: string[] = [];
    const seen = new Set<string>();
    for (const s of this.sessions) {
      for (const name of [...s.skipped, ...s.planned]) {
        if (!seen.has(name)) {
          seen.add(name);
          planned.push(name);
        }
      }
    }
    return {
      file: this.file,
      campaign,
      layers,
      sessions: this.sessions,
      idle: this.idle,
      net: this.net,
      ends: this.ends,
      planned,
      status: campaignStatus(layers, planned, this.ends),
      updated: this.updated ?? campaign.created,
      problems,
      validBytes: this.validBytes,
    };
  }
}

/**
 * Idle power drifts over a campaign: the agent brackets it (idle before the layers, every few minutes
 * between them, after them) but can only subtract the latest bracket when a layer is measured. Once a
 * later bracket of the same session is in the records, a layer's idle is interpolated linearly in time
 * between the brackets around it and its dynamic energy recomputed: dynamic = gross − idle × time.
 * Layers after the last bracket (a campaign still running, or cut off) keep the recorded value.
 */
export function interpolateIdle(layers: LayerEntry[], idle: readonly IdleRecord[], idleLines: readonly number[] = []): LayerEntry[] {
  const bySession = new Map<number, Array<{ t: number; line: number; at: string; mW: number }>>();
  idle.forEach((r, i) => {
    const t = Date.parse(r.at);
    if (!Number.isFinite(t) || !Number.isFinite(r.power_mW)) return;
    const list = bySession.get(r.session) ?? [];
    list.push({ t, line: idleLines[i] ?? 0, at: r.at, mW: r.power_mW });
    bySession.set(r.session, list);
  });
  for (const list of bySession.values()) list.sort((a, b) => a.t - b.t || a.line - b.line);
  return layers.map((l) => {
    const brackets = bySession.get(l.session);
    const t = Date.parse(l.at);
    if (!brackets || brackets.length < 2 || !Number.isFinite(t) || !(l.time_ms > 0)) return l;
    // Timestamps have millisecond resolution: a bracket written in the layer's millisecond is after it
    // when it comes later in the file (the closing bracket often arrives with the last layer).
    const next = brackets.findIndex((b) => b.t > t || (b.t === t && b.line > l.line));
    if (next <= 0) return l;
    const [a, b] = [brackets[next - 1], brackets[next]];
    const idle_mW = b.t > a.t ? a.mW + ((b.mW - a.mW) * (t - a.t)) / (b.t - a.t) : (a.mW + b.mW) / 2;
    // mW × ms = µJ: / 1000 for mJ.
    const dynamic = l.dynamic_energy_mJ + ((l.idle_power_mW - idle_mW) * l.time_ms) / 1000;
    return {
      ...l,
      dynamic_energy_mJ: dynamic,
      idleInterpolated: { idle_mW, between: [a.at, b.at], recordedDynamic_mJ: l.dynamic_energy_mJ },
    };
  });
}

export function parseCampaignText(text: string, file: string): CampaignRead {
  const parser = new CampaignParser(file);
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  for (let i = 0; i < lines.length && parser.wantsMore; i++) {
    parser.line(lines[i], Buffer.byteLength(lines[i], 'utf8'), i === lines.length - 1 && !endsWithNewline);
  }
  return parser.finish();
}

/**
 * Feeds a file's bytes, chunk by chunk (1 MiB, never the whole file), to the parser as lines: each
 * chunk's whole lines are decoded at once, the bytes after its last newline carried into the next
 * (a newline byte never occurs inside a UTF-8 sequence). A line longer than MAX_RECORD_LINE_BYTES is
 * skipped to its newline without being kept. One feeder for the blocking and the async reader.
 */
class LineFeeder {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Bytes of an over-long line seen so far (it is being skipped), or -1. */
  private skipped = -1;

  constructor(private readonly parser: CampaignParser) {}

  /** The first `n` bytes of `chunk` (reused by the caller); false when the parser wants no more. */
  push(chunk: Buffer, n: number): boolean {
    const parser = this.parser;
    let start = 0;
    if (this.skipped >= 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0 || nl >= n) {
        this.skipped += n;
        return true;
      }
      parser.tooLong(this.skipped + nl);
      this.skipped = -1;
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(0x0a, n - 1);
    if (lastNl < start) {
      this.carry.push(Buffer.from(chunk.subarray(start, n)));
      this.carryBytes += n - start;
      if (this.carryBytes > MAX_RECORD_LINE_BYTES) {
        this.skipped = this.carryBytes;
        this.carry = [];
        this.carryBytes = 0;
      }
      return true;
    }
    const firstNl = chunk.indexOf(0x0a, start);
    if (this.carryBytes + (firstNl - start) > MAX_RECORD_LINE_BYTES) {
      parser.tooLong(this.carryBytes + (firstNl - start));
      start = firstNl + 1;
    } else if (this.carryBytes > 0) {
      const first = Buffer.concat([...this.carry, chunk.subarray(start, firstNl)]);
      parser.line(first.toString('utf8'), first.length, false);
      start = firstNl + 1;
    }
    this.carry = [];
    this.carryBytes = 0;
    if (!parser.wantsMore) return false;
    if (start < lastNl) {
      const lines = chunk.toString('utf8', start, lastNl).split('\n');
      for (let i = 0; i < lines.length && parser.wantsMore; i++) parser.line(lines[i], Buffer.byteLength(lines[i], 'utf8'), false);
    } else if (start === lastNl) parser.line('', 0, false);
    if (!parser.wantsMore) return false;
    if (lastNl + 1 < n) {
      this.carry.push(Buffer.from(chunk.subarray(lastNl + 1, n)));
      this.carryBytes = n - lastNl - 1;
    }
    return true;
  }

  /** End of the file: a skipped line is reported, a last line without a newline is parsed as torn. */
  end(): void {
    if (this.skipped >= 0) this.parser.tooLong(this.skipped);
    else if (this.carryBytes > 0) {
      const last = Buffer.concat(this.carry);
      this.parser.line(last.toString('utf8'), last.length, true);
    }
  }
}

function streamLines(fd: number, parser: CampaignParser): void {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  const feeder = new LineFeeder(parser);
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
    if (n === 0) break;
    if (!feeder.push(chunk, n)) return;
  }
  feeder.end();
}

/**
 * The same read without blocking the caller's event loop: chunks are read asynchronously and the
 * loop is given back after each, so a language server keeps answering while a large file loads.
 */
export async function readCampaignFileAsync(file: string): Promise<CampaignRead> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    return cannotRead(file, err);
  }
  const parser = new CampaignParser(file);
  const feeder = new LineFeeder(parser);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) {
        feeder.end();
        break;
      }
      if (!feeder.push(chunk, bytesRead)) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    return cannotRead(file, err);
  } finally {
    await handle.close();
  }
  return parser.finish();
}

function campaignStatus(layers: LayerEntry[], planned: string[], ends: EndRecord[]): CampaignStatus {
  if (layers.length === 0) return 'empty';
  const measured = new Set(layers.map((l) => l.name));
  const allMeasured = planned.length > 0 && planned.every((n) => measured.has(n));
  return allMeasured && ends[ends.length - 1]?.status === 'complete' ? 'complete' : 'partial';
}

/** Reads and checks one campaign file, streaming (never throws: an unreadable file is a problem too). */
/** A file that could not be opened or read, as a read with that one error. */
function cannotRead(file: string, err: unknown): CampaignRead {
  const code = (err as NodeJS.ErrnoException).code;
  return emptyRead(file, [{ file, line: 0, severity: 'error', message: `cannot read the file (${code ?? (err as Error).message})` }]);
}

export function readCampaignFile(file: string): CampaignRead {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return cannotRead(file, err);
  }
  const parser = new CampaignParser(file);
  try {
    streamLines(fd, parser);
  } catch (err) {
    return cannotRead(file, err);
  } finally {
    fs.closeSync(fd);
  }
  return parser.finish();
}

/** Names of the planned layers not measured yet, in plan order (what a resume must measure). */
export function layersToMeasure(read: CampaignRead): string[] {
  const measured = new Set(read.layers.map((l) => l.name));
  return read.planned.filter((n) => !measured.has(n));
}
