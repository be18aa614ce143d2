import type { ActivityDeps } from '../deps.js';
import type { DatasetManifest } from '../../lib/dataset/manifest.js';
import { loadMembers, type MemberLocations } from '../../lib/dataset/members.js';
import type { SplitName } from '../../lib/dataset/splits.js';
import type { Lake } from '../../lib/lake/lake.js';

/** The member locations of one split of a dataset version (all members when split is null). */
export async function splitMembers(
  deps: ActivityDeps,
  lake: Lake,
  dataset: DatasetManifest,
  split: SplitName | null,
): Promise<MemberLocations> {
  const file = await deps.mirror.localFile(lake, dataset.tables.dataset_members);
  const connection = await (await deps.duckdb()).connect();
  try {
    return await loadMembers(connection, file, split);
  } finally {
    connection.closeSync();
  }
}
