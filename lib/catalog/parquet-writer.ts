import { DuckDBDataChunk, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';

/** One column of a Parquet file we write: its name, DuckDB type and SQL type. */
export interface ParquetColumn {
  readonly name: string;
  readonly type: DuckDBType;
}

const CHUNK_ROWS = 2048; // DuckDB's vector size

/**
 * Writes rows given as columns to a Parquet file with DuckDB. Same rows in the same order
 * give byte-identical files, so a retried activity rewrites the same object. Returns the rows
 * written (what `select` made of the appended ones).
 */
export async function writeParquet(
  connection: DuckDBConnection,
  path: string,
  columns: readonly ParquetColumn[],
  data: Readonly<Record<string, readonly DuckDBValue[]>>,
  /** The query whose result is written, over the appended rows (default: them as they are). */
  select: (table: string) => string = (table) => `SELECT * FROM ${table}`,
  /** zstd (default) for what stays; snappy for intermediate files, written and read once. */
  compression: 'zstd' | 'snappy' = 'zstd',
): Promise<number> {
  const rowCount = data[columns[0]?.name ?? '']?.length ?? 0;
  for (const c of columns) {
    if (data[c.name]?.length !== rowCount)
      throw new Error(`parquet: column ${c.name} has ${data[c.name]?.length} values, expected ${rowCount}`);
  }
  const table = `staging_${Math.random().toString(36).slice(2)}`;
  const ddl = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type.toString()}`).join(', ');
  await connection.run(`CREATE TABLE ${table} (${ddl})`);
  try {
    const appender = await connection.createAppender(table);
    try {
      for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
        const size = Math.min(CHUNK_ROWS, rowCount - start);
        const chunk = DuckDBDataChunk.create(
          columns.map((c) => c.type),
          size,
        );
        columns.forEach((c, i) => chunk.setColumnValues(i, (data[c.name] ?? []).slice(start, start + size)));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const copied = await connection.run(
      `COPY (${select(table)}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION ${compression})`,
    );
    return copied.rowsChanged;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  }
}
