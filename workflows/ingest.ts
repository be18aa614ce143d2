import { continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { IngestSummary } from '../activities/ingest/commit-ingest.js';
import type { NormalizeOptions } from '../lib/image/index.js';
import type { LabelRule } from '../lib/ingest/labels.js';
import type { IngestCounts } from '../lib/ingest/manifest.js';
import type { IngestPlan } from '../lib/ingest/plan.js';
import type { IngestSource } from '../lib/ingest/source.js';
import { ingestProgressQuery, type IngestProgress } from './definitions.js';
import { assertWithinBounds, BOUNDS } from './input-bounds.js';
import { activityRetry } from './retry.js';

export interface IngestInput {
  readonly lakeUri: string;
  readonly source: IngestSource;
  readonly labels: LabelRule;
  readonly classes: readonly string[] | null;
  readonly normalize: Partial<NormalizeOptions>;
  /** Items per chunk activity. Default 16384. */
  readonly chunkSize?: number;
  /** Records per Avro batch file. Default 8192 (about 4 MiB of 28x28 images). */
  readonly partSize?: number;
  /** keep (default): every original stored in the raw zone; none: no original kept (--no-originals). */
  readonly originals?: 'keep' | 'none';
  /** Chunk activities in flight at once, over all workers. Default 4. */
  readonly parallelism?: number;
  /** Chunks per workflow run before continue-as-new keeps the history small. Default 200. */
  readonly chunksPerRun?: number;
  /** How long a chunk may go without heartbeat before it is retried on another worker. Default 30 s. */
  readonly heartbeatTimeout?: Duration;
  /** Carried over continue-as-new; absent on the first run. */
  readonly state?: IngestState;
}

interface IngestState {
  readonly plan: IngestPlan;
  readonly nextChunk: number;
  readonly counts: IngestCounts;
  readonly ingestTimeMs: number;
}

/**
 * Ingests a source into the lake exactly once: plan (list once, chunks in the lake), fan chunks out
 * over workers with bounded concurrency, commit with one manifest. The run id is the workflow id,
 * stable across continue-as-new; only keys and counts travel through the history.
 */
export async function IngestWorkflow(input: IngestInput): Promise<IngestSummary> {
  const runId = workflowInfo().workflowId;
  // Runs started before the bounds replay as they ran.
  if (patched('input-bounds'))
    assertWithinBounds([
      ['ingest: parallel', input.parallelism, BOUNDS.inFlight],
      ['ingest: chunk size', input.chunkSize, BOUNDS.chunkSize],
      ['ingest: part size', input.partSize, BOUNDS.partSize],
      ['ingest: max pixels', input.normalize.maxInputPixels, BOUNDS.maxPixels],
      ['ingest: chunks per run', input.chunksPerRun, BOUNDS.perRun],
    ]);
  const parallelism = input.parallelism ?? 4;
  const chunksPerRun = input.chunksPerRun ?? 200;
  // Every ingest activity heartbeats (on a timer where it has no progress points): a dead worker
  // is noticed within the heartbeat timeout.
  const { planIngest, ingestChunk, commitIngest } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: input.heartbeatTimeout ?? '30 seconds',
    retry: activityRetry,
  });
  let progress: IngestProgress = {
    phase: 'planning',
    itemCount: 0,
    chunkCount: 0,
    chunksDone: 0,
    seen: 0,
    ingested: 0,
    duplicates: 0,
    quarantined: 0,
  };
  setHandler(ingestProgressQuery, () => progress);

  const state: IngestState = input.state ?? {
    plan: await planIngest({
      lakeUri: input.lakeUri,
      runId,
      source: input.source,
      labels: input.labels,
      classes: input.classes,
      chunkSize: input.chunkSize ?? 16_384,
      parallelism,
      // The rest of the request, so the plan refuses a run id reused for another request.
      ...(patched('ingest-plan-request') && {
        normalize: input.normalize,
        partSize: input.partSize ?? 8192,
        originals: input.originals,
      }),
    }),
    nextChunk: 0,
    counts: { seen: 0, ingested: 0, duplicates: 0, quarantined: 0, batches: 0, bytes: 0 },
    ingestTimeMs: Date.now(),
  };
  const { plan } = state;
  let counts = state.counts;
  let chunksDone = state.nextChunk;
  const update = (phase: IngestProgress['phase']) => {
    progress = {
      phase,
      itemCount: plan.itemCount,
      chunkCount: plan.chunkCount,
      chunksDone,
      seen: counts.seen,
      ingested: counts.ingested,
      duplicates: counts.duplicates,
      quarantined: counts.quarantined,
    };
  };
  update('ingesting');

  const end = Math.min(plan.chunkCount, state.nextChunk + chunksPerRun);
  let next = state.nextChunk;
  // Stop starting chunks when the server says the history is getting long (at least one per run).
  const mayStart = () => next < end && (next === state.nextChunk || !workflowInfo().continueAsNewSuggested);
  const inFlight = new Set<Promise<void>>();
  while (mayStart() || inFlight.size > 0) {
    while (mayStart() && inFlight.size < parallelism) {
      const chunk = next++;
      const task: Promise<void> = ingestChunk({
        lakeUri: input.lakeUri,
        runId,
        chunk,
        source: plan.source,
        classes: plan.classes,
        classesGiven: input.classes !== null,
        normalize: input.normalize,
        partSize: input.partSize ?? 8192,
        deflater: plan.deflater,
        ingestTimeMs: state.ingestTimeMs,
        keepOriginals: input.originals !== 'none',
      }).then((c) => {
        counts = {
          seen: counts.seen + c.seen,
          ingested: counts.ingested + c.ingested,
          duplicates: counts.duplicates + c.duplicates,
          quarantined: counts.quarantined + c.quarantined,
          batches: counts.batches + c.batches,
          bytes: counts.bytes + c.bytes,
        };
        chunksDone++;
        update('ingesting');
        inFlight.delete(task);
      });
      inFlight.add(task);
    }
    await Promise.race(inFlight);
  }
  if (next < plan.chunkCount) {
    // Large sources: a fresh history per `chunksPerRun` chunks or when suggested, same run id.
    return continueAsNew<typeof IngestWorkflow>({
      ...input,
      state: { plan, nextChunk: next, counts, ingestTimeMs: state.ingestTimeMs },
    });
  }
  update('committing');
  const summary = await commitIngest({
    lakeUri: input.lakeUri,
    runId,
    source: plan.source,
    classes: plan.classes,
  });
  counts = summary;
  update('done');
  return summary;
}
