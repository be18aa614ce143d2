import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { UserError } from '../errors.js';

/** Exit code of a refused or failed query (`imagelake sql`). */
export const SQL_ERROR_EXIT = 2;

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
    if (statements.count !== 1)
      throw new UserError(`sql: one statement expected, got ${statements.count}`, SQL_ERROR_EXIT);
    return await statements.prepare(0);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`sql: ${(error as Error).message}`, SQL_ERROR_EXIT, { cause: error });
  }
}

function refused(what: string): UserError {
  return new UserError(
    `sql: only reads are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), got ${what}`,
    SQL_ERROR_EXIT,
  );
}
