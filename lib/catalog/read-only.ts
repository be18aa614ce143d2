import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { SqlError } from './sql-error.js';

const READS = new Set([StatementType.SELECT, StatementType.EXPLAIN]);
const SKIP = String.raw`(?:\s+|--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)*`;
const LEADING_EXPLAIN = new RegExp(`^${SKIP}explain\\b`, 'i');
const LEADING_ANALYZE = new RegExp(`^${SKIP}analy[sz]e\\b`, 'i');

/**
 * Prepares one user statement that only reads: SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE (all
 * SELECT to DuckDB) or EXPLAIN of one. Refused: several statements, anything that writes,
 * and EXPLAIN ANALYZE (it runs the statement it explains).
 */
export async function prepareReadOnly(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  const explained = sql.replace(LEADING_EXPLAIN, '');
  if (explained !== sql && LEADING_ANALYZE.test(explained))
    throw refused('EXPLAIN ANALYZE (it runs the statement)');
  const statement = await prepareOne(connection, sql);
  const type = statement.statementType;
  if (!READS.has(type)) throw refused(StatementType[type] ?? String(type));
  if (type === StatementType.EXPLAIN) {
    if (explained === sql) throw refused('EXPLAIN');
    const inner = await prepareOne(connection, explained);
    if (inner.statementType !== StatementType.SELECT)
      throw refused(`EXPLAIN ${StatementType[inner.statementType] ?? ''}`.trim());
  }
  return statement;
}

async function prepareOne(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  try {
    const statements = await connection.extractStatements(sql);
    if (statements.count !== 1) throw SqlError.of(`one statement expected, got ${statements.count}`);
    return await statements.prepare(0);
  } catch (error) {
    if (error instanceof SqlError) throw error;
    // DuckDB's own message, its excerpt being the user's statement; not as a cause, which the
    // CLI would print instead (a failure's innermost cause is its line).
    throw SqlError.of((error as Error).message);
  }
}

function refused(what: string): SqlError {
  return SqlError.of(
    `only reads are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), got ${what}`,
  );
}
