import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assignSplits, parseSplitSpec, splitOf, type SplitName } from '../../../lib/dataset/splits.js';

const sha = (i: number) => createHash('sha256').update(String(i)).digest('hex');
const members = (n: number, from = 0, classes = 3) =>
  Array.from({ length: n }, (_, k) => ({ sha256: sha(from + k), label: `c${(from + k) % classes}` }));
const spec = { train: 0.8, val: 0.1, test: 0.1 };

describe('split specs', () => {
  it.each([
    ['train=0.8,val=0.1,test=0.1', { train: 0.8, val: 0.1, test: 0.1 }],
    ['train=0.9,test=0.1', { train: 0.9, val: 0, test: 0.1 }],
    [' train = 1 ', { train: 1, val: 0, test: 0 }],
  ])('parses %s', (text, expected) => expect(parseSplitSpec(text)).toEqual(expected));

  it.each([
    ['train=0.8,val=0.1', /sum to 1/],
    ['train=0.8,dev=0.2', /unknown split "dev"/],
    ['train=abc,test=1', /fraction/],
    ['train=-0.5,test=1.5', /fraction/],
  ])('refuses %s', (text, message) => expect(() => parseSplitSpec(text)).toThrow(message));

  it('never assigns a split with fraction 0', () => {
    expect(splitOf(0.95, { train: 0.9, val: 0.1, test: 0 })).toBe('val');
    expect(splitOf(0.999999, { train: 0.5, val: 0.5, test: 0 })).toBe('val');
  });
});

describe('split assignment', () => {
  it('is stable: members keep their split when images are added', () => {
    const before = members(2000);
    const after = [...members(500, 5000), ...before];
    const a = assignSplits(before, spec, { seed: 7, stratify: false });
    const b = assignSplits(after, spec, { seed: 7, stratify: false });
    expect(b.slice(500)).toEqual(a);
  });

  it('follows the fractions and depends on the seed', () => {
    const a = assignSplits(members(10_000), spec, { seed: 1, stratify: false });
    const count = (s: SplitName[], n: SplitName) => s.filter((x) => x === n).length;
    expect(count(a, 'train')).toBeGreaterThan(7800);
    expect(count(a, 'train')).toBeLessThan(8200);
    expect(count(a, 'test')).toBeGreaterThan(900);
    const b = assignSplits(members(10_000), spec, { seed: 2, stratify: false });
    expect(b).not.toEqual(a);
  });

  it('stratified: every class gets the fractions exactly, and previous members keep their split', () => {
    const first = members(3000);
    const splits = assignSplits(first, spec, { seed: 1, stratify: true });
    for (const c of ['c0', 'c1', 'c2']) {
      const ofClass = splits.filter((_, i) => first[i]!.label === c);
      expect(ofClass.filter((s) => s === 'train')).toHaveLength(800);
      expect(ofClass.filter((s) => s === 'val')).toHaveLength(100);
    }
    const previous = new Map(first.map((m, i) => [m.sha256, splits[i]!]));
    const grown = [...first, ...members(300, 9000)];
    const again = assignSplits(grown, spec, { seed: 1, stratify: true, previous });
    expect(again.slice(0, 3000)).toEqual(splits);
    for (const c of ['c0', 'c1', 'c2']) {
      const ofClass = again.filter((_, i) => grown[i]!.label === c);
      expect(ofClass.filter((s) => s === 'train')).toHaveLength(880);
    }
  });
});
