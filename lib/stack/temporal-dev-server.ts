import { join } from 'node:path';
import type { ServiceSpec } from './service.js';

export interface TemporalDevServerOptions {
  readonly binary: string;
  readonly port: number;
  readonly uiPort: number;
  /** SQLite file that keeps workflows across restarts; undefined keeps them in memory. */
  readonly dbFile?: string;
  readonly headless?: boolean;
  /** Server dynamic config, e.g. a small `limit.historyCount.error` to test continue-as-new. */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * One partition per task queue, where the server's default is 4: on a single node a task that no
 * poller takes at once goes to a partition's backlog, and reaching it through another partition
 * could take up to a second (a score run with more partitions in flight than worker slots waited
 * that long for them). A cluster serving many workers sets its own.
 */
const SINGLE_NODE_CONFIG = {
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/** The real Temporal server as shipped in the Temporal CLI (`temporal server start-dev`), on loopback. */
export function temporalDevServer(options: TemporalDevServerOptions): ServiceSpec {
  const host = '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', host, '--port', String(options.port), '--log-level', 'warn'];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const [key, value] of Object.entries({ ...SINGLE_NODE_CONFIG, ...options.dynamicConfig }))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.headless) args.push('--headless');
  else args.push('--ui-ip', host, '--ui-port', String(options.uiPort));
  return {
    name: 'temporal',
    command: options.binary,
    args,
    host,
    port: options.port,
    urls: {
      'Temporal gRPC': `${host}:${options.port}`,
      ...(options.headless ? {} : { 'Temporal Web UI': `http://${host}:${options.uiPort}` }),
    },
  };
}

export const temporalDbFile = (stateDir: string) => join(stateDir, 'temporal.db');
