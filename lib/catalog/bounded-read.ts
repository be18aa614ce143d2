import { DuckDBBlobValue, DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';
import { QUERY_LIMIT_ENV, sizeBytes, type QueryLimits } from './query-limits.js';
import { SqlError } from './sql-error.js';

/** What a value costs in the estimate besides its text: a DuckDB vector slot is 8 or 16 bytes. */
const BYTES_PER_VALUE = 16;

/**
 * Reads a streamed result chunk by chunk, and stops it once what was read exceeds the memory
 * limit: DuckDB bounds its own memory, not the result handed to JS, and a result the user asked
 * for (`SELECT * FROM range(100000000)`) is otherwise read whole. The estimate counts each
 * value's slot and the length of its text or bytes (nested values count as one slot).
 */
export async function readWithin(reader: DuckDBResultReader, limits: QueryLimits): Promise<void> {
  const max = sizeBytes(limits.memory);
  if (max === undefined) throw new Error(`sql: the memory limit "${limits.memory}" is not a size`);
  const sized = reader
    .columnTypes()
    .flatMap((type, c) =>
      type.typeId === DuckDBTypeId.VARCHAR || type.typeId === DuckDBTypeId.BLOB ? [c] : [],
    );
  let bytes = 0;
  while (!reader.done) {
    const from = reader.currentRowCount;
    await reader.readUntil(from + 1);
    const to = reader.currentRowCount;
    bytes += (to - from) * reader.columnCount * BYTES_PER_VALUE;
    for (const c of sized)
      for (let r = from; r < to; r++) {
        const value = reader.value(c, r);
        bytes +=
          typeof value === 'string'
            ? value.length
            : value instanceof DuckDBBlobValue
              ? value.bytes.length
              : 0;
      }
    if (bytes > max)
      throw new SqlError(
        `sql: the query's result needs more memory than the limit of ${limits.memory} and was stopped; narrow it (LIMIT, fewer columns) or raise the limit with ${QUERY_LIMIT_ENV.memory}=<size, e.g. 4GB>`,
      );
  }
}
