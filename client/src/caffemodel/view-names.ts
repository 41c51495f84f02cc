// How a .caffemodel maps to its read-only prototxt view, and what the view says when the model
// cannot be read. Kept free of the vscode API so it is unit-tested in plain Node.

/** URI scheme of the view documents (the language client serves every scheme with language prototxt). */
export const CAFFEMODEL_VIEW_SCHEME = 'energy-lens-caffemodel';
/** viewType of the custom editor contributed for `*.caffemodel`. */
export const CAFFEMODEL_EDITOR_VIEW_TYPE = 'energyLens.caffemodel';
/** The view's path is the model's path plus this, so tabs read `x.caffemodel.prototxt` and the language is detected. */
export const VIEW_SUFFIX = '.prototxt';

export function viewPathOf(modelPath: string): string {
  return modelPath + VIEW_SUFFIX;
}

/** The model path of a view path, or undefined for a path that is not a view of a .caffemodel. */
export function modelPathOf(viewPath: string): string | undefined {
  if (!viewPath.endsWith(VIEW_SUFFIX)) return undefined;
  const model = viewPath.slice(0, -VIEW_SUFFIX.length);
  return /\.caffemodel$/i.test(model) ? model : undefined;
}

/** The view's content when the model cannot be shown: the reason as prototxt comments (a valid, empty net). */
export function errorViewText(modelPath: string, error: string): string {
  const lines = [
    `Energy Lens could not show ${modelPath} as a network:`,
    ...error.split(/\r?\n/),
    '',
    'The file is left untouched. If it is a Caffe model, it may be truncated or written by another tool.',
  ];
  return `${lines.map((l) => (l ? `# ${l}` : '#')).join('\n')}\n`;
}
