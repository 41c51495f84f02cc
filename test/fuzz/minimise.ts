// Shrinks a failing input while it still fails the same way: drop chunks of lines, then of characters,
// halving the chunk size (delta debugging), within a time budget so a slow input cannot stall the run.

export function minimise(text: string, stillFails: (candidate: string) => boolean, budgetMs = 30_000): string {
  const deadline = Date.now() + budgetMs;
  let current = text;
  for (const unit of ['line', 'char'] as const) {
    let parts = unit === 'line' ? current.split(/(?<=\n)/) : [...current];
    let chunk = Math.max(1, Math.floor(parts.length / 2));
    while (chunk >= 1 && Date.now() < deadline) {
      let removed = false;
      for (let at = 0; at < parts.length && Date.now() < deadline;) {
        const candidate = [...parts.slice(0, at), ...parts.slice(at + chunk)];
        if (candidate.length < parts.length && stillFails(candidate.join(''))) {
          parts = candidate;
          removed = true;
        } else {
          at += chunk;
        }
      }
      if (!removed) chunk = Math.floor(chunk / 2);
    }
    current = parts.join('');
    if (unit === 'line' && current.length > 20_000) break; // characters one by one would take too long
  }
  return current;
}
