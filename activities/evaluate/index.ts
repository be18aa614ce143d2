import type { ActivityDeps } from '../deps.js';
import { createEvaluateModel } from './evaluate-model.js';
import { createPromoteModel } from './promote.js';

export function createEvaluateActivities(deps: ActivityDeps) {
  return { evaluateModel: createEvaluateModel(deps), promoteModel: createPromoteModel(deps) };
}
