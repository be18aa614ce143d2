import type { ActivityDeps } from '../deps.js';
import { createPrepareTraining } from './prepare-training.js';
import { createTrainModel } from './train-model.js';

export function createTrainActivities(deps: ActivityDeps) {
  return {
    prepareTraining: createPrepareTraining(deps),
    trainModel: createTrainModel(deps),
  };
}
