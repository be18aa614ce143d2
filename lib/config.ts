import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { queryLimitsFrom, type QueryLimits } from './catalog/query-limits.js';

/** Every setting of imagelake, from environment variables, each with its default. */
export interface Config {
  /** IMAGELAKE_LAKE: a directory or s3://bucket/prefix. Default `./lake`. */
  readonly lakeUri: string;
  /** TEMPORAL_ADDRESS: an external Temporal server. Unset: the embedded local dev server. */
  readonly temporalAddress: string | undefined;
  /** TEMPORAL_NAMESPACE. Default `default`. */
  readonly namespace: string;
  /** IMAGELAKE_TASK_QUEUE. Default `imagelake`. */
  readonly taskQueue: string;
  /** IMAGELAKE_STATE_DIR: logs, pid files and data of the local stack. Default `./.imagelake`. */
  readonly stateDir: string;
  /** IMAGELAKE_CACHE_DIR: Go-built binaries. Default `~/.cache/imagelake`. */
  readonly cacheDir: string;
  /** IMAGELAKE_TEMPORAL_PORT: the embedded dev server's gRPC port (Web UI on +1000). Default 7233. */
  readonly temporalPort: number;
  /** IMAGELAKE_MINIO_PORT: the local MinIO's S3 port (console on +1). Default 9000. */
  readonly minioPort: number;
  /**
   * IMAGELAKE_LABEL_PRECEDENCE: label source kinds, first wins, for an image's effective label
   * (the `labels` view). Default `human,ingest`.
   */
  readonly labelPrecedence: readonly string[];
  /**
   * What one catalog query may cost (`sql`, `dataset create --query`, `score --where`, and the
   * workers' own catalog queries); over a limit the query stops with a message naming it.
   * IMAGELAKE_SQL_MEMORY_LIMIT: DuckDB memory per query session, nothing spilled to disk. Default `1GB`.
   * IMAGELAKE_SQL_TIMEOUT: seconds one statement may run. Default 300.
   */
  readonly queryLimits: QueryLimits;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    lakeUri: env.IMAGELAKE_LAKE || './lake',
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.IMAGELAKE_TASK_QUEUE || 'imagelake',
    stateDir: resolve(env.IMAGELAKE_STATE_DIR || '.imagelake'),
    cacheDir: resolve(
      env.IMAGELAKE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'imagelake'),
    ),
    temporalPort: port(env.IMAGELAKE_TEMPORAL_PORT, 7233, 'IMAGELAKE_TEMPORAL_PORT'),
    minioPort: port(env.IMAGELAKE_MINIO_PORT, 9000, 'IMAGELAKE_MINIO_PORT'),
    labelPrecedence: precedence(env.IMAGELAKE_LABEL_PRECEDENCE),
    queryLimits: queryLimitsFrom(env),
  };
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`config: ${name} must be a port number, got "${value}"`);
  return n;
}

const LABEL_SOURCE_KINDS = ['human', 'ingest', 'model'];

/** Label source kinds in precedence order for an image's effective label: the first one it has wins. */
export const DEFAULT_LABEL_PRECEDENCE: readonly string[] = ['human', 'ingest'];

function precedence(value: string | undefined): readonly string[] {
  if (value === undefined || value.trim() === '') return DEFAULT_LABEL_PRECEDENCE;
  const kinds = value.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!LABEL_SOURCE_KINDS.includes(k))
      throw new Error(
        `config: IMAGELAKE_LABEL_PRECEDENCE lists "${k}": expected a comma-separated order of ${LABEL_SOURCE_KINDS.join(', ')}`,
      );
  return kinds;
}
