// Weights paired with prototxt documents (chosen, or `name.caffemodel` beside `name.prototxt`), their
// structures cached per path and re-read when the file's mtime or size changes, and the cross-check of
// a document's network against them (memoised per analysis).
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { CaffemodelError, readCaffemodelStructure, describeBlobs, type CaffemodelStructure } from '../caffe/caffemodel';
import { crossCheckWeights, type WeightsCheck } from '../weights/cross-check';
import type { NetAnalysis } from '../net/types';
import type { ParsedDocument } from '../text/ast';
import type { Problem } from '../problem';
import { escapeMarkdown, markdownCode } from '../markdown-escape';

/** What the cross-check needs of a document's analysis (DocumentAnalysis has it). */
export interface AnalysedDocument {
  uri: string;
  parsed: ParsedDocument;
  net: NetAnalysis | null;
}

type CacheEntry =
  | { state: 'loading'; stamp: string }
  | { state: 'loaded'; stamp: string; structure: CaffemodelStructure }
  | { state: 'failed'; stamp: string; error: string };

/** Structures of .caffemodel files by path; an entry is stale once the file's mtime or size differ. */
export class StructureCache {
  private readonly entries = new Map<string, CacheEntry>();

  /** The current entry, or undefined when the file is missing or the entry is stale. */
  peek(file: string): CacheEntry | undefined {
    const entry = this.entries.get(file);
    return entry && entry.stamp === stampOf(file) ? entry : undefined;
  }

  /** Starts reading `file` unless a fresh entry exists; `settled` runs when a started read ends. */
  ensure(file: string, settled: () => void): CacheEntry | undefined {
    const fresh = this.peek(file);
    if (fresh) return fresh;
    const stamp = stampOf(file);
    if (stamp === undefined) return undefined;
    this.entries.set(file, { state: 'loading', stamp });
    void this.read(file, stamp).finally(settled);
    return this.entries.get(file);
  }

  /** Reads now (cancellable), and keeps the result for later peeks. */
  async load(file: string, signal?: AbortSignal): Promise<CaffemodelStructure> {
    const fresh = this.peek(file);
    if (fresh?.state === 'loaded') return fresh.structure;
    const stamp = stampOf(file) ?? '';
    const structure = await readCaffemodelStructure(file, { signal });
    this.entries.set(file, { state: 'loaded', stamp, structure });
    return structure;
  }

  forget(file: string): void {
    this.entries.delete(file);
  }

  private async read(file: string, stamp: string): Promise<void> {
    try {
      const structure = await readCaffemodelStructure(file);
      if (this.entries.get(file)?.stamp === stamp) this.entries.set(file, { state: 'loaded', stamp, structure });
    } catch (err) {
      if (this.entries.get(file)?.stamp === stamp) this.entries.set(file, { state: 'failed', stamp, error: describeReadError(file, err) });
    }
  }
}

function stampOf(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? `${stat.mtimeMs}:${stat.size}` : undefined;
  } catch {
    return undefined;
  }
}

/** `alexnet.caffemodel: at byte 1234: ...` or `alexnet.caffemodel: cannot read the file (ENOENT)`. */
export function describeReadError(file: string, err: unknown): string {
  const name = path.basename(file);
  if (err instanceof CaffemodelError) return `${name}: ${err.message}`;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `${name}: no such file`;
  if (code === 'EISDIR') return `${name}: is a directory`;
  if (code) return `${name}: cannot read the file (${code})`;
  return `${name}: ${err instanceof Error ? err.message : String(err)}`;
}

/** Pairing of prototxt documents with weights, the cross-check diagnostics and the weights hover line. */
export class WeightsCrossCheck {
  /** Pairings chosen with "Pair with Weights File…": prototxt URI -> caffemodel path. */
  private readonly chosen = new Map<string, string>();
  /** Memoised results per analysis object and structure. */
  private readonly results = new WeakMap<object, { structure: CaffemodelStructure; check: WeightsCheck }>();
  private onLoaded: () => void = () => undefined;

  constructor(readonly cache = new StructureCache()) {}

  /** Called whenever a weights file finished loading, so diagnostics can be re-published. */
  setOnLoaded(callback: () => void): void {
    this.onLoaded = callback;
  }

  pair(prototxtUri: string, caffemodelPath: string | null): void {
    if (caffemodelPath) this.chosen.set(prototxtUri, caffemodelPath);
    else this.chosen.delete(prototxtUri);
  }

  /** A chosen pairing, else `name.caffemodel` beside `name.prototxt`. */
  weightsPathFor(uri: string): string | undefined {
    const chosen = this.chosen.get(uri);
    if (chosen) return chosen;
    const file = filePathOf(uri);
    if (!file) return undefined;
    const sibling = path.join(path.dirname(file), `${path.parse(file).name}.caffemodel`);
    return fs.existsSync(sibling) ? sibling : undefined;
  }

  /** The prototxt paired with a weights file, for the input shape the weights do not store. */
  prototxtPathFor(caffemodelPath: string): string | undefined {
    for (const [uri, weights] of this.chosen) {
      if (path.resolve(weights) === path.resolve(caffemodelPath)) return filePathOf(uri);
    }
    const base = caffemodelPath.replace(/\.caffemodel$/i, '');
    return ['.prototxt', '.pbtxt'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  }

  /** Diagnostics of the cross-check (empty while the weights load: `setOnLoaded` announces them). */
  problems(analysis: AnalysedDocument): Problem[] {
    const weights = this.weightsPathFor(analysis.uri);
    if (!weights || !analysis.net) return [];
    const entry = this.cache.ensure(weights, () => this.onLoaded());
    if (!entry || entry.state === 'loading') return [];
    if (entry.state === 'failed') {
      return [
        {
          severity: 'warning',
          code: 'weights-unreadable',
          span: { start: 0, end: 0 },
          message: `The paired weights file could not be read, so the layers are not checked against it: ${entry.error}`,
        },
      ];
    }
    return this.check(analysis, entry.structure, weights).problems;
  }

  /** `**Weights** from alexnet.caffemodel: weights: 96x3x11x11 (...), bias: 96`, if the layer has stored blobs. */
  hoverLine(uri: string, layerName: string): string | undefined {
    const weights = this.weightsPathFor(uri);
    const entry = weights ? this.cache.peek(weights) : undefined;
    if (!weights || entry?.state !== 'loaded') return undefined;
    const layer = [...entry.structure.layers].reverse().find((l) => l.name === layerName);
    const blobs = layer ? describeBlobs(layer) : undefined;
    return blobs ? `**Weights** from ${markdownCode(path.basename(weights))}: ${escapeMarkdown(blobs, 400)}` : undefined;
  }

  /** The weights were rewritten (a new snapshot): drop the cached structure. */
  changed(caffemodelPath: string): void {
    this.cache.forget(caffemodelPath);
  }

  private check(analysis: AnalysedDocument, structure: CaffemodelStructure, weights: string): WeightsCheck {
    const memo = this.results.get(analysis);
    if (memo && memo.structure === structure) return memo.check;
    const check = crossCheckWeights(analysis.parsed, analysis.net as NetAnalysis, structure, path.basename(weights));
    this.results.set(analysis, { structure, check });
    return check;
  }
}

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
