// For each translated layer, a net of just its operator(s) with every input filled by the init net
// (weights and activations alike, random values of the right shapes): what a steady-state loop of
// one layer runs on the phone, as the Jetson agent's _forward(i, i) does for Caffe.
import type { Caffe2Translation, TranslatedLayer } from '../../../server/src/caffe2/translate';
import { NetDef, floatArg, intsArg } from '../../../server/src/caffe2/netdef';
import { Shape, inferNetShapes } from '../../../server/src/caffe2/shapes';

export interface OneOpNet {
  layer: TranslatedLayer;
  init: NetDef;
  predict: NetDef;
}

export function oneOpNets(t: Caffe2Translation): OneOpNet[] {
  const shapes = inferNetShapes(t.predictNet, new Map<string, Shape>([[t.input.name, t.input.shape], ...t.params]));
  // Shapes as each op saw its inputs: an in-place op's input is the blob before the op ran.
  const before: Array<Map<string, Shape>> = [];
  const running = new Map<string, Shape>([[t.input.name, t.input.shape], ...t.params]);
  for (const op of t.predictNet.op) {
    before.push(new Map(op.input.map((i) => [i, running.get(i)!])));
    for (const o of op.output) running.set(o, shapes.get(o)!);
  }
  return t.layers.map((layer) => {
    const ops = layer.ops.map((k) => t.predictNet.op[k]);
    const produced = new Set<string>();
    const inputs: Array<[string, Shape]> = [];
    ops.forEach((op, j) => {
      for (const i of op.input) if (!produced.has(i) && !inputs.some(([n]) => n === i)) inputs.push([i, before[layer.ops[j]].get(i)!]);
      for (const o of op.output) produced.add(o);
    });
    const init: NetDef = {
      name: `${layer.layer}_init`,
      external_input: [],
      external_output: inputs.map(([n]) => n),
      op: inputs.map(([n, s]) => ({
        type: 'GaussianFill',
        input: [],
        output: [n],
        arg: [intsArg('shape', s), floatArg('mean', 0), floatArg('std', 0.01)],
      })),
    };
    const predict: NetDef = {
      name: layer.layer,
      op: ops,
      external_input: inputs.map(([n]) => n),
      external_output: [ops[ops.length - 1].output[0]],
    };
    return { layer, init, predict };
  });
}
