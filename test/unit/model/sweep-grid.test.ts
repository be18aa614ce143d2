import { expect, it } from 'vitest';
import { expandGrid, medianCurve, parseGridFlag, sampleGrid } from '../../../workflows/sweep-grid.js';

it('expands a grid in a stable order and samples without replacement', () => {
  expect(expandGrid({ lr: [0.1, 0.01], l2: [0, 1] })).toEqual([
    { l2: 0, lr: 0.1 },
    { l2: 0, lr: 0.01 },
    { l2: 1, lr: 0.1 },
    { l2: 1, lr: 0.01 },
  ]);
  let s = 0;
  const sample = sampleGrid(
    { a: [1, 2, 3], b: ['x', 'y'] },
    4,
    () => (s = (s * 9301 + 49297) % 233280) / 233280,
  );
  expect(sample).toHaveLength(4);
  expect(new Set(sample.map((c) => JSON.stringify(c))).size).toBe(4);
  expect(() => expandGrid({ lr: [] })).toThrow(/no values/);
});

it('parses --grid flags and computes the median curve of finished trials', () => {
  expect(parseGridFlag('lr=0.1, 0.01,0.001')).toEqual(['lr', [0.1, 0.01, 0.001]]);
  expect(parseGridFlag('optimizer=adam,sgd')).toEqual(['optimizer', ['adam', 'sgd']]);
  expect(() => parseGridFlag('lr')).toThrow(/expected --grid/);
  expect(medianCurve([[1, 0.5], [3, 0.7], [2]])).toEqual([2, 0.6]);
  expect(medianCurve([[1, 2]])).toEqual([]);
});
