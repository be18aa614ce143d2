import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PromoteInput, PromotionRecord } from '../activities/evaluate/promote.js';
import { activityRetry } from './retry.js';

const { promoteModel } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: activityRetry,
});

export type { PromoteInput, PromotionRecord };

/** Moves an alias to a model, behind the promotion gate when one is given; the decision is recorded. */
export async function PromoteWorkflow(input: PromoteInput): Promise<PromotionRecord> {
  return promoteModel(input);
}
