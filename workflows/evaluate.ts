import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Evaluation, EvaluateInput } from '../activities/evaluate/evaluate-model.js';
import { activityRetry } from './retry.js';

const { evaluateModel } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: activityRetry,
});

export type { Evaluation, EvaluateInput };

/** Evaluates a model (id or alias) on one split of a dataset version; every evaluation is stored. */
export async function EvaluateWorkflow(input: EvaluateInput): Promise<Evaluation> {
  return evaluateModel(input);
}
