import { join } from 'node:path';
import { BIGINT, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { writeParquet } from '../../lib/catalog/parquet-writer.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import type { PartReport } from './write-part.js';

const COLUMNS = [
  { name: 'key', type: VARCHAR },
  { name: 'records', type: INTEGER },
  { name: 'bytes', type: BIGINT },
  { name: 'sha256', type: VARCHAR },
];

/**
 * `original_files`: every raw zone object the run's parts wrote or found (their reports), once
 * each (an object of its own may be named by several parts), for the originals table to carry
 * each object's record count, size and sha256 beside the originals it holds.
 */
export async function loadOriginalFiles(
  connection: DuckDBConnection,
  dir: string,
  reports: readonly PartReport[],
): Promise<void> {
  const files = reports.flatMap((r) => r.originals ?? []);
  const path = join(dir, 'original-files.parquet');
  await writeParquet(connection, path, COLUMNS, {
    key: files.map((f) => f.key),
    records: files.map((f) => f.records),
    bytes: files.map((f) => BigInt(f.bytes)),
    sha256: files.map((f) => f.sha256),
  });
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE original_files AS SELECT DISTINCT * FROM read_parquet(${quoteLiteral(path)})`,
  );
}
