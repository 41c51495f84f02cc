// The refit panel's command and view ids, apart from the host so the activation bundle can register
// them without loading the panel (client/src/lazy-bundles.ts).
export const REFIT_COMMAND = 'energyLens.refitModels';
/** Test-only (test builds): the last render report and outcomes (see RefitTestReport). */
export const RENDER_REPORT_COMMAND = 'energyLens.refit.lastRenderReport';
/** Test-only (test builds): sets controls in the webview as a user would, and/or presses a button there. */
export const DRIVE_COMMAND = 'energyLens.refit.drive';
export const VIEW_TYPE = 'energyLens.refit';
