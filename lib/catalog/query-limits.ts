import { SqlError } from './sql-error.js';

/** What one query may cost in a sandbox (the catalog's connection for SQL a user can influence). */
export interface QueryLimits {
  /** DuckDB memory limit of the sandbox, as DuckDB spells sizes (`512MB`, `2GB`). */
  readonly memory: string;
  /** Wall-clock seconds one statement may run before it is interrupted. */
  readonly timeoutSeconds: number;
}

/** IMAGELAKE_SQL_MEMORY_LIMIT and IMAGELAKE_SQL_TIMEOUT, each with the default used when unset. */
export const QUERY_LIMIT_ENV = {
  memory: 'IMAGELAKE_SQL_MEMORY_LIMIT',
  timeoutSeconds: 'IMAGELAKE_SQL_TIMEOUT',
} as const;

export const DEFAULT_QUERY_LIMITS: QueryLimits = { memory: '1GB', timeoutSeconds: 300 };

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a size as DuckDB spells it (`512MB` is 512,000,000 bytes there, `512MiB` 2^29); undefined for anything else. */
export function sizeBytes(size: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(size);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return unit === undefined ? undefined : Number(m![1]) * unit;
}

/** The limits from the environment, refusing values DuckDB would misread. */
export function queryLimitsFrom(env: NodeJS.ProcessEnv): QueryLimits {
  const memory = env[QUERY_LIMIT_ENV.memory]?.trim() || DEFAULT_QUERY_LIMITS.memory;
  if (!(Number(sizeBytes(memory)) > 0))
    throw new Error(`config: ${QUERY_LIMIT_ENV.memory} must be a size such as 512MB or 2GB, got "${memory}"`);
  const timeout = env[QUERY_LIMIT_ENV.timeoutSeconds]?.trim() || String(DEFAULT_QUERY_LIMITS.timeoutSeconds);
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(
      `config: ${QUERY_LIMIT_ENV.timeoutSeconds} must be a number of seconds > 0, got "${timeout}"`,
    );
  return { memory, timeoutSeconds };
}

/**
 * Instance options that hold a sandbox to the memory limit: no spilling to disk either (an
 * in-memory DuckDB otherwise spills into `.tmp` of the working directory, past any limit).
 */
export function limitOptions(limits: QueryLimits): Record<string, string> {
  return { memory_limit: limits.memory, temp_directory: '' };
}

/**
 * Runs one statement under the time limit: a timer interrupts the connection (DuckDB has no
 * statement timeout of its own). A statement over either limit fails as SqlError, naming the
 * limit and how to raise it; any other failure is passed on as it is.
 */
export async function withinLimits<T>(
  limits: QueryLimits,
  interrupt: () => void,
  statement: () => Promise<T>,
): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    interrupt();
  }, limits.timeoutSeconds * 1000);
  try {
    return await statement();
  } catch (error) {
    throw overLimit(error, limits, timedOut) ?? error;
  } finally {
    clearTimeout(timer);
  }
}

function overLimit(error: unknown, limits: QueryLimits, timedOut: boolean): SqlError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut && /^INTERRUPT Error/.test(message))
    return new SqlError(
      `sql: the query ran longer than the limit of ${limits.timeoutSeconds} s and was stopped; raise it with ${QUERY_LIMIT_ENV.timeoutSeconds}=<seconds>`,
    );
  if (/^Out of Memory Error/.test(message))
    return new SqlError(
      `sql: the query needs more memory than the limit of ${limits.memory} and was stopped; raise it with ${QUERY_LIMIT_ENV.memory}=<size, e.g. 4GB>`,
    );
  return undefined;
}
