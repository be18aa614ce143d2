import type { ActivityDeps } from '../deps.js';
import { createPlanScore } from './plan-score.js';
import { createRecordScoreFailure, createScorePartition } from './score-partition.js';

export function createScoreActivities(deps: ActivityDeps) {
  return {
    planScore: createPlanScore(deps),
    scorePartition: createScorePartition(deps),
    recordScoreFailure: createRecordScoreFailure(deps),
  };
}
