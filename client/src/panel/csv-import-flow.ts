// "Import CSV…": pick a file, then map its columns in a few quick steps (energy column, feature
// columns, their layer feature names, and optional type / network / layer name columns). Guesses
// are preselected, so a well-named file is Enter, Enter, Enter.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { csvHeader, guessColumn, guessTargetColumn, guessTimeColumn, mappingText, parseMapping } from './csv-dataset';
import type { CsvImportSpec } from './messages';

const NONE = '(none)';
const STEPS = 7;

async function pickOne(
  step: number,
  title: string,
  items: string[],
  preferred: string | undefined,
  noneLabel?: string,
): Promise<string | undefined | null> {
  const picks: vscode.QuickPickItem[] = [
    ...(noneLabel ? [{ label: NONE, description: noneLabel }] : []),
    ...items.map((label) => ({ label })),
  ];
  const qp = vscode.window.createQuickPick();
  qp.title = `Import CSV (${step}/${STEPS}): ${title}`;
  qp.items = picks;
  const active = picks.find((p) => p.label === preferred) ?? picks[0];
  if (active) qp.activeItems = [active];
  const result = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (result === undefined) return undefined; // cancelled
  return result === NONE ? null : result;
}

/** Asks for a CSV file and its column mapping; undefined when the user cancels. */
export async function askCsvImport(): Promise<CsvImportSpec | undefined> {
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Import',
    title: 'Import energy measurements (CSV)',
    filters: { 'CSV files': ['csv', 'txt'], 'All files': ['*'] },
  });
  const uri = uris?.[0];
  if (!uri) return undefined;
  const file = uri.fsPath;
  let header: string[];
  try {
    header = csvHeader(await fs.promises.readFile(file, 'utf8'));
  } catch (e) {
    void vscode.window.showErrorMessage(`${file}: ${(e as Error).message}`);
    return undefined;
  }

  const target = await pickOne(1, 'which column is the measured energy (mJ)?', header, guessTargetColumn(header));
  if (!target) return undefined;
  const others = header.filter((h) => h !== target);

  const featureQp = await vscode.window.showQuickPick(
    others.map((label) => ({ label, picked: /mac|^c_|^k$|kernel|channel|_in$|_out$/i.test(label) })),
    { canPickMany: true, title: `Import CSV (2/${STEPS}): which columns are features?` },
  );
  if (!featureQp || featureQp.length === 0) return undefined;
  const columns = featureQp.map((p) => p.label);

  const mapping = await vscode.window.showInputBox({
    title: `Import CSV (3/${STEPS}): feature names`,
    prompt: 'column:layerFeature, … (a saved model can only use layer features such as macs, channelsIn, kernelH)',
    value: mappingText(columns),
    validateInput: (text) => {
      const parsed = parseMapping(text, header);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  if (mapping === undefined) return undefined;
  const features = parseMapping(mapping, header);
  if ('error' in features) return undefined;

  const typeColumn = await pickOne(
    4,
    'which column is the layer type?',
    others,
    guessColumn(others, /^(layer_?)?type$/i),
    'every row is a Convolution',
  );
  if (typeColumn === undefined) return undefined;
  const groupColumn = await pickOne(
    5,
    'which column names the network?',
    others,
    guessColumn(others, /^(network|net|model|group)$/i),
    'no networks',
  );
  if (groupColumn === undefined) return undefined;
  const labelColumn = await pickOne(
    6,
    'which column names the layer?',
    others,
    guessColumn(others, /^(layer|name|layer_?name)$/i),
    'no layer names',
  );
  if (labelColumn === undefined) return undefined;
  const timeColumn = await pickOne(
    7,
    'which column is the measured time per call (ms), for latency fits?',
    others,
    guessTimeColumn(others),
    'no times (energy only)',
  );
  if (timeColumn === undefined) return undefined;

  return {
    path: file,
    target,
    features,
    ...(typeColumn ? { typeColumn } : { defaultType: 'Convolution' }),
    ...(groupColumn ? { groupColumn } : {}),
    ...(labelColumn ? { labelColumn } : {}),
    ...(timeColumn ? { timeColumn } : {}),
  };
}
