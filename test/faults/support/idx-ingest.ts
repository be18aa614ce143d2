import type { Client, WorkflowHandle } from '@temporalio/client';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IngestWorkflow, type IngestInput } from '../../../workflows/index.js';

/** Starts an IngestWorkflow of a labeled IDX pair into a local lake; the workflow id is the run id. */
export function startIdxIngest(
  client: Client,
  options: {
    taskQueue: string;
    workflowId: string;
    lakeUri: string;
    images: string;
    labels: string;
  } & Pick<IngestInput, 'chunkSize' | 'partSize' | 'parallelism' | 'heartbeatTimeout'>,
): Promise<WorkflowHandle<typeof IngestWorkflow>> {
  const { taskQueue, workflowId, lakeUri, images, labels, ...sizes } = options;
  return client.workflow.start(IngestWorkflow, {
    taskQueue,
    workflowId,
    args: [
      {
        lakeUri,
        source: { kind: 'idx', images, labels },
        labels: { kind: 'idx' },
        classes: null,
        normalize: {},
        ...sizes,
      },
    ],
  });
}

/** How many parts of a running ingest are staged so far: to act mid-run, not after it. */
export function stagedParts(lakeUri: string, workflowId: string): () => number {
  const staging = join(lakeUri, 'ingest', workflowId, 'staging');
  return () => (existsSync(staging) ? readdirSync(staging).filter((f) => f.endsWith('.json')).length : 0);
}
