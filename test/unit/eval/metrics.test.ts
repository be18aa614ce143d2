import { describe, expect, it } from 'vitest';
import { computeMetrics, gateDecision, mcnemar, statsText, wilsonInterval } from '../../../lib/eval/index.js';

// Six examples, three classes; the predicted class gets 0.7, the next class 0.2, the other 0.1.
const classes = ['a', 'b', 'c'];
const labels = Int32Array.from([0, 0, 0, 1, 1, 2]);
const predicted = [0, 0, 1, 1, 2, 2];
const probs = Float32Array.from(
  predicted.flatMap((p) => [0, 1, 2].map((c) => (c === p ? 0.7 : c === (p + 1) % 3 ? 0.2 : 0.1))),
);

describe('metrics on a small fixed confusion matrix (hand-computed)', () => {
  const m = computeMetrics(labels, probs, classes);
  it('confusion, accuracy, per class', () => {
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 10);
    expect(m.perClass.map((c) => [c.precision, c.recall, c.support])).toEqual([
      [1, 2 / 3, 3],
      [0.5, 0.5, 2],
      [0.5, 1, 1],
    ]);
    expect(m.perClass[0]!.f1).toBeCloseTo(0.8, 10);
    expect(m.perClass[2]!.f1).toBeCloseTo(2 / 3, 10);
  });
  it('macro and weighted averages, top-2, log loss, calibration', () => {
    expect(m.macro.precision).toBeCloseTo(2 / 3, 10);
    expect(m.macro.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 10);
    expect(m.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
    expect(m.weighted.precision).toBeCloseTo(0.75, 10);
    expect(m.top2Accuracy).toBeCloseTo(4 / 6, 10);
    expect(m.logLoss).toBeCloseTo((4 * -Math.log(0.7) + 2 * -Math.log(0.1)) / 6, 5);
    expect(m.ece).toBeCloseTo(Math.abs(4 / 6 - 0.7), 5);
    expect(m.errorRate).toBeCloseTo(2 / 6, 10);
  });
  it('prints DL4J-style stats: one line per non-zero cell, then the Scores block', () => {
    const text = statsText(m, classes);
    expect(text).toContain('Examples labeled as a classified by model as b: 1 times');
    expect(text).toContain('Examples labeled as a classified by model as a: 2 times');
    expect(text).not.toContain('classified by model as c: 0 times');
    expect(text).toMatch(
      /=+Scores=+\n # of classes:\s+3\n Accuracy:\s+0\.6667\n Precision:\s+0\.6667\t\(macro/,
    );
  });
  it('never divides by zero: a class never predicted and never seen scores 0', () => {
    const z = computeMetrics(Int32Array.from([0, 0]), Float32Array.from([0.9, 0.1, 0, 0.8, 0.2, 0]), classes);
    expect(z.perClass[2]).toEqual({ name: 'c', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(Number.isFinite(z.macro.f1)).toBe(true);
  });
});

describe('statistics against known values', () => {
  it.each([
    [5, 10, 0.2366, 0.7634],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
  ])('Wilson interval of %i/%i', (k, n, lo, hi) => {
    const [a, b] = wilsonInterval(k, n);
    expect(a).toBeCloseTo(lo, 4);
    expect(b).toBeCloseTo(hi, 4);
  });
  it('McNemar: exact binomial for few discordant pairs, corrected chi-square otherwise', () => {
    expect(mcnemar(10, 2)).toMatchObject({ method: 'exact' });
    expect(mcnemar(10, 2).pValue).toBeCloseTo(158 / 4096, 6);
    const big = mcnemar(30, 10);
    expect(big.method).toBe('chi2-corrected');
    expect(big.statistic).toBeCloseTo(9.025, 6);
    expect(big.pValue).toBeCloseTo(0.002663, 5);
    expect(mcnemar(0, 0).pValue).toBe(1);
  });
});

describe('the promotion gate', () => {
  const good = computeMetrics(
    labels,
    Float32Array.from(Array.from(labels).flatMap((l) => [0, 1, 2].map((c) => (c === l ? 0.9 : 0.05)))),
    classes,
  );
  const bad = computeMetrics(labels, probs, classes);
  it('accepts a better model and refuses a worse one, with a reason per check', () => {
    const config = { maxErrorRate: 0.1, tolerance: 0.01, minClassRecall: 0.5 };
    expect(gateDecision(good, bad, config)).toMatchObject({ promote: true });
    const refused = gateDecision(bad, good, config);
    expect(refused.promote).toBe(false);
    expect(refused.reasons.join('\n')).toMatch(/FAIL: error rate 0\.3333 >= acceptable 0\.1000/);
    expect(refused.reasons.join('\n')).toMatch(/FAIL: error rate 0\.3333 vs production 0\.0000/);
    expect(refused.reasons.join('\n')).toMatch(/FAIL: recall of a 0\.6667 < production 1\.0000/);
  });
  it('refuses a class below the minimum recall even when the error level passes', () => {
    const d = gateDecision(bad, null, { maxErrorRate: 0.5, tolerance: 0, minClassRecall: 0.6 });
    expect(d.promote).toBe(false);
    expect(d.reasons).toContain('FAIL: recall of b 0.5000 < minimum 0.6000');
  });
});
