import { expect, it } from 'vitest';
import {
  ashaCurve,
  expandGrid,
  medianCurve,
  parseGridFlag,
  sampleGrid,
} from '../../../workflows/sweep-grid.js';

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

it('ASHA keeps the best third at rungs 1, 3, 9 and stops nothing between them', () => {
  const curves = [
    [1, 0.9, 0.8],
    [2, 1.9, 1.8],
    [3, 2.9, 2.8],
    [4, 3.9, 3.8],
    [5, 4.9, 4.8],
    [6, 5.9, 5.8],
  ];
  expect(ashaCurve(curves)).toEqual([2, Number.MAX_VALUE, 1.8]);
  expect(ashaCurve(curves.slice(0, 2))).toEqual([]);
});
