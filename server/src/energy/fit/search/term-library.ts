// The candidate terms a model search chooses from, built from the features the data has:
// - size terms: MACs, input, output and weight elements (what compute and memory traffic scale with);
// - hardware-aware variants: channels rounded up to tiles of 4..64 and output width to spatial tiles
//   (GPUs and SIMD units work in whole tiles, so a layer of 17 channels costs like one of 32);
// - raw hyper-parameters and their pairwise products;
// - for log-space fits, products of log(feature) up to a degree (a log polynomial).
// Terms are texts in the model term language (../../terms.ts), so a chosen model is saved as searched.

export const CHANNEL_TILES = [4, 8, 16, 32, 64] as const;
export const SPATIAL_TILES = [4, 8, 16] as const;

/** Layer hyper-parameters whose products are meaningful candidates. */
const HYPER = ['heightIn', 'widthIn', 'channelsIn', 'kernelH', 'kernelW', 'channelsOut', 'heightOut', 'widthOut'];

export interface SizeTerm {
  /** macs / input / output / weights */
  role: string;
  text: string;
}

const has = (features: readonly string[], ...names: string[]) => names.every((n) => features.includes(n));

/** MACs, input, output and weight elements, each from a feature if the data has it, else from hyper-parameters. */
export function sizeTerms(features: readonly string[]): SizeTerm[] {
  const out: SizeTerm[] = [];
  const conv = has(features, 'heightOut', 'widthOut', 'kernelH', 'kernelW', 'channelsIn', 'channelsOut');
  if (features.includes('macs')) out.push({ role: 'macs', text: 'macs' });
  else if (conv) out.push({ role: 'macs', text: 'channelsIn*channelsOut*kernelH*kernelW*heightOut*widthOut' });
  if (features.includes('inputElements')) out.push({ role: 'input', text: 'inputElements' });
  else if (has(features, 'channelsIn', 'heightIn', 'widthIn')) out.push({ role: 'input', text: 'channelsIn*heightIn*widthIn' });
  if (features.includes('outputElements')) out.push({ role: 'output', text: 'outputElements' });
  else if (has(features, 'channelsOut', 'heightOut', 'widthOut')) out.push({ role: 'output', text: 'channelsOut*heightOut*widthOut' });
  if (has(features, 'channelsIn', 'channelsOut', 'kernelH', 'kernelW'))
    out.push({ role: 'weights', text: 'channelsIn*channelsOut*kernelH*kernelW' });
  else if (features.includes('params')) out.push({ role: 'weights', text: 'params' });
  for (const extra of ['activationBytes', 'weightBytes']) if (features.includes(extra)) out.push({ role: extra, text: extra });
  return out;
}

/** Size terms with channels (and output width) rounded up to tiles; written from hyper-parameters. */
export function tiledTerms(features: readonly string[]): string[] {
  const out: string[] = [];
  const conv = has(features, 'heightOut', 'widthOut', 'kernelH', 'kernelW', 'channelsIn', 'channelsOut');
  const spatialOut = 'heightOut*widthOut';
  for (const t of CHANNEL_TILES) {
    if (conv) {
      out.push(`channelsIn*tile${t}(channelsOut)*kernelH*kernelW*${spatialOut}`);
      out.push(`tile${t}(channelsIn)*channelsOut*kernelH*kernelW*${spatialOut}`);
      out.push(`tile${t}(channelsIn)*tile${t}(channelsOut)*kernelH*kernelW`);
    }
    if (has(features, 'channelsOut', 'heightOut', 'widthOut')) out.push(`tile${t}(channelsOut)*${spatialOut}`);
    if (has(features, 'channelsIn', 'heightIn', 'widthIn')) out.push(`tile${t}(channelsIn)*heightIn*widthIn`);
  }
  if (conv) for (const t of SPATIAL_TILES) out.push(`channelsIn*channelsOut*kernelH*kernelW*heightOut*tile${t}(widthOut)`);
  return out;
}

/** Hyper-parameters that carry information of their own (a width copied from the height is left out). */
export function independentHyper(features: readonly string[], copies: ReadonlySet<string>): string[] {
  return HYPER.filter((n) => features.includes(n) && !copies.has(n));
}

/** Candidate terms of linear (relative-error) models. */
export function linearLibrary(features: readonly string[], copies: ReadonlySet<string>): string[] {
  const hyper = independentHyper(features, copies);
  const raw = features.filter((f) => !copies.has(f));
  const products: string[] = [];
  for (let i = 0; i < hyper.length; i++) for (let j = i; j < hyper.length; j++) products.push(`${hyper[i]}*${hyper[j]}`);
  return unique([...sizeTerms(features).map((s) => s.text), ...tiledTerms(features), ...raw, ...products]);
}

/** Candidate terms of log-space models: products of log(feature) of total degree ≤ `degree`. */
export function logLibrary(features: readonly string[], copies: ReadonlySet<string>, positive: ReadonlySet<string>, degree = 3): string[] {
  const hyper = independentHyper(features, copies).filter((n) => positive.has(n));
  const bases = hyper.length > 0 ? hyper : features.filter((f) => !copies.has(f) && positive.has(f));
  const out: string[] = [];
  const walk = (start: number, picked: string[]) => {
    if (picked.length > 0) out.push(picked.map((n) => `log(${n})`).join('*'));
    if (picked.length === degree) return;
    for (let i = start; i < bases.length; i++) walk(i, [...picked, bases[i]]);
  };
  walk(0, []);
  return out;
}

/** Cost terms a roofline can take the smooth maximum of: size terms and their tiled variants. */
export function rooflineAtoms(features: readonly string[]): string[] {
  return unique([...sizeTerms(features).map((s) => s.text), ...tiledTerms(features)]);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
