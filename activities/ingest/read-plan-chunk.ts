import { refuseIfCollected } from '../../lib/gc/commit-guard.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { PlanChunk } from '../../lib/ingest/plan.js';
import { NotFoundError, type Lake } from '../../lib/lake/lake.js';

/**
 * One chunk of a run's plan. Missing because gc collected the run (it stalled past the grace
 * period): the collected run's one-line error, not retried, instead of a missing key retried.
 */
export async function readPlanChunk(lake: Lake, runId: string, chunk: number): Promise<PlanChunk> {
  try {
    return JSON.parse((await lake.get(ingestLayout.planChunk(runId, chunk))).toString()) as PlanChunk;
  } catch (error) {
    if (error instanceof NotFoundError) await refuseIfCollected(lake, { kind: 'ingest', id: runId });
    throw error;
  }
}
