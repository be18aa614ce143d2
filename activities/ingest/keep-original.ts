import type { RawPartWriter } from '../../lib/raw/index.js';
import type { ItemOutcome } from './source-item.js';

/**
 * Hands an ingested item's original to the part's raw writer and records where it went in the
 * item's row; gives the outcome without the bytes, so a part holds no original past this point
 * (the writer's open container aside). A promise only when the writer has to write.
 */
export function keepOriginal(
  raw: RawPartWriter | undefined,
  outcome: ItemOutcome,
): ItemOutcome | Promise<ItemOutcome> {
  const { row, image, original } = outcome;
  if (!original) return outcome;
  if (!raw) return { row, image };
  const at = raw.add(row.sha256!, original, row.original_format!);
  const located = ({ key, record }: { key: string; record: number | null }): ItemOutcome => {
    row.original_key = key;
    row.original_record = record;
    return { row, image };
  };
  return at instanceof Promise ? at.then(located) : located(at);
}
