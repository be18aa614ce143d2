import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/index.js';
import { createCommitIngest, type IngestSummary } from '../../activities/ingest/commit-ingest.js';
import { createIngestChunk } from '../../activities/ingest/ingest-chunk.js';
import { createPlanIngest } from '../../activities/ingest/plan-ingest.js';
import { FASHION_MNIST_CLASSES } from '../../lib/idx/index.js';
import type { IngestPlan } from '../../lib/ingest/plan.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import { fashionIdxSubset } from '../ingest/fixtures.js';

/**
 * An ingest run as a worker that died before the commit leaves it: planned and every chunk
 * written (Avro batches, staging) through the real activities, no manifest; its images are the
 * first `images` Fashion-MNIST test images. `commit` runs the
 * real commit activity for it later.
 */
export async function abandonedRun(
  deps: ActivityDeps,
  lakeUri: string,
  runId: string,
  images: number,
): Promise<{ commit: () => Promise<IngestSummary> }> {
  const idx = await fashionIdxSubset(images);
  const source: IngestSource = { kind: 'idx', images: idx.images, labels: idx.labels };
  const classes = [...FASHION_MNIST_CLASSES];
  const env = () => new MockActivityEnvironment();
  const plan: IngestPlan = await env().run(createPlanIngest(deps), {
    lakeUri,
    runId,
    source,
    labels: { kind: 'idx' as const },
    classes,
    chunkSize: 200,
  });
  for (let chunk = 0; chunk < plan.chunkCount; chunk++)
    await env().run(createIngestChunk(deps), {
      lakeUri,
      runId,
      chunk,
      source: plan.source,
      classes: plan.classes,
      classesGiven: true,
      normalize: {},
      partSize: 100,
      deflater: plan.deflater,
      ingestTimeMs: Date.now(),
    });
  return {
    commit: (): Promise<IngestSummary> =>
      env().run(createCommitIngest(deps), { lakeUri, runId, source: plan.source, classes: plan.classes }),
  };
}
