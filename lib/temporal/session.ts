import type { Client } from '@temporalio/client';
import { closeActivityDeps, createActivityDeps } from '../../activities/index.js';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import { temporalUp } from '../stack/local-stack.js';
import { CommandSession, type InterruptChoice, type TemporalSession } from './command-session.js';
import { connectClient } from './connect.js';
import { commandTaskQueue, InProcessWorkers } from './in-process-workers.js';
import { onStopSignals } from './stop-signals.js';

export type { TemporalSession } from './command-session.js';

export interface WithTemporalOptions {
  /** Asked on SIGINT instead of cancelling at once (the pipeline offers to detach). */
  readonly onInterrupt?: InterruptChoice;
}

/**
 * Runs `fn` with a Temporal session. With TEMPORAL_ADDRESS set it only connects: workers run
 * elsewhere. Otherwise it starts the local dev server when needed and runs a worker in this
 * process, on a task queue of this command's own, until `fn` settles, so one command works alone.
 * SIGINT and SIGTERM cancel the workflows the command started and it exits 130 or 143
 * (InterruptedError); a second one terminates them and exits at once.
 */
export async function withTemporal<T>(
  config: Config,
  fn: (session: TemporalSession) => Promise<T>,
  options: WithTemporalOptions = {},
): Promise<T> {
  const embedded = config.temporalAddress === undefined;
  const address = await serverAddress(config);
  const client = await connectClient(address, config.namespace);
  const deps = embedded ? createActivityDeps(config) : undefined;
  const workers = deps && new InProcessWorkers({ address, namespace: config.namespace, deps });
  const session = new CommandSession({
    client,
    address,
    taskQueue: embedded ? commandTaskQueue(config.taskQueue) : config.taskQueue,
    baseTaskQueue: config.taskQueue,
    workers,
    onInterrupt: options.onInterrupt,
  });
  const stopListening = onStopSignals({
    first: (signal) => void session.stop(signal),
    again: (signal) => void session.stopNow(signal),
  });
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    await workers?.serve(session.taskQueue);
    outcome = { ok: true, value: await Promise.race([fn(session), workers?.failed ?? forever]) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  try {
    // Interrupted: whatever fn made of it, the command ends with its InterruptedError.
    if (session.interrupted.aborted) await session.stopped;
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    stopListening();
  }
  try {
    await workers?.shutdown();
  } catch (error) {
    if (outcome.ok) outcome = { ok: false, error };
    // The command's own error says what happened; this one only that a worker was slow to stop.
    else process.stderr.write(`imagelake: worker shutdown: ${errorMessage(error)}\n`);
  } finally {
    await client.connection.close();
    if (deps) await closeActivityDeps(deps);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

const forever = new Promise<never>(() => undefined);

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
