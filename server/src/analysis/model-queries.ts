// What a sub-model of the document's energy model says about a layer beyond its number: the features
// it reads, whether the layer lies outside the data it was fitted on, whether it was fitted on this
// very network. LSP features put these into words; the model is evaluated here, below lsp/.
import { compileSubModel } from '../energy/evaluate';
import { fittedOnNetwork, outsideDomain } from '../energy/domain';
import type { SubModel } from '../energy/model';
import type { LayerFeatures } from '../net/types';

/** Names of the features the sub-model's formula reads. */
export function subModelInputs(sub: SubModel): readonly string[] {
  return compileSubModel(sub).names;
}

/** Why the layer is outside the sub-model's training domain (`stride 2; trained on stride 1`), or undefined. */
export function outsideSubModelDomain(sub: SubModel, features: LayerFeatures, format: (n: number) => string): string | undefined {
  return outsideDomain(sub.domain, features, compileSubModel(sub).names, format);
}

/** True when the sub-model was fitted on a network of one of these names. */
export function subModelFittedOn(sub: SubModel | undefined, networkNames: ReadonlyArray<string | undefined>): boolean {
  return fittedOnNetwork(sub?.domain, networkNames);
}
