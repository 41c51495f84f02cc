// Which layers take part in a net built for a given state: Caffe's Net::FilterNet and StateMeetsRule.
import type { LayerDef, NetState, StateRule } from './model';

export function stateMeetsRule(state: NetState, rule: StateRule): boolean {
  if (rule.phase !== undefined && rule.phase !== state.phase) return false;
  if (rule.minLevel !== undefined && state.level < rule.minLevel) return false;
  if (rule.maxLevel !== undefined && state.level > rule.maxLevel) return false;
  // The state must hold every stage of the rule and none of its not_stages.
  if (!rule.stages.every((s) => state.stages.includes(s))) return false;
  if (rule.notStages.some((s) => state.stages.includes(s))) return false;
  return true;
}

/**
 * A layer without include rules is in unless an exclude rule matches; a layer with include rules is in
 * only if one matches. (Caffe refuses layers with both kinds; the upgrade reports that separately.)
 */
export function layerIncluded(state: NetState, layer: LayerDef): boolean {
  if (layer.include.length > 0) return layer.include.some((r) => stateMeetsRule(state, r));
  return !layer.exclude.some((r) => stateMeetsRule(state, r));
}
