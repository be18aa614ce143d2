import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/index.js';
import { loadConfig } from '../../lib/config.js';
import { createWorker, WORKFLOWS_PATH } from '../../lib/temporal/worker.js';
import { recordHistories } from '../replay/record.js';
import { s3Env, testStack } from './stack.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file (webpack takes about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export interface TestWorkerContext {
  readonly client: Client;
  readonly taskQueue: string;
  readonly deps: ActivityDeps;
  /** A fresh local lake directory for this worker. */
  readonly lakeUri: string;
}

/** Runs `fn` with a real worker on a unique task queue of the test run's Temporal server. */
export async function withTestWorker<T>(fn: (ctx: TestWorkerContext) => Promise<T>): Promise<T> {
  const stack = testStack();
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-wf-lake-'));
  const env = { ...process.env, ...s3Env(stack), IMAGELAKE_LAKE: lakeUri };
  const deps = createActivityDeps(loadConfig(env), env);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const { worker, connection: workerConnection } = await createWorker({
    address: stack.temporalAddress,
    namespace: 'default',
    taskQueue,
    deps,
    workflowBundle: await workflowBundle(),
  });
  try {
    const result = await worker.runUntil(fn({ client, taskQueue, deps, lakeUri }));
    await recordHistories(client, taskQueue);
    return result;
  } finally {
    await workerConnection.close();
    await connection.close();
    await closeActivityDeps(deps);
  }
}

/** The activity's own message under the workflow and activity failure layers. */
export function innermost(error: unknown): string {
  let e = error as Error | undefined;
  while (e?.cause instanceof Error) e = e.cause;
  return e?.message ?? String(error);
}
