import {
  DefaultLogger,
  GracefulShutdownPeriodExpiredError,
  Runtime,
  type LogEntry,
  type NativeConnection,
  type Worker,
} from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from '../../activities/index.js';
import { errorMessage } from '../errors.js';
import { createWorker } from './worker.js';

let runtimeInstalled = false;

/**
 * The task queue of one command's own workflows when it runs its worker in process: no other
 * command's worker polls it, so a command never takes over work another one left behind (a
 * workflow a killed command abandoned, a scheduled run meant for `imagelake worker`).
 */
export function commandTaskQueue(base: string): string {
  return `${base}-cmd-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** True for a queue commandTaskQueue made from this base: one command's own work, nobody else's. */
export function isCommandTaskQueue(queue: string, base: string): boolean {
  return queue.startsWith(`${base}-cmd-`) && /^\d+-[0-9a-f]{6}$/.test(queue.slice(base.length + 5));
}

interface Running {
  readonly worker: Worker;
  readonly connection: NativeConnection;
  readonly run: Promise<void>;
}

/**
 * The workers a command runs in its own process, one per task queue it serves: its own queue, and
 * the queue of a run it was asked to resume when that queue was another command's own.
 */
export class InProcessWorkers {
  private readonly running = new Map<string, Promise<Running>>();
  private failWith: (error: unknown) => void = () => undefined;
  /** Rejects when a worker stops on an error while the command runs. */
  readonly failed = new Promise<never>((_, reject) => (this.failWith = reject));

  constructor(
    private readonly options: {
      readonly address: string;
      readonly namespace: string;
      readonly deps: ActivityDeps;
    },
  ) {
    this.failed.catch(() => undefined); // awaited by whoever races it; a failure after that is reported by shutdown
    if (!runtimeInstalled) {
      Runtime.install({
        // The worker shares the terminal with progress output: errors only (an activity's failure
        // reaches the user as the command's one-line error).
        logger: new DefaultLogger('ERROR', logLine),
        // The SDK's native side too (it would print its own warnings to the console, unformatted).
        telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
        // The command stops its workflows itself on SIGINT and SIGTERM (see withTemporal); the
        // runtime's own handling would shut the worker down under them and leave them running.
        shutdownSignals: [],
      });
      runtimeInstalled = true;
    }
  }

  /** Polls `taskQueue` from now on (once per queue). */
  async serve(taskQueue: string): Promise<void> {
    let running = this.running.get(taskQueue);
    if (!running) {
      running = this.start(taskQueue);
      this.running.set(taskQueue, running);
    }
    await running;
  }

  private async start(taskQueue: string): Promise<Running> {
    const { worker, connection } = await createWorker({ ...this.options, taskQueue, inProcess: true });
    const run = worker.run();
    run.catch((error: unknown) => this.failWith(error));
    return { worker, connection, run };
  }

  /** Stops every worker (in-flight activities are cancelled) and closes their connections. */
  async shutdown(): Promise<void> {
    const settled = await Promise.allSettled(this.running.values());
    this.running.clear();
    let failure: unknown;
    for (const s of settled) {
      if (s.status === 'rejected') continue; // it failed to start: the command already got that error
      const { worker, connection, run } = s.value;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await run;
      } catch (error) {
        // The activity goes on until the command exits; its connection stays open until then.
        if (error instanceof GracefulShutdownPeriodExpiredError) {
          failure ??= new Error('worker: an activity did not stop when cancelled; it ends with the command');
          continue;
        }
        failure ??= error;
      }
      await connection.close();
    }
    if (failure !== undefined) throw failure;
  }
}

/** The worker's errors as one line each, like the command's own (a forced shutdown is reported by shutdown()). */
function logLine(entry: LogEntry): void {
  const error = entry.meta?.error;
  if (error instanceof GracefulShutdownPeriodExpiredError) return;
  process.stderr.write(`imagelake: worker: ${entry.message}${error ? `: ${errorMessage(error)}` : ''}\n`);
}
