import type { ActivityDeps } from '../deps.js';
import { createComputeDrift } from './compute-drift.js';

export function createDriftActivities(deps: ActivityDeps) {
  return { computeDrift: createComputeDrift(deps) };
}
