import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { DEFAULT_LABEL_PRECEDENCE } from '../config.js';
import { readWithin } from './bounded-read.js';
import { DEFAULT_QUERY_LIMITS, limitOptions, withinLimits, type QueryLimits } from './query-limits.js';
import { prepareReadOnly } from './read-only.js';
import type { LakeSnapshot } from './snapshot.js';
import { SqlError } from './sql-error.js';
import { quoteLiteral } from './sql-quote.js';
import { TABLE_NAMES } from './tables.js';
import { catalogDefinitions, definitionsFor, runDefinitions, type CatalogDefinition } from './views.js';

/** A DuckDB connection that can read the catalog's own files and nothing else. */
export interface Sandbox {
  /** Runs one read-only statement with bound parameters, within the query limits. */
  query(sql: string, params?: Record<string, string | number | boolean | null>): Promise<DuckDBResultReader>;
  /**
   * Runs one read-only statement whose result goes to the user, streamed: stopped when the
   * result read exceeds the memory limit as well (see readWithin).
   */
  read(sql: string): Promise<DuckDBResultReader>;
  /** Binds one read-only statement without running it: its column names, or why it cannot run. */
  columns(sql: string): Promise<string[]>;
  /** DuckDB's parse tree of SQL text (json_serialize_sql): parsed only, never bound or run. */
  parse(sql: string): Promise<ParsedSql>;
  /** Stops the statement running now: it fails with DuckDB's INTERRUPT error. */
  interrupt(): void;
  close(): void;
}

/** What json_serialize_sql answers: the statements' trees, or why the text does not parse. */
export type ParsedSql =
  | { readonly error: false; readonly statements: readonly unknown[] }
  | { readonly error: true; readonly error_message: string; readonly position?: string };

export interface SandboxOptions {
  /**
   * Define each view only when a statement first mentions it (with what it reads), not all of
   * them up front: opening the whole catalog binds every view (a cost that grows as
   * files accumulate) when a plan's query reads two views. For the workers' own queries around a
   * user's predicate; an interactive session (SHOW TABLES) wants every view there from the start.
   */
  readonly lazy?: boolean;
  /** Memory and time one statement may use. Default DEFAULT_QUERY_LIMITS. */
  readonly limits?: QueryLimits;
}

/**
 * Opens the catalog in its own DuckDB instance, locked down before any user text runs: file
 * access only to the snapshot's files, no extension loading, a memory limit with no spilling to
 * disk, and the configuration locked so a statement cannot undo it.
 */
export async function openSandbox(
  snapshot: LakeSnapshot,
  precedence = DEFAULT_LABEL_PRECEDENCE,
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const instance = await DuckDBInstance.create(':memory:', {
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
    threads: '2',
    ...limitOptions(limits),
  });
  let connection: DuckDBConnection | undefined;
  const definitions = catalogDefinitions(snapshot, precedence);
  const defined = new Set<string>();
  const define = async (these: readonly CatalogDefinition[]) => {
    await runDefinitions(connection!, these);
    for (const d of these) defined.add(d.name);
  };
  try {
    connection = await instance.connect();
    const files = TABLE_NAMES.flatMap((t) => snapshot.files[t]);
    await connection.run(`SET allowed_paths = [${files.map(quoteLiteral).join(', ')}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
    if (!options.lazy) await define(definitions);
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  const open = connection;
  const limited = <T>(statement: () => Promise<T>) => withinLimits(limits, () => open.interrupt(), statement);
  const run = async (sql: string, params: Parameters<Sandbox['query']>[1], bounded = false) => {
    const statement = await prepareReadOnly(open, sql);
    try {
      if (params) statement.bind(params);
      if (!bounded) return await limited(() => statement.runAndReadAll());
      return await limited(async () => {
        const reader = await statement.streamAndRead();
        await readWithin(reader, limits);
        return reader;
      });
    } catch (error) {
      if (error instanceof SqlError) throw error;
      throw SqlError.of((error as Error).message);
    }
  };
  /** Runs `fn` over `sql` once the views it names are defined (all of them, not lazy). */
  const withViews = async <T>(sql: string, fn: () => Promise<T>): Promise<T> => {
    if (!options.lazy || defined.size === definitions.length) return fn();
    await define(definitionsFor(definitions, sql, defined));
    try {
      return await fn();
    } catch (error) {
      // A name the text does not spell out (query_table('...'), a catalog listing): define
      // the rest and try once more; a statement that still fails says why.
      if (!/Catalog Error/.test((error as Error).message)) throw error;
      await define(definitions.filter((d) => !defined.has(d.name)));
      return fn();
    }
  };
  return {
    query: (sql, params) => withViews(sql, () => run(sql, params)),
    read: (sql) => withViews(sql, () => run(sql, undefined, true)),
    columns: (sql) =>
      withViews(sql, async () => {
        const statement = await prepareReadOnly(open, sql);
        return Array.from({ length: statement.columnCount }, (_, i) => statement.columnName(i));
      }),
    async parse(sql) {
      const reader = await limited(() =>
        open.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR)', { sql }),
      );
      return JSON.parse(String(reader.getRowsJS()[0]?.[0])) as ParsedSql;
    },
    interrupt() {
      open.interrupt();
    },
    close() {
      open.closeSync();
      instance.closeSync();
    },
  };
}
