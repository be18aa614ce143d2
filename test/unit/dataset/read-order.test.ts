import { describe, expect, it } from 'vitest';
import { readOrder, type FileGroup, type ReadWindow } from '../../../lib/dataset/read-order.js';
import { classMix, classShares } from './class-mix.js';

/** `files` batch files of `perFile` members each, `bytes` decoded bytes per file. */
function files(count: number, perFile: number, bytes = perFile * 784): FileGroup[] {
  return Array.from({ length: count }, (_, i) => ({ start: i * perFile, end: (i + 1) * perFile, bytes }));
}

const order = (windows: readonly ReadWindow[]) => windows.flatMap((w) => [...w.members]);

/** A lake written class by class: 10 classes of 2,000 images in files of 500 (one class per file). */
const CLASSES = 10;
const sorted = files(40, 500);
const classOf = (m: number) => Math.floor(m / 2000);

describe('readOrder', () => {
  it('reads file by file in file order when not shuffled', () => {
    const windows = readOrder(files(3, 2));
    expect(windows.map((w) => w.files)).toEqual([[0], [1], [2]]);
    expect(order(windows)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('permutes a split that fits the window whole: every member once, the same for a seed', () => {
    const a = readOrder(sorted, { seed: 7 });
    expect(a).toHaveLength(1);
    expect([...a[0]!.files].sort((x, y) => x - y)).toEqual(sorted.map((_, i) => i));
    expect(order(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(order(readOrder(sorted, { seed: 7 }))).toEqual(order(a));
    expect(order(readOrder(sorted, { seed: 8 }))).not.toEqual(order(a));
  });

  it('gives every batch of a class-sorted split the class mix of a uniform draw', () => {
    // A uniform draw of 128 from 10 equal classes: chi-square with 9 degrees of freedom, mean 9.
    // The shuffle buffer this replaced gave batches of two or three classes (chi-square in the hundreds).
    for (const seed of [1, 2, 3]) {
      const mix = classMix(order(readOrder(sorted, { seed })), classOf, CLASSES, 128);
      expect(mix.meanChiSquare).toBeLessThan(11);
      expect(mix.fewestClasses).toBeGreaterThanOrEqual(8);
    }
  });

  it('puts every member anywhere in the epoch alike: each class spread evenly over its tenths', () => {
    // Over 20 seeds, each tenth of the epoch holds about a tenth of each class (uniform positions).
    const counts = Array.from({ length: 10 }, () => new Array<number>(CLASSES).fill(0));
    for (let seed = 0; seed < 20; seed++)
      order(readOrder(sorted, { seed })).forEach((m, position) => {
        counts[Math.floor(position / 2000)]![classOf(m)]!++;
      });
    const expected = 20 * 200; // 20 epochs x 2,000 positions per tenth / 10 classes
    for (const tenth of counts)
      for (const n of tenth) expect(Math.abs(n - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('cuts a split larger than the window into windows of whole files, each permuted, each file once', () => {
    const windows = readOrder(sorted, { seed: 3, windowBytes: 10 * 500 * 784 });
    expect(windows).toHaveLength(4);
    for (const w of windows) {
      expect(w.files).toHaveLength(10);
      const own = w.files.flatMap((f) => Array.from({ length: 500 }, (_, k) => sorted[f]!.start + k));
      expect([...w.members].sort((x, y) => x - y)).toEqual(own.sort((x, y) => x - y));
    }
    expect(windows.flatMap((w) => w.files).sort((x, y) => x - y)).toEqual(sorted.map((_, i) => i));
    // Each window's batches are uniform draws from its files' classes (df = its classes - 1).
    for (const w of windows) {
      const share = classShares([...w.members], classOf, CLASSES);
      const classes = share.filter((s) => s > 0).length;
      const mix = classMix([...w.members], classOf, CLASSES, 128, share);
      expect(mix.meanChiSquare).toBeLessThan(classes - 1 + 2);
      expect(mix.fewestClasses).toBe(classes);
    }
  });

  it('holds a file larger than the window alone, and refuses a window of no bytes', () => {
    const windows = readOrder(files(3, 4, 100), { seed: 1, windowBytes: 50 });
    expect(windows.map((w) => w.files.length)).toEqual([1, 1, 1]);
    expect(() => readOrder(sorted, { seed: 1, windowBytes: 0 })).toThrow(
      'dataset: expected a shuffle window of more than 0 bytes, got 0',
    );
  });
});
