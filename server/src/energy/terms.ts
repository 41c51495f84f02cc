// Model terms: the small expression language a sub-model's `features` are written in, shared by
// the fitting engine (which generates terms) and prediction (which evaluates them).
//   term   := factor ('*' factor)*
//   factor := (name | 'log(' name ')' | 'tile' N '(' name ')') ('^' positive-integer)?
// e.g. `macs`, `inputElements*kernelH*kernelW`, `channelsIn^2*kernelH`, `log(macs)`,
// `tile16(channelsOut)` (channelsOut rounded up to a multiple of 16: hardware works in tiles of channels).
// One grammar for both sides means a fitted individual-layer model is stored exactly as fitted.

export interface Factor {
  name: string;
  /** Natural log of the value instead of the value itself. */
  log: boolean;
  power: number;
  /** Value rounded up to a multiple of this (a hardware tile), e.g. 16 for `tile16(channelsOut)`. */
  tile?: number;
}

export interface Term {
  /** Canonical text (as `formatTerm` writes it). */
  text: string;
  factors: Factor[];
}

export type TermValue = { ok: true; value: number } | { ok: false; missing: string[] } | { ok: false; invalid: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FACTOR =
  /^(?:([A-Za-z_][A-Za-z0-9_]*)|log\(([A-Za-z_][A-Za-z0-9_]*)\)|tile([1-9][0-9]*)\(([A-Za-z_][A-Za-z0-9_]*)\))(?:\^([1-9][0-9]*))?$/;

export function isFeatureName(name: string): boolean {
  return NAME.test(name);
}

export function parseTerm(text: string): Term | { error: string } {
  const parts = text.replace(/\s+/g, '').split('*');
  const factors: Factor[] = [];
  for (const part of parts) {
    const m = FACTOR.exec(part);
    if (!m) {
      return {
        error: `'${text}' is not a term: write names joined by '*', each optionally log(name) or tileN(name) and/or ^power (e.g. channelsIn^2*kernelH)`,
      };
    }
    const power = m[5] ? Number(m[5]) : 1;
    if (m[3] !== undefined) factors.push({ name: m[4], log: false, power, tile: Number(m[3]) });
    else factors.push({ name: m[1] ?? m[2], log: m[2] !== undefined, power });
  }
  return { text: formatTerm(factors), factors: mergeFactors(factors) };
}

/** Canonical text: factors in the order given, equal factors merged into a power. */
export function formatTerm(factors: Factor[]): string {
  return mergeFactors(factors)
    .map((f) => `${f.log ? `log(${f.name})` : f.tile ? `tile${f.tile}(${f.name})` : f.name}${f.power > 1 ? `^${f.power}` : ''}`)
    .join('*');
}

export function makeTerm(factors: Factor[]): Term {
  const merged = mergeFactors(factors);
  return { text: formatTerm(merged), factors: merged };
}

function mergeFactors(factors: Factor[]): Factor[] {
  const out: Factor[] = [];
  for (const f of factors) {
    const same = out.find((o) => o.name === f.name && o.log === f.log && o.tile === f.tile);
    if (same) same.power += f.power;
    else out.push({ ...f });
  }
  return out;
}

/** Names a term reads (without duplicates). */
export function termNames(term: Term): string[] {
  return [...new Set(term.factors.map((f) => f.name))];
}

export function evaluateTerm(term: Term, lookup: (name: string) => number | undefined): TermValue {
  let value = 1;
  const missing: string[] = [];
  for (const f of term.factors) {
    const v = lookup(f.name);
    if (v === undefined || !Number.isFinite(v)) {
      if (!missing.includes(f.name)) missing.push(f.name);
      continue;
    }
    if (f.log && v <= 0) return { ok: false, invalid: `log(${f.name}) needs ${f.name} > 0, got ${v}` };
    value *= factorValue(f, v) ** f.power;
  }
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, value };
}

/** One factor's value before its power: the log, the value rounded up to its tile, or the value. */
export function factorValue(f: Factor, v: number): number {
  if (f.log) return Math.log(v);
  return f.tile ? Math.ceil(v / f.tile) * f.tile : v;
}

/** True when a term rounds a feature up to a tile (a format-version-2 term). */
export function usesTiles(term: Term): boolean {
  return term.factors.some((f) => f.tile !== undefined);
}
