import { createHash } from 'node:crypto';

/** Hash of a dataset version's content: members (sha256, label, split) in sha256 order, and the classes. */
export function datasetContentHash(
  members: readonly { sha256: string; label: string | null; split: string }[],
  classes: readonly string[],
): string {
  const hash = createHash('sha256').update(`${JSON.stringify(classes)}\n`);
  const sorted = [...members].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  for (const m of sorted) hash.update(`${m.sha256}\t${JSON.stringify(m.label)}\t${m.split}\n`);
  return hash.digest('hex');
}
