import type { ActivityDeps } from '../deps.js';
import { createCommitIngest } from './commit-ingest.js';
import { createIngestChunk } from './ingest-chunk.js';
import { createPlanIngest } from './plan-ingest.js';

export function createIngestActivities(deps: ActivityDeps) {
  return {
    planIngest: createPlanIngest(deps),
    ingestChunk: createIngestChunk(deps),
    commitIngest: createCommitIngest(deps),
  };
}
