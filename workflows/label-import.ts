import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ImportLabelsInput, ImportLabelsSummary } from '../activities/catalog/import-labels.js';
import { activityRetry } from './retry.js';

const { importLabels } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: activityRetry,
});

export type { ImportLabelsInput, ImportLabelsSummary };

/** Commits a file of human labels staged in the lake, all or nothing. */
export async function LabelImportWorkflow(input: ImportLabelsInput): Promise<ImportLabelsSummary> {
  return importLabels(input);
}
