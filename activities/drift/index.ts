import type { ActivityDeps } from '../deps.js';
import { heartbeating } from '../heartbeat-during.js';
import { createComputeDrift } from './compute-drift.js';
import { createLatestDrift } from './latest-drift.js';

export function createDriftActivities(deps: ActivityDeps) {
  return {
    computeDrift: heartbeating(createComputeDrift(deps)),
    latestDrift: heartbeating(createLatestDrift(deps)),
  };
}
