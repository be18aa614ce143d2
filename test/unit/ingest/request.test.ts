import { expect, it } from 'vitest';
import { ingestRequestId, type IngestRequest } from '../../../lib/ingest/request.js';

const request: IngestRequest = {
  source: { kind: 'files', root: '/data/a' },
  labels: { kind: 'parent-dir' },
  classes: null,
  normalize: {},
};

it('names an ingest request by what it stores: defaults filled in, key order and tuning left out', () => {
  const id = ingestRequestId(request);
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  expect(
    ingestRequestId({
      classes: null,
      normalize: { invert: 'auto', width: 28, height: 28, fit: 'contain' },
      labels: { kind: 'parent-dir' },
      source: { root: '/data/a', kind: 'files' },
      partSize: 8192,
    }),
  ).toBe(id);
  // Chunk size and parallelism are not part of a request (the plan fixes the chunks once).
  expect(ingestRequestId({ ...request, chunkSize: 10, parallelism: 2 } as IngestRequest)).toBe(id);
  expect(ingestRequestId({ ...request, labels: { kind: 'parent-dir', allowUnlabeled: false } })).toBe(id);
  for (const other of [
    { source: { kind: 'files', root: '/data/b' } },
    { source: { kind: 'files', root: '/data/a', include: ['x.png'] } },
    { labels: { kind: 'none' } },
    { classes: ['a', 'b'] },
    { normalize: { width: 32 } },
    { partSize: 100 },
  ] as Partial<IngestRequest>[])
    expect(ingestRequestId({ ...request, ...other })).not.toBe(id);
});
