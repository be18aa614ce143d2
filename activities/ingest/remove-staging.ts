import type { MetadataMirror } from '../../lib/catalog/mirror.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { Lake } from '../../lib/lake/lake.js';
import { mapLimit } from '../../lib/util/map-limit.js';

const DELETE_CONCURRENCY = 8;

/** Removes a committed run's plan and staged parts (only its commit read them), and this worker's copies. */
export async function removeStaging(lake: Lake, mirror: MetadataMirror, runId: string): Promise<void> {
  const keys: string[] = [];
  for await (const key of lake.listKeys(ingestLayout.runPrefix(runId))) keys.push(key);
  await mapLimit(keys, DELETE_CONCURRENCY, (key) => lake.delete(key));
  await mirror.forgetPrefix(lake, ingestLayout.runPrefix(runId));
}
