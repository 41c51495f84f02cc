// The read-only prototxt view of a .caffemodel: its text (the stored net, with an input shape from the
// paired prototxt or implied by the weights when the file lacks one) and the phase it is analysed in.
import * as fs from 'fs';
import * as path from 'path';
import { caffemodelNetwork, type InferredInput } from '../weights/caffemodel-network';
import { analyzeText } from '../net';
import type { CaffemodelTextParams, CaffemodelTextResult, EnergyLensSettings } from '../protocol';
import { describeReadError, type WeightsCrossCheck } from './weights-service';

/** URI scheme of the client's read-only prototxt view of a .caffemodel. */
export const CAFFEMODEL_SCHEME = 'energy-lens-caffemodel';

/**
 * The text of the client's view of a .caffemodel: the stored net as prototxt, with the input shape
 * from the paired prototxt (or, failing that, implied by the weights) when the model lacks it.
 */
export async function caffemodelText(
  params: CaffemodelTextParams,
  crossCheck: WeightsCrossCheck,
  signal?: AbortSignal,
): Promise<CaffemodelTextResult> {
  const file = params.path;
  try {
    const structure = await crossCheck.cache.load(file, signal);
    const network = caffemodelNetwork(structure, path.basename(file), pairedInput(crossCheck.prototxtPathFor(file)));
    return { text: network.text };
  } catch (err) {
    if (signal?.aborted) return { error: `${path.basename(file)}: cancelled` };
    return { error: describeReadError(file, err) };
  }
}

/** The first input shape of a prototxt, when it states one. */
function pairedInput(prototxt: string | undefined): InferredInput | undefined {
  if (!prototxt) return undefined;
  try {
    const shape = analyzeText(fs.readFileSync(prototxt, 'utf8')).inputs[0]?.shape;
    return shape ? { shape, reason: `taken from ${path.basename(prototxt)}` } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Settings for analysing a document: a caffemodel view is analysed in the phase its net was stored
 * for (a TRAIN snapshot's data layers are TRAIN-only), whatever `energyLens.phase` says.
 */
export function settingsForDocument(uri: string, text: string, settings: EnergyLensSettings): EnergyLensSettings {
  if (!uri.startsWith(`${CAFFEMODEL_SCHEME}:`)) return settings;
  // Layer-level (two-space) `phase:` lines, as caffemodelToPrototxt prints V2 layers and `state`.
  const recorded = /^ {2}phase: (TRAIN|TEST)\s*$/m.exec(text)?.[1] as 'TRAIN' | 'TEST' | undefined;
  const phase = recorded ?? 'TRAIN';
  return phase === settings.phase ? settings : { ...settings, phase };
}
