import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { closeActivityDeps, createActivityDeps } from '../../activities/index.js';
import type { Config } from '../config.js';
import { temporalUp } from '../stack/local-stack.js';
import { connectClient } from './connect.js';
import { createWorker } from './worker.js';

export interface TemporalSession {
  readonly client: Client;
  /** True when this process runs a worker (the embedded default). */
  readonly inProcessWorker: boolean;
  readonly address: string;
}

let runtimeInstalled = false;

/**
 * Runs `fn` with a Temporal client. With TEMPORAL_ADDRESS set it only connects: workers run
 * elsewhere. Otherwise it starts the local dev server when needed and runs a worker in this
 * process until `fn` settles, so one command works alone.
 */
export async function withTemporal<T>(
  config: Config,
  fn: (session: TemporalSession) => Promise<T>,
): Promise<T> {
  const external = config.temporalAddress;
  if (external)
    return withTemporalClient(config, (client) => fn({ client, inProcessWorker: false, address: external }));
  const address = await serverAddress(config);
  if (!runtimeInstalled) {
    // The in-process worker shares the terminal with progress output: errors only (an activity's failure reaches the user as the command's one-line error).
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const client = await connectClient(address, config.namespace);
  const deps = createActivityDeps(config);
  try {
    const { worker, connection } = await createWorker({
      address,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      deps,
    });
    try {
      return await worker.runUntil(fn({ client, inProcessWorker: true, address }));
    } finally {
      await connection.close();
    }
  } finally {
    await client.connection.close();
    await closeActivityDeps(deps);
  }
}

/** Runs `fn` with a client only (no worker here): for commands that manage schedules or query runs. */
export async function withTemporalClient<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(await serverAddress(config), config.namespace);
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

/** TEMPORAL_ADDRESS, or the embedded local dev server, started when it is not running. */
async function serverAddress(config: Config): Promise<string> {
  if (config.temporalAddress) return config.temporalAddress;
  await temporalUp(config);
  return `127.0.0.1:${config.temporalPort}`;
}
