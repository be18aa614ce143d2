import { createCatalogActivities } from './catalog/index.js';
import type { ActivityDeps } from './deps.js';
import { createDriftActivities } from './drift/index.js';
import { createEvaluateActivities } from './evaluate/index.js';
import { createIngestActivities } from './ingest/index.js';
import { createPipelineActivities } from './pipeline.js';
import { createScoreActivities } from './score/index.js';
import { createSmokeActivities } from './smoke.js';
import { createTrainActivities } from './train/index.js';

export { createActivityDeps, closeActivityDeps, type ActivityDeps } from './deps.js';

/** Every activity of imagelake, bound to the worker's dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps),
    ...createIngestActivities(deps),
    ...createCatalogActivities(deps),
    ...createTrainActivities(deps),
    ...createEvaluateActivities(deps),
    ...createScoreActivities(deps),
    ...createPipelineActivities(deps),
    ...createDriftActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
