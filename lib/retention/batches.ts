// How each phase of the retention job walks its rows: one batch (one transaction) after another,
// until a batch finds nothing, the run's --max-batches is reached, or the run is stopped (the
// open batch finishes first).

export interface BatchLimits {
  maxBatches?: number;
  signal?: AbortSignal;
}

/** Runs `batch(n)` (n from 1) while it reports work done; returns how many batches did work. */
export async function runBatches(limits: BatchLimits, batch: (n: number) => Promise<boolean>): Promise<number> {
  let batches = 0;
  while (limits.maxBatches === undefined || batches < limits.maxBatches) {
    if (limits.signal?.aborted) break;
    if (!(await batch(batches + 1))) break;
    batches += 1;
  }
  return batches;
}
