import { expect, it } from 'vitest';
import { firstBatch, WATCH_BATCH_LIMITS } from '../../../cli/watch-batch.js';

const files = (n: number, name = (i: number) => `f${i}.png`) =>
  Array.from({ length: n }, (_, i) => ({ key: name(i) }));

it('takes a folder that filled up at once over several batches of bounded input', () => {
  expect(firstBatch(files(250_000))).toHaveLength(WATCH_BATCH_LIMITS.files);
  expect(firstBatch(files(12))).toHaveLength(12);
  expect(firstBatch([])).toEqual([]);
  // Long names: the bytes bound comes first.
  const long = firstBatch(files(1000, (i) => `${'x'.repeat(500)}-${i}`));
  expect(long.length).toBeLessThan(1000);
  expect(long.reduce((n, f) => n + f.key.length, 0)).toBeLessThanOrEqual(WATCH_BATCH_LIMITS.nameBytes);
  // One name longer than the bound still goes, alone.
  expect(firstBatch([{ key: 'y'.repeat(100_000) }, { key: 'z' }])).toHaveLength(1);
});
