// Stepped computations: a long pass written as a generator that pauses (`yield`) between slices of
// work, so the language server can answer requests between them on a large file, while the CLI and
// small files run the same code to its end in one go.

/** Runs a stepped computation to its end in one go. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}
