import type { ActivityDeps } from '../deps.js';
import { heartbeating } from '../heartbeat-during.js';
import { createPlanScore } from './plan-score.js';
import { createRecordScoreFailure, createScorePartition } from './score-partition.js';

export function createScoreActivities(deps: ActivityDeps) {
  return {
    planScore: heartbeating(createPlanScore(deps)),
    scorePartition: createScorePartition(deps),
    recordScoreFailure: createRecordScoreFailure(deps),
  };
}
