import { expect, it } from 'vitest';
import { commitLogPosition, ingestLayout } from '../../../lib/ingest/layout.js';

it('reads a commit log position only from a commit log key', () => {
  expect(ingestLayout.commitLogEntry(7)).toBe('commits/ingest/000000000007.json');
  expect(commitLogPosition(ingestLayout.commitLogEntry(123_456))).toBe(123_456);
  for (const key of [
    'commits/ingest/7.json',
    'commits/ingest/000000000007.json.tmp',
    'manifests/ingest/x.json',
  ])
    expect(commitLogPosition(key)).toBeUndefined();
});

it('names a table variant with a character no run id has', () => {
  expect(ingestLayout.table('images', 'run-1')).toBe('meta/images/run-1.parquet');
  expect(ingestLayout.table('images', 'run-1', 'c0123')).toBe('meta/images/run-1.c0123.parquet');
});
