import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from '../../activities/index.js';

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
}

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
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 4,
      ...(options.identity ? { identity: options.identity } : {}),
    });
    return { worker, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
