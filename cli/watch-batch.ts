/**
 * What one watch batch may take: the file names travel in its workflow's input and, through the
 * ingest plan, in its activities' inputs, which must stay small; a folder that fills up at once is
 * taken over several batches.
 */
export const WATCH_BATCH_LIMITS = { files: 1000, nameBytes: 64 * 1024 } as const;

/** The first new files, in order, that fit one batch (always at least one). */
export function firstBatch<T extends { readonly key: string }>(
  fresh: readonly T[],
  limits: { readonly files: number; readonly nameBytes: number } = WATCH_BATCH_LIMITS,
): T[] {
  let bytes = 0;
  let end = 0;
  while (end < fresh.length && end < limits.files) {
    bytes += Buffer.byteLength(fresh[end]!.key);
    if (end > 0 && bytes > limits.nameBytes) break;
    end++;
  }
  return fresh.slice(0, end);
}
