import type { ActivityDeps } from '../deps.js';
import { createComputeDrift } from './compute-drift.js';
import { createLatestDrift } from './latest-drift.js';

export function createDriftActivities(deps: ActivityDeps) {
  return { computeDrift: createComputeDrift(deps), latestDrift: createLatestDrift(deps) };
}
