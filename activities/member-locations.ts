import { loadMembers, type MemberFilter, type MemberLocations } from '../lib/dataset/members.js';
import type { Lake } from '../lib/lake/lake.js';
import type { ActivityDeps } from './deps.js';

/** Member locations from a lake object (a dataset's members, a score run's plan), via the mirror. */
export async function memberLocations(
  deps: ActivityDeps,
  lake: Lake,
  key: string,
  filter: MemberFilter,
): Promise<MemberLocations> {
  const file = await deps.mirror.localFile(lake, key);
  const connection = await (await deps.duckdb()).connect();
  try {
    return await loadMembers(connection, file, filter);
  } finally {
    connection.closeSync();
  }
}
