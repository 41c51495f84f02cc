// Exit codes of `energy-lens` commands, declared once so CI scripts can tell the reasons apart
// (documented in README.md, "Exit codes").
export const ExitCode = {
  /** Everything checked and within bounds. */
  ok: 0,
  /** The file has errors (syntax, schema or graph), or cannot be read. */
  errorsInFile: 1,
  /** Wrong command-line arguments, unknown platform. */
  usage: 2,
  /** `predict --budget-mj`: the predicted energy exceeds the budget. */
  overBudget: 3,
  /**
   * `predict --budget-mj/--budget-ms`: some layer has no number (unknown shape, invalid prediction), or the
   * platform's model has no latency sub-models, so the total cannot be compared.
   */
  notFullyPredicted: 4,
  /** `predict --budget-ms`: the predicted latency exceeds the budget. */
  overLatencyBudget: 5,
} as const;
