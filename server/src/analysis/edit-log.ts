// The edits made to each open document since versions that were fully analysed, as offset ranges,
// so a request that must answer at once (hover on a huge file, right after typing) can use the
// last complete analysis: its offsets are mapped through the edits made since, instead of waiting
// seconds for the new version's analysis.
import type { Span } from '../text/ast';

export interface OffsetEdit {
  /** Version the edit produced. */
  version: number;
  /** Replaced range, in offsets of the text before the edit. */
  start: number;
  end: number;
  /** Length of the text put there. */
  insertedLength: number;
}

/** Edits kept per document: far more than typing produces between two analyses. */
const MAX_EDITS = 1000;

export class EditLog {
  private readonly byUri = new Map<string, OffsetEdit[]>();

  record(uri: string, edit: OffsetEdit): void {
    let list = this.byUri.get(uri);
    if (!list) this.byUri.set(uri, (list = []));
    list.push(edit);
    if (list.length > MAX_EDITS) list.splice(0, list.length - MAX_EDITS);
  }

  /** Drops edits up to `version` (nothing older will be mapped from). */
  trimUpTo(uri: string, version: number): void {
    const list = this.byUri.get(uri);
    if (!list) return;
    const keep = list.findIndex((e) => e.version > version);
    if (keep < 0) this.byUri.delete(uri);
    else if (keep > 0) list.splice(0, keep);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /**
   * The edits from `fromVersion` (exclusive) to `toVersion` (inclusive), in order; undefined unless
   * every version in between is in the log.
   */
  private between(uri: string, fromVersion: number, toVersion: number): OffsetEdit[] | undefined {
    if (fromVersion === toVersion) return [];
    const edits = (this.byUri.get(uri) ?? []).filter((e) => e.version > fromVersion && e.version <= toVersion);
    // Several changes of one notification share a version; no version may be missing.
    const consecutive =
      edits.length > 0 &&
      edits[0].version === fromVersion + 1 &&
      edits[edits.length - 1].version === toVersion &&
      edits.every((e, i) => i === 0 || e.version - edits[i - 1].version <= 1);
    return consecutive ? edits : undefined;
  }

  /** An offset of version `toVersion` in the text of `fromVersion`; undefined inside edited text. */
  mapBack(uri: string, fromVersion: number, toVersion: number, offset: number): number | undefined {
    const edits = this.between(uri, fromVersion, toVersion);
    if (!edits) return undefined;
    let o = offset;
    for (let i = edits.length - 1; i >= 0; i--) {
      const e = edits[i];
      if (o < e.start) continue;
      if (o >= e.start + e.insertedLength) o += e.end - e.start - e.insertedLength;
      else return undefined;
    }
    return o;
  }

  /**
   * A span of version `fromVersion` in the text of `toVersion`: each end moves with the text around
   * it (a layer block that contains the edit grows or shrinks with it); undefined when an end lies
   * inside replaced text.
   */
  mapForward(uri: string, fromVersion: number, toVersion: number, span: Span): Span | undefined {
    const edits = this.between(uri, fromVersion, toVersion);
    if (!edits) return undefined;
    let { start, end } = span;
    for (const e of edits) {
      const s = moveEnd(start, e);
      const t = moveEnd(end, e);
      if (s === undefined || t === undefined) return undefined;
      start = s;
      end = t;
    }
    return { start, end };
  }
}

/** Where an offset of the text before `e` is after it; undefined strictly inside the replaced range. */
function moveEnd(offset: number, e: OffsetEdit): number | undefined {
  if (offset <= e.start) return offset;
  if (offset >= e.end) return offset + e.insertedLength - (e.end - e.start);
  return undefined;
}
