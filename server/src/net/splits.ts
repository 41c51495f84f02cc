// Caffe's insert_splits.cpp: where one top feeds several bottoms (or a bottom plus an explicit loss
// weight), Caffe inserts a Split layer `<blob>_<layer>_<topIndex>_split` after the producer, whose tops
// `<blob>_<layer>_<topIndex>_split_<k>` replace the consumers' bottoms in order. Bottoms bind to the
// latest top of that name, so in-place chains (conv1 -> relu1 -> next) need no split.
// Tops are numbered globally (node by node) so the bookkeeping lives in flat typed arrays: this runs on
// every keystroke for nets of thousands of layers.
import { runToEnd } from '../text/steps';

export interface GraphNode {
  name: string;
  bottoms: string[];
  tops: string[];
  lossWeights: number[];
}

export interface SplitLayer {
  /** Producer node after which Caffe inserts the split. */
  after: number;
  topIndex: number;
  blob: string;
  name: string;
  tops: string[];
}

export interface SplitPlan {
  /** Index of node i's first top in the global top numbering. */
  topStart: Int32Array;
  /** For bottom j of node i (at bottomStart[i] + j): the global top it reads, -1 when none earlier. */
  bottomStart: Int32Array;
  source: Int32Array;
  /** Per global top: how many bottoms (and explicit losses) read it. */
  consumers: Int32Array;
  splits: SplitLayer[];
  /** Bottom names after Caffe's renaming, only for nodes where some bottom changed. */
  renamedBottoms: Map<number, string[]>;
}

export function splitLayerName(layer: string, blob: string, topIndex: number): string {
  return `${blob}_${layer}_${topIndex}_split`;
}

export function splitBlobName(layer: string, blob: string, topIndex: number, k: number): string {
  return `${blob}_${layer}_${topIndex}_split_${k}`;
}

/** Whether bottom j of node i is produced by an earlier top. */
export function hasSource(plan: SplitPlan, node: number, bottom: number): boolean {
  return plan.source[plan.bottomStart[node] + bottom] >= 0;
}

/** How many bottoms read top j of node i. */
export function consumerCount(plan: SplitPlan, node: number, top: number): number {
  return plan.consumers[plan.topStart[node] + top];
}

export function planSplits(nodes: GraphNode[]): SplitPlan {
  return runToEnd(planSplitsSteps(nodes));
}

/** Nodes (or tops) gone through between two yields of planSplitsSteps (well under a millisecond). */
const NODES_PER_STEP = 2048;
const pause = (i: number): boolean => i % NODES_PER_STEP === NODES_PER_STEP - 1;

/** planSplits in steps: it yields every NODES_PER_STEP nodes of each pass (see buildAnalysisSteps). */
export function* planSplitsSteps(nodes: GraphNode[]): Generator<void, SplitPlan> {
  const n = nodes.length;
  const topStart = new Int32Array(n + 1);
  const bottomStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    topStart[i + 1] = topStart[i] + nodes[i].tops.length;
    bottomStart[i + 1] = bottomStart[i] + nodes[i].bottoms.length;
  }
  const topNode = new Int32Array(topStart[n]);
  for (let i = 0; i < n; i++) topNode.fill(i, topStart[i], topStart[i + 1]);
  const source = new Int32Array(bottomStart[n]);
  const consumers = new Int32Array(topStart[n]);
  const lossWeight = new Float64Array(topStart[n]);
  const lastTop = new Map<string, number>();

  for (let i = 0; i < n; i++) {
    if (pause(i)) yield;
    const node = nodes[i];
    for (let j = 0; j < node.bottoms.length; j++) {
      const top = lastTop.get(node.bottoms[j]) ?? -1;
      source[bottomStart[i] + j] = top;
      if (top >= 0) consumers[top]++;
    }
    for (let j = 0; j < node.tops.length; j++) lastTop.set(node.tops[j], topStart[i] + j);
    // A top used as a loss counts as one more consumer (only explicit loss_weight, as in Caffe).
    const lastLoss = Math.min(node.lossWeights.length, node.tops.length);
    for (let j = 0; j < lastLoss; j++) {
      const top = lastTop.get(node.tops[j]) as number;
      lossWeight[top] = node.lossWeights[j];
      if (node.lossWeights[j]) consumers[top]++;
    }
  }

  // When the top itself carries a loss, split output 0 carries it and consumers start at output 1.
  const nextSplit = new Int32Array(topStart[n]);
  for (let t = 0; t < nextSplit.length; t++) nextSplit[t] = lossWeight[t] ? 1 : 0;
  const renamedBottoms = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    if (pause(i)) yield;
    const bottoms = nodes[i].bottoms;
    let renamed: string[] | undefined;
    for (let j = 0; j < bottoms.length; j++) {
      const top = source[bottomStart[i] + j];
      if (top < 0 || consumers[top] <= 1) continue;
      const producer = topNode[top];
      renamed ??= [...bottoms];
      renamed[j] = splitBlobName(nodes[producer].name, bottoms[j], top - topStart[producer], nextSplit[top]++);
    }
    if (renamed) renamedBottoms.set(i, renamed);
  }

  const splits: SplitLayer[] = [];
  for (let top = 0; top < consumers.length; top++) {
    if (pause(top)) yield;
    const count = consumers[top];
    if (count <= 1) continue;
    const i = topNode[top];
    const j = top - topStart[i];
    const blob = nodes[i].tops[j];
    const name = nodes[i].name;
    const tops = Array.from({ length: count }, (_, k) => splitBlobName(name, blob, j, k));
    splits.push({ after: i, topIndex: j, blob, name: splitLayerName(name, blob, j), tops });
  }
  return { topStart, bottomStart, source, consumers, splits, renamedBottoms };
}
