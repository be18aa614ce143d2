import { UserError } from '../errors.js';

/** Exit code of SQL a user wrote that was refused, failed or cost too much (`sql`, `--query`, `--where`). */
export const SQL_ERROR_EXIT = 2;

/**
 * SQL a user wrote was refused, failed, or exceeded a query limit: never retried, and the CLI
 * exits with SQL_ERROR_EXIT. A class of its own because a failure crosses Temporal typed by its
 * class name only, so the CLI knows the exit code of a worker's failure by this name.
 */
export class SqlError extends UserError {
  constructor(
    message: string,
    /**
     * What is wrong with the statement's text (DuckDB's message, or why it is refused), for a
     * caller to say of the user's own SQL; unset when the text is fine but a limit stopped it.
     */
    readonly reason?: string,
  ) {
    super(message, SQL_ERROR_EXIT);
  }

  /** About the text of a statement: `sql: <reason>`. */
  static of(reason: string): SqlError {
    return new SqlError(`sql: ${reason}`, reason);
  }
}

/**
 * DuckDB's message without the statement excerpt it appends ("LINE 3: ) LIMIT 0" and a caret
 * line), on one line: for SQL built around a user's fragment, whose excerpt shows our text.
 */
export function withoutExcerpt(message: string): string {
  return message
    .replace(/\n+LINE \d+:[\s\S]*$/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/**
 * A sandbox's SqlError about a statement's text, said of the user's SQL that `what` names
 * (`score: the filter "..."`); anything else (a limit's message, other errors) as it is. The
 * excerpt DuckDB appends is kept only when the statement is the user's own text, unchanged.
 */
export function sayOfUsers(error: unknown, what: string, excerpt: 'keep' | 'drop'): unknown {
  if (!(error instanceof SqlError) || error.reason === undefined) return error;
  const reason = excerpt === 'keep' ? error.reason : withoutExcerpt(error.reason);
  return new SqlError(`${what}: ${reason}`, error.reason);
}
