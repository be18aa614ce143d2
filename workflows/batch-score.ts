import { ActivityFailure, continueAsNew, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ScoreRun } from '../lib/score/layout.js';
import { assertWithinBounds, BOUNDS } from './input-bounds.js';
import { activityRetry } from './retry.js';

const { planScore, recordScoreFailure } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: activityRetry,
});

/**
 * Twice a default worker's 4 activity slots: a partition waits at the server for a slot, so a
 * worker that finishes one starts the next at once instead of waiting for the workflow to hear of
 * it and schedule another (a round trip that is a noticeable part of a short run).
 */
export const DEFAULT_SCORE_PARALLEL = 8;

export interface BatchScoreInput {
  readonly lakeUri: string;
  /** Model id or alias, pinned to an id when the run is planned. */
  readonly model: string;
  readonly where?: string | null;
  readonly dataset?: string | null;
  /** At most this many images per partition (they are split evenly). Default 8192 (one Avro batch file of 28x28 images). */
  readonly partitionSize?: number;
  /** Partitions in flight at once over all workers. Default DEFAULT_SCORE_PARALLEL. */
  readonly parallel?: number;
  /** The run to (re)do; default the workflow id. A replay passes the original run's id. */
  readonly runId?: string;
  /** Leave out images the model has already scored (the pipeline's mode). */
  readonly onlyUnscored?: boolean;
  /** Partitions per workflow run before continue-as-new. Default 500. */
  readonly partitionsPerRun?: number;
  readonly heartbeatTimeout?: string;
  readonly state?: {
    readonly next: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly images: number;
  };
}

export interface BatchScoreResult {
  readonly runId: string;
  readonly modelId: string;
  readonly selected: number;
  readonly partitions: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly images: number;
}

/**
 * Scores the selected images partition by partition over the workers, with bounded parallelism;
 * a partition that still fails after its retries is recorded with its reason and the run goes on,
 * so `imagelake replay` can finish it. Pages with continue-as-new.
 */
export async function BatchScoreWorkflow(input: BatchScoreInput): Promise<BatchScoreResult> {
  const runId = input.runId ?? workflowInfo().workflowId;
  // Runs started before the bounds replay as they ran.
  if (patched('input-bounds'))
    assertWithinBounds([
      ['score: parallel', input.parallel, BOUNDS.inFlight],
      ['score: partition size', input.partitionSize, BOUNDS.partitionSize],
      ['score: partitions per run', input.partitionsPerRun, BOUNDS.perRun],
    ]);
  const { scorePartition } = proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: input.heartbeatTimeout ?? '1 minute',
    retry: { ...activityRetry, maximumAttempts: 3 },
  });
  // Runs started when the default was 2 keep it on replay.
  const byDefault = patched('score-default-parallel-8') ? DEFAULT_SCORE_PARALLEL : 2;
  const parallel = Math.max(1, input.parallel ?? byDefault);
  const run: ScoreRun = await planScore({
    lakeUri: input.lakeUri,
    runId,
    model: input.model,
    where: input.where ?? null,
    dataset: input.dataset ?? null,
    partitionSize: input.partitionSize ?? 8192,
    parallel,
    startedAtMs: Date.now(),
    onlyUnscored: input.onlyUnscored ?? false,
  });
  const state = { ...(input.state ?? { next: 0, succeeded: 0, failed: 0, images: 0 }) };
  const first = state.next;
  const stop = Math.min(run.partitions, state.next + (input.partitionsPerRun ?? 500));
  // Stop taking partitions when the server says the history is getting long (at least one per run).
  const mayStart = () =>
    state.next < stop && (state.next === first || !workflowInfo().continueAsNewSuggested);
  const worker = async (): Promise<void> => {
    while (mayStart()) {
      const partition = state.next++;
      try {
        const commit = await scorePartition({ lakeUri: input.lakeUri, runId, partition });
        state.succeeded++;
        state.images += commit.images;
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        state.failed++;
        const reason = error.cause?.message ?? error.message;
        await recordScoreFailure({ lakeUri: input.lakeUri, runId, partition, attempts: 3, error: reason });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  if (state.next < run.partitions) await continueAsNew<typeof BatchScoreWorkflow>({ ...input, runId, state });
  return {
    runId,
    modelId: run.modelId,
    selected: run.selected,
    partitions: run.partitions,
    ...state,
    next: undefined,
  } as BatchScoreResult;
}
