import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../catalog/sql-quote.js';
import type { SplitName } from './splits.js';

/** Where the members of one split are, column-wise, in batch file order. */
export interface MemberLocations {
  /** Null where the locations leave the id to the Avro record (a score plan). */
  readonly imageId: (string | null)[];
  readonly batchKey: string[];
  readonly recordIndex: Int32Array;
  readonly batchRecords: Int32Array;
  readonly batchSha256: string[];
  /** -1 for an unlabeled member. */
  readonly classIndex: Int32Array;
  readonly length: number;
}

/** Which rows of the locations: a dataset split, a score partition, or all (null). */
export type MemberFilter = { readonly split: SplitName } | { readonly partition: number } | null;

/**
 * Lake objects that hold member locations, and the SQL relation over their local copies with the
 * columns image_id, batch_key, record_index, batch_records, batch_sha256, class_index and the
 * filter's column (split or partition).
 */
export interface LocationsSource {
  readonly keys: readonly string[];
  relation(files: readonly string[]): string;
}

/** A dataset version's members file: one Parquet file with every column. */
export function membersFile(key: string): LocationsSource {
  return { keys: [key], relation: ([file]) => `read_parquet(${quoteLiteral(file!)})` };
}

/** Reads member locations, in batch file order, from a source's relation (see LocationsSource). */
export async function loadMembers(
  connection: DuckDBConnection,
  relation: string,
  filter: MemberFilter,
): Promise<MemberLocations> {
  // Column names come from the filter's own keys, an allow-list of two.
  const column = filter === null ? null : 'split' in filter ? 'split' : 'partition';
  const statement = await connection.prepare(
    `SELECT image_id, batch_key, record_index, batch_records, batch_sha256, coalesce(class_index, -1)
     FROM ${relation} ${column ? `WHERE ${column} = $value` : ''}
     ORDER BY batch_key, record_index`,
  );
  if (filter !== null) statement.bind({ value: 'split' in filter ? filter.split : filter.partition });
  const [imageId, batchKey, recordIndex, batchRecords, batchSha256, classIndex] = (
    await statement.runAndReadAll()
  ).getColumnsJS() as [(string | null)[], string[], number[], number[], string[], number[]];
  return {
    imageId,
    batchKey,
    recordIndex: Int32Array.from(recordIndex),
    batchRecords: Int32Array.from(batchRecords),
    batchSha256,
    classIndex: Int32Array.from(classIndex),
    length: imageId.length,
  };
}
