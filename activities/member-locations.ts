import {
  loadMembers,
  type LocationsSource,
  type MemberFilter,
  type MemberLocations,
} from '../lib/dataset/members.js';
import type { Lake } from '../lib/lake/lake.js';
import type { ActivityDeps } from './deps.js';

/** Member locations from lake objects (a dataset's members, a score run's plan), via the mirror. */
export async function memberLocations(
  deps: ActivityDeps,
  lake: Lake,
  source: LocationsSource,
  filter: MemberFilter,
): Promise<MemberLocations> {
  const files = await Promise.all(source.keys.map((key) => deps.mirror.localFile(lake, key)));
  const connection = await (await deps.duckdb()).connect();
  try {
    return await loadMembers(connection, source.relation(files), filter);
  } finally {
    connection.closeSync();
  }
}
