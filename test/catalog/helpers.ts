import type { Client } from '@temporalio/client';
import { loadSnapshot, type LakeSnapshot } from '../../lib/catalog/snapshot.js';
import { openSandbox } from '../../lib/catalog/sandbox.js';
import { FASHION_MNIST_CLASSES } from '../../lib/idx/index.js';
import type { ActivityDeps } from '../../activities/index.js';
import { DatasetCreateWorkflow, IngestWorkflow, type IngestInput } from '../../workflows/index.js';
import { fashionIdxSubset } from '../ingest/fixtures.js';

/** Ingests the first n real Fashion-MNIST test images (IDX, labeled) through the real workflow. */
export async function ingestFashion(
  client: Client,
  taskQueue: string,
  lakeUri: string,
  n: number,
  id: string,
) {
  return (await startIngestFashion(client, taskQueue, lakeUri, n, `${id}-${taskQueue}`)).result();
}

/** Starts that ingest under the given workflow (run) id, with the given chunk and part sizes. */
export async function startIngestFashion(
  client: Client,
  taskQueue: string,
  lakeUri: string,
  n: number,
  workflowId: string,
  sizes = { chunkSize: 500, partSize: 256 },
) {
  const { images, labels } = await fashionIdxSubset(n);
  return client.workflow.start(IngestWorkflow, {
    taskQueue,
    workflowId,
    args: [
      {
        lakeUri,
        source: { kind: 'idx', images, labels },
        labels: { kind: 'idx' },
        classes: [...FASHION_MNIST_CLASSES],
        normalize: {},
        ...sizes,
      },
    ],
  });
}

/** The ingest of a folder of image files (unlabeled unless `more` says how), as a workflow's input. */
export function folderIngest(lakeUri: string, root: string, more: Partial<IngestInput> = {}): IngestInput {
  return {
    lakeUri,
    source: { kind: 'files', root },
    labels: { kind: 'none' },
    classes: null,
    normalize: {},
    ...more,
  };
}

/** One read-only query over the lake's current committed state, rows as JS values. */
export async function catalogRows(
  deps: ActivityDeps,
  lakeUri: string,
  sql: string,
  params?: Record<string, string | number>,
  precedence?: readonly string[],
): Promise<unknown[][]> {
  const snapshot = await loadSnapshot(deps.lakes.open(lakeUri), deps.mirror);
  return queryRows(snapshot, sql, params, precedence);
}

export async function queryRows(
  snapshot: LakeSnapshot,
  sql: string,
  params?: Record<string, string | number>,
  precedence?: readonly string[],
): Promise<unknown[][]> {
  const sandbox = await openSandbox(snapshot, precedence);
  try {
    return (await sandbox.query(sql, params)).getRowsJS() as unknown[][];
  } finally {
    sandbox.close();
  }
}

/** Creates a dataset version through the real workflow (seed 1, not stratified, classes inferred). */
export function createDataset(
  client: Client,
  taskQueue: string,
  lakeUri: string,
  name: string,
  query: string,
  split = { train: 0.8, val: 0.2, test: 0 },
) {
  return client.workflow.execute(DatasetCreateWorkflow, {
    taskQueue,
    workflowId: `ds-${name}-${taskQueue}`,
    args: [{ lakeUri, name, query, split, seed: 1, stratify: false, classes: null }],
  });
}
