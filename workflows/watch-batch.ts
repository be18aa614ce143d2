import { executeChild, workflowInfo } from '@temporalio/workflow';
import { BatchScoreWorkflow, type BatchScoreResult } from './batch-score.js';
import { IngestWorkflow } from './ingest.js';

export interface WatchBatchInput {
  readonly lakeUri: string;
  /** The watched directory or s3:// prefix, and the new files under it. */
  readonly root: string;
  readonly files: readonly string[];
  readonly model: string;
  /** Names this watcher's ingest runs (`watch-<tag>-...`), so leftovers of a crash are found. */
  readonly tag: string;
}

export interface WatchBatchResult {
  readonly ingestRun: string;
  readonly seen: number;
  readonly ingested: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly scored: BatchScoreResult | null;
}

/**
 * One micro-batch of a watcher: ingest the new files through the normal ingest path (exactly
 * once: the lake dedupes by sha256), then pre-label every image of this watcher that the model has
 * not scored yet, including any left by a crash between the two steps.
 */
export async function WatchBatchWorkflow(input: WatchBatchInput): Promise<WatchBatchResult> {
  const id = workflowInfo().workflowId;
  const ingestRun = `${id}-ingest`;
  const ingest = await executeChild(IngestWorkflow, {
    workflowId: ingestRun,
    args: [
      {
        lakeUri: input.lakeUri,
        source: { kind: 'files', root: input.root, include: input.files },
        labels: { kind: 'none' },
        classes: null,
        normalize: {},
        parallelism: 1,
      },
    ],
  });
  const scored = await executeChild(BatchScoreWorkflow, {
    workflowId: `${id}-score`,
    args: [
      {
        lakeUri: input.lakeUri,
        model: input.model,
        where: `starts_with(ingest_run, 'watch-${input.tag}-')`,
        onlyUnscored: true,
        partitionSize: 8192,
      },
    ],
  });
  return {
    ingestRun,
    seen: ingest.seen,
    ingested: ingest.ingested,
    duplicates: ingest.duplicates,
    quarantined: ingest.quarantined,
    scored,
  };
}
