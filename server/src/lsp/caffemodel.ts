// .caffemodel files in the language server: the `energyLens/caffemodelText` request that decodes a
// model into prototxt text for the client's read-only editor, the pairing notifications, and the
// cross-check of a prototxt with its paired weights (diagnostics and a hover line).
import type { Connection } from 'vscode-languageserver';
import type { Problem } from '../problem';
import { CaffemodelTextRequest, PairWeightsNotification, WeightsChangedNotification } from '../protocol';
import { caffemodelText } from '../analysis/caffemodel-view';
import { WeightsCrossCheck, type AnalysedDocument } from '../analysis/weights-service';

/** The server's one cross-check (layer hovers read it through `weightsHoverLine`). */
export const weightsCrossCheck = new WeightsCrossCheck();

/** For layer hovers: the layer's stored blob shapes in the weights paired with the document. */
export function weightsHoverLine(analysisUri: string, layerName: string): string | undefined {
  return weightsCrossCheck.hoverLine(analysisUri, layerName);
}

/** For the diagnostics publisher: the cross-check problems of a document. */
export function weightsProblems(analysis: AnalysedDocument): Problem[] {
  return weightsCrossCheck.problems(analysis);
}

/**
 * Registers the caffemodelText request and the pairing notifications. `refresh` re-publishes
 * diagnostics; it runs when weights finish loading, change or are (un)paired.
 */
export function registerCaffemodelSupport(connection: Connection, refresh: () => void, crossCheck = weightsCrossCheck): void {
  crossCheck.setOnLoaded(refresh);
  connection.onRequest(CaffemodelTextRequest, (params, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return caffemodelText(params, crossCheck, controller.signal);
  });
  connection.onNotification(PairWeightsNotification, (params) => {
    crossCheck.pair(params.prototxtUri, params.caffemodelPath);
    refresh();
  });
  connection.onNotification(WeightsChangedNotification, (params) => {
    crossCheck.changed(params.path);
    refresh();
  });
}
