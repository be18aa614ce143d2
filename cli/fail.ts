import { ApplicationFailure } from '@temporalio/common';
import { SQL_ERROR_EXIT, SqlError } from '../lib/catalog/sql-error.js';
import { UserError } from '../lib/errors.js';

/** Exit codes of errors a worker raised: a failure crosses Temporal typed by its class name only. */
const EXIT_CODE_OF_FAILURE: Readonly<Record<string, number>> = { [SqlError.name]: SQL_ERROR_EXIT };

/** One line for the user: the innermost cause's message (Temporal wraps failures in layers). */
export function failureLine(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  const last = messages.at(-1);
  return last ?? String(error);
}

export function exitCodeOf(error: unknown): number {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof UserError) return current.exitCode;
    const remote =
      current instanceof ApplicationFailure ? EXIT_CODE_OF_FAILURE[current.type ?? ''] : undefined;
    if (remote !== undefined) return remote;
    current = current.cause;
  }
  return 1;
}

/** Prints the error as one line (stack only with IMAGELAKE_DEBUG=1) and sets the exit code. */
export function reportFailure(error: unknown): void {
  console.error(`imagelake: ${failureLine(error)}`);
  if (process.env.IMAGELAKE_DEBUG === '1' && error instanceof Error) console.error(error.stack);
  process.exitCode = exitCodeOf(error);
}
