// Writing what `energy-lens fit` fitted as a model file. Energy fits are the file's sub-models;
// latency fits become its `latency` section, added to an energy model so that the file, which
// replaces the platform's model in the editor, still predicts energy: the file already at --out
// (same platform), else the platform's built-in model, else none (a latency-only file, said so).
import * as fs from 'fs';
import * as path from 'path';
import type { CliIo } from './io';
import { type EnergyModel, MODEL_FORMAT_VERSION, type Quantity } from '../energy/model';
import { loadModelFile } from '../energy/load-model';
import { BUILTIN_MODELS } from '../energy/builtin';
import { FitError, finishModel } from '../energy/fit';

/** The model to write and what it was built on, for the message. */
function withLatency(fitted: EnergyModel, out: string): { model: EnergyModel; base: string } {
  const existing = fs.existsSync(out) ? loadModelFile(out) : undefined;
  const builtin = BUILTIN_MODELS.find((b) => b.model.platform.id === fitted.platform.id)?.model;
  let base: EnergyModel;
  let described: string;
  if (existing && 'model' in existing && existing.model.platform.id === fitted.platform.id) {
    base = existing.model;
    described = `added to the energy model already in ${path.basename(out)}`;
  } else if (builtin) {
    base = builtin;
    described = `added to the built-in ${fitted.platform.id} energy model (its energy sub-models kept)`;
  } else {
    base = { ...fitted, subModels: {} };
    described = 'no energy model of this platform to add them to: the file predicts latency only';
  }
  const notes = [
    ...(base.provenance.notes ?? []),
    `Latency sub-models fitted by ${fitted.provenance.generator} on measured time per layer call (ms); ${described}.`,
  ];
  const model = finishModel({
    ...base,
    formatVersion: MODEL_FORMAT_VERSION,
    latency: { unit: 'ms', subModels: fitted.subModels },
    provenance: { generator: fitted.provenance.generator, notes },
  });
  return { model, base: described };
}

/** Writes the fitted model (energy, or latency merged as above); the exit code. */
export function writeFittedModel(io: CliIo, outArg: string, fitted: EnergyModel, quantity: Quantity, what: string): number {
  const out = path.resolve(io.cwd, outArg);
  try {
    const { model, base } = quantity === 'latency' ? withLatency(fitted, out) : { model: fitted, base: '' };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Written beside and renamed, so a model the editor is reading is never half written.
    const temporary = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(model, null, 2)}\n`);
    fs.renameSync(temporary, out);
    io.stderr(
      `wrote ${outArg} (platform ${model.platform.id}, format version ${model.formatVersion}, ${what}${quantity === 'latency' ? `; latency sub-models ${base}` : ''})\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof FitError)) throw e;
    io.stderr(`energy-lens fit: cannot write a model: ${e.message}\n`);
    return 1;
  }
}
