import { expect, it } from 'vitest';
import { chiSquareSurvival } from '../../../lib/drift/chi-square.js';
import { distributionDrift, worstLevel } from '../../../lib/drift/drift.js';

const names = ['a', 'b', 'c', 'd'];

it('is ok for the same distribution, alert for a stream of one class', () => {
  const same = distributionDrift(names, [100, 100, 100, 100], [50, 50, 50, 50]);
  expect(same.psi).toBeCloseTo(0, 10);
  expect(same.level).toBe('ok');
  expect(same.pValue).toBeCloseTo(1, 6);
  const oneClass = distributionDrift(names, [100, 100, 100, 100], [200, 0, 0, 0]);
  expect(oneClass.level).toBe('alert');
  expect(oneClass.pValue).toBeLessThan(1e-10);
  expect(oneClass.perCategory[0]!.current).toBeCloseTo(1, 3);
});

it('computes PSI by hand: (q - p) ln(q / p) summed', () => {
  const d = distributionDrift(['x', 'y'], [50, 50], [60, 40]);
  expect(d.psi).toBeCloseTo(0.1 * Math.log(0.6 / 0.5) + -0.1 * Math.log(0.4 / 0.5), 10);
  expect(d.level).toBe('ok');
  expect(distributionDrift(['x', 'y'], [50, 50], [68, 32]).level).toBe('warn');
  expect(worstLevel(['ok', 'warn', 'ok'])).toBe('warn');
});

it.each([
  [3.841, 1, 0.05],
  [5.991, 2, 0.05],
  [16.919, 9, 0.05],
  [21.666, 9, 0.01],
])('chi-square survival of %f with %i degrees of freedom is %f', (x, k, p) => {
  expect(chiSquareSurvival(x, k)).toBeCloseTo(p, 3);
});
