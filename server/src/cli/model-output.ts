// Writing what `energy-lens fit` fitted as a model file: the file already at --out is read here and
// the fit merged with it by the engine's mergeFittedModel (latency fits join an energy model, an
// energy fit keeps the file's latency section), as the refit panel's Save does.
import * as fs from 'fs';
import * as path from 'path';
import type { CliIo } from './io';
import type { EnergyModel, Quantity } from '../energy/model';
import { loadModelFile } from '../energy/load-model';
import { type ExistingModel, FitError, mergeFittedModel } from '../energy/fit';

/** The model file at `out`, when there is one that reads as a model. */
function existingModel(out: string): ExistingModel | undefined {
  if (!fs.existsSync(out)) return undefined;
  const loaded = loadModelFile(out);
  return 'model' in loaded ? { model: loaded.model, name: path.basename(out) } : undefined;
}

/** Writes the fitted model (merged as above); the exit code. */
export function writeFittedModel(io: CliIo, outArg: string, fitted: EnergyModel, quantity: Quantity, what: string): number {
  const out = path.resolve(io.cwd, outArg);
  try {
    const { model, base } = mergeFittedModel(fitted, quantity, existingModel(out));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Written beside and renamed, so a model the editor is reading is never half written.
    const temporary = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(model, null, 2)}\n`);
    fs.renameSync(temporary, out);
    const merged = quantity === 'latency' ? `; latency sub-models ${base}` : base ? `; ${base}` : '';
    io.stderr(`wrote ${outArg} (platform ${model.platform.id}, format version ${model.formatVersion}, ${what}${merged})\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    io.stderr(`energy-lens fit: cannot write a model: ${e.message}\n`);
    return 1;
  }
}
