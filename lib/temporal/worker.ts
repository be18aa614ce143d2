import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { failUnhealableAtOnce } from './unhealable-errors.js';

/** The workflows the worker bundles (one module re-exporting every workflow). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export interface ImagelakeWorkerOptions {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly deps: ActivityDeps;
  /** A prebuilt bundle (tests bundle once); default bundles WORKFLOWS_PATH. */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  readonly maxConcurrentActivityTaskExecutions?: number;
  readonly identity?: string;
  /**
   * A command's own worker: it must not outlive the command, so an activity that ignores its
   * cancellation is abandoned after SHUTDOWN_FORCE_TIME instead of holding the command open.
   */
  readonly inProcess?: boolean;
}

/**
 * How late an activity may hear of its cancellation: heartbeats carry it, and by default the SDK
 * holds them back for most of the heartbeat timeout, so work went on long after Ctrl-C. One
 * heartbeat a second per running activity is cheap.
 */
const HEARTBEAT_THROTTLE = '1 second';
const SHUTDOWN_FORCE_TIME = '10 seconds';

/** A worker with every imagelake workflow and activity. The caller runs and shuts it down. */
export async function createWorker(
  options: ImagelakeWorkerOptions,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      ...(options.workflowBundle
        ? { workflowBundle: options.workflowBundle }
        : { workflowsPath: WORKFLOWS_PATH }),
      activities: createActivities(options.deps),
      interceptors: { activity: [failUnhealableAtOnce] },
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 4,
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
      defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
      ...(options.inProcess ? { shutdownForceTime: SHUTDOWN_FORCE_TIME } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
    });
    return { worker, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
