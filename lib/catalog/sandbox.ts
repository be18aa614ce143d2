import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { UserError } from '../errors.js';
import { prepareReadOnly, SQL_ERROR_EXIT } from './read-only.js';
import type { LakeSnapshot } from './snapshot.js';
import { quoteLiteral } from './sql-quote.js';
import { TABLE_NAMES } from './tables.js';
import { DEFAULT_LABEL_PRECEDENCE } from '../config.js';
import { attachCatalog } from './views.js';

/** A DuckDB connection that can read the catalog's own files and nothing else. */
export interface Sandbox {
  /** Runs one read-only statement with bound parameters. */
  query(sql: string, params?: Record<string, string | number | boolean | null>): Promise<DuckDBResultReader>;
  close(): void;
}

/**
 * Opens the catalog in its own DuckDB instance, locked down before any user text runs: file
 * access only to the snapshot's files, no extension loading, and the configuration locked so a
 * statement cannot undo it.
 */
export async function openSandbox(
  snapshot: LakeSnapshot,
  precedence = DEFAULT_LABEL_PRECEDENCE,
): Promise<Sandbox> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
    threads: '2',
  });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    const files = TABLE_NAMES.flatMap((t) => snapshot.files[t]);
    await connection.run(`SET allowed_paths = [${files.map(quoteLiteral).join(', ')}]`);
    await connection.run('SET enable_external_access = false');
    await attachCatalog(connection, snapshot, precedence);
    await connection.run('SET lock_configuration = true');
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  const open = connection;
  return {
    async query(sql, params) {
      const statement = await prepareReadOnly(open, sql);
      try {
        if (params) statement.bind(params);
        return await statement.runAndReadAll();
      } catch (error) {
        throw new UserError(`sql: ${(error as Error).message}`, SQL_ERROR_EXIT, { cause: error });
      }
    },
    close() {
      open.closeSync();
      instance.closeSync();
    },
  };
}
