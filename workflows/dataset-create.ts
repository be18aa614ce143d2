import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CreateDatasetInput, DatasetVersionSummary } from '../activities/catalog/create-dataset.js';
import { activityRetry } from './retry.js';

const { createDataset } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: activityRetry,
});

export type { CreateDatasetInput, DatasetVersionSummary };

/** Snapshots a query's result as a new dataset version (or returns the latest when unchanged). */
export async function DatasetCreateWorkflow(input: CreateDatasetInput): Promise<DatasetVersionSummary> {
  return createDataset(input);
}
