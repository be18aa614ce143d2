import type { DuckDBValue } from '@duckdb/node-api';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParquet, type ParquetColumn } from '../lib/catalog/parquet-writer.js';
import type { Lake } from '../lib/lake/lake.js';
import type { ActivityDeps } from './deps.js';

/**
 * Writes rows (given as columns) as one Parquet object of the lake: DuckDB writes a temporary
 * file, the lake gets its bytes under `key`. Same rows, same bytes, so a retry rewrites the object.
 * `select` may shape the rows in SQL on the way out (constants, lists), which is cheaper than in JS.
 * Returns the rows written.
 */
export async function putParquet(
  deps: ActivityDeps,
  lake: Lake,
  key: string,
  columns: readonly ParquetColumn[],
  data: Readonly<Record<string, readonly DuckDBValue[]>>,
  select?: (table: string) => string,
  compression?: Parameters<typeof writeParquet>[5],
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'imagelake-parquet-'));
  const connection = await (await deps.duckdb()).connect();
  try {
    const path = join(dir, 'table.parquet');
    const rows = await writeParquet(connection, path, columns, data, select, compression);
    await lake.put(key, await readFile(path));
    return rows;
  } finally {
    connection.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
