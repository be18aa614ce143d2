import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../catalog/sql-quote.js';
import type { SplitName } from './splits.js';

/** Where the members of one split are, column-wise, in batch file order. */
export interface MemberLocations {
  readonly imageId: string[];
  readonly batchKey: string[];
  readonly recordIndex: Int32Array;
  readonly batchRecords: Int32Array;
  readonly batchSha256: string[];
  /** -1 for an unlabeled member. */
  readonly classIndex: Int32Array;
  readonly length: number;
}

/** Reads the members of a split (all members when split is null) from a members Parquet file. */
export async function loadMembers(
  connection: DuckDBConnection,
  membersFile: string,
  split: SplitName | null,
): Promise<MemberLocations> {
  const where = split === null ? '' : 'WHERE split = $split';
  const statement = await connection.prepare(
    `SELECT image_id, batch_key, record_index, batch_records, batch_sha256, coalesce(class_index, -1)
     FROM read_parquet(${quoteLiteral(membersFile)}) ${where}
     ORDER BY batch_key, record_index`,
  );
  if (split !== null) statement.bind({ split });
  const columns = (await statement.runAndReadAll()).getColumnsJS() as [
    string[],
    string[],
    number[],
    number[],
    string[],
    number[],
  ];
  const [imageId, batchKey, recordIndex, batchRecords, batchSha256, classIndex] = columns;
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
