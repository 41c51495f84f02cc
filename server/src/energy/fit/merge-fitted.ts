// A fitted model written where a platform's model file goes (`energy-lens fit --out`, the refit
// panel's Save): the file replaces the platform's model in the editor, so the quantity not fitted
// must survive. Latency fits become the `latency` section of an energy model (the file already there,
// same platform, else the platform's built-in model, else none: a latency-only file, said so); an
// energy fit keeps the latency section of the file it replaces (else of the built-in model). Pure: callers read the file.
import { BUILTIN_MODELS } from '../builtin';
import type { EnergyModel, Quantity } from '../model';
import { finishModel } from './to-model';

/** The model file at the destination, when there is one that could be read. */
export interface ExistingModel {
  model: EnergyModel;
  /** How messages name it (the file's base name). */
  name: string;
}

export interface MergedModel {
  model: EnergyModel;
  /** What the fitted sub-models were joined with, for the message ('' when nothing was kept). */
  base: string;
}

export function mergeFittedModel(fitted: EnergyModel, quantity: Quantity, existing: ExistingModel | undefined): MergedModel {
  const same = existing && existing.model.platform.id === fitted.platform.id ? existing : undefined;
  return quantity === 'latency' ? withLatency(fitted, same) : keepLatency(fitted, same);
}

function withLatency(fitted: EnergyModel, existing: ExistingModel | undefined): MergedModel {
  const builtin = builtinModel(fitted.platform.id);
  let base: EnergyModel;
  let described: string;
  if (existing) {
    base = existing.model;
    described = `added to the energy model already in ${existing.name}`;
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
    latency: { unit: 'ms', subModels: fitted.subModels },
    provenance: { generator: fitted.provenance.generator, notes },
  });
  return { model, base: described };
}

function keepLatency(fitted: EnergyModel, existing: ExistingModel | undefined): MergedModel {
  const builtin = builtinModel(fitted.platform.id);
  const from = existing?.model.latency
    ? { latency: existing.model.latency, name: existing.name }
    : builtin?.latency
      ? { latency: builtin.latency, name: `the built-in ${fitted.platform.id} model` }
      : undefined;
  if (!from || Object.keys(from.latency.subModels).length === 0) return { model: fitted, base: '' };
  const described = `the latency sub-models of ${from.name} kept`;
  const notes = [...(fitted.provenance.notes ?? []), `Energy sub-models refitted; ${described}.`];
  return { model: finishModel({ ...fitted, latency: from.latency, provenance: { ...fitted.provenance, notes } }), base: described };
}

function builtinModel(platformId: string): EnergyModel | undefined {
  return BUILTIN_MODELS.find((b) => b.model.platform.id === platformId)?.model;
}
