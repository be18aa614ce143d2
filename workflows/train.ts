import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PrepareTrainingInput } from '../activities/train/prepare-training.js';
import type { TrainResult } from '../activities/train/train-model.js';
import type { TrainParams } from '../lib/model/params.js';
import { activityRetry } from './retry.js';

const { prepareTraining } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: activityRetry,
});
export interface TrainInput extends PrepareTrainingInput {
  readonly pruneAbove?: readonly number[];
  readonly sweepId?: string;
  /** How soon a dead worker is noticed (per-batch heartbeats); the retry resumes from the last checkpoint. */
  readonly heartbeatTimeout?: string;
}

export interface TrainOutcome extends TrainResult {
  readonly datasetRef: string;
  readonly params: TrainParams;
  /** True when the model was registered before this run (nothing trained). */
  readonly skipped: boolean;
}

/** Trains one model from a dataset version into the registry (or finds it already there). */
export async function TrainWorkflow(input: TrainInput): Promise<TrainOutcome> {
  const plan = await prepareTraining(input);
  const common = { datasetRef: plan.datasetRef, params: plan.params };
  if (plan.registered)
    return {
      ...common,
      skipped: true,
      modelId: plan.modelId,
      status: 'registered',
      curves: [],
      valLoss: null,
      valAccuracy: null,
      samplesPerSecond: 0,
      resumedFromEpoch: 0,
    };
  const { trainModel } = proxyActivities<Activities>({
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: input.heartbeatTimeout ?? '1 minute',
    retry: activityRetry,
  });
  const result = await trainModel({ plan, pruneAbove: input.pruneAbove, sweepId: input.sweepId });
  return { ...common, ...result, skipped: false };
}
