import { expect, it } from 'vitest';
import { balancedRanges } from '../../../lib/ingest/plan.js';

it('splits items into balanced chunks whose count fills every round of parallel slots', () => {
  const sizes = (n: number, size: number, slots: number) =>
    balancedRanges(n, size, slots).map((r) => r.end - r.start);
  expect(sizes(100_000, 8192, 4)).toEqual(Array(16).fill(6250)); // not 13 chunks with 3 idle slots at the end
  expect(sizes(10, 4, 4)).toEqual([3, 3, 2, 2]);
  expect(sizes(3, 100, 4)).toEqual([1, 1, 1]); // never an empty chunk
  expect(sizes(1200, 100, 4)).toEqual(Array(12).fill(100));
  expect(sizes(0, 100, 4)).toEqual([]);
  const ranges = balancedRanges(70_001, 5000, 3);
  expect(ranges[0]!.start).toBe(0);
  expect(ranges.at(-1)!.end).toBe(70_001);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
  expect(ranges.length % 3).toBe(0);
  expect(Math.max(...ranges.map((r) => r.end - r.start))).toBeLessThanOrEqual(5000);
});
