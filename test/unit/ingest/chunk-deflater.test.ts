import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../../activities/deps.js';
import { createIngestChunk, type IngestChunkInput } from '../../../activities/ingest/ingest-chunk.js';
import { availableDeflaters } from '../../../lib/avro/index.js';

const input: IngestChunkInput = {
  lakeUri: '/nonexistent-lake',
  runId: 'run-1',
  chunk: 0,
  source: { kind: 'files', root: '/nonexistent-source' },
  classes: [],
  classesGiven: false,
  normalize: {},
  partSize: 10,
  ingestTimeMs: 0,
  deflater: 'zlib 0.0.0-elsewhere level 1',
};

describe('an ingest chunk and its run deflater', () => {
  it('is refused, before touching the lake, by a worker without the deflater its run chose', async () => {
    const chunk = createIngestChunk({} as ActivityDeps); // no dependency is reached
    const run = new MockActivityEnvironment().run(chunk, input);
    await expect(run).rejects.toThrow(
      `ingest: run run-1 writes its Avro batches with zlib 0.0.0-elsewhere level 1, which this worker does not have (it has ${availableDeflaters()
        .map((d) => d.id)
        .join(', ')})`,
    );
  });
});
