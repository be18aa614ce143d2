import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DriftInput, DriftReport } from '../activities/drift/compute-drift.js';
import { activityRetry } from './retry.js';

const { computeDrift } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: activityRetry,
});

export type { DriftInput, DriftReport };

/** Checks the predicted class distribution and image statistics of a window against the training set. */
export async function DriftWorkflow(input: DriftInput): Promise<DriftReport> {
  return computeDrift(input);
}
