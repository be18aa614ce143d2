import type { ActivityDeps } from '../deps.js';
import { heartbeating } from '../heartbeat-during.js';
import { createPrepareTraining } from './prepare-training.js';
import { createTrainModel } from './train-model.js';

export function createTrainActivities(deps: ActivityDeps) {
  return {
    prepareTraining: heartbeating(createPrepareTraining(deps)),
    trainModel: createTrainModel(deps),
  };
}
