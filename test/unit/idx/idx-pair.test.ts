import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, findFashionMnist, openIdxPair } from '../../../lib/idx/index.js';
import { dir, idxFile, rawFile } from './idx-files.js';
import { reliability } from '../../reliability/tally.js';

const fixtures = fileURLToPath(new URL('../../fixtures/idx/', import.meta.url));
const tiny = JSON.parse(readFileSync(join(fixtures, 'tiny.json'), 'utf8')) as {
  count: number;
  rows: number;
  cols: number;
  labels: number[];
  images: number[][];
};
const IMAGES = 0x803;
const LABELS = 0x801;

describe('IDX pairs', () => {
  it.each(['', '.gz'])('reads the tiny fixture pair%s', async (ext) => {
    const pair = await openIdxPair(
      join(fixtures, `tiny-images-idx3-ubyte${ext}`),
      join(fixtures, `tiny-labels-idx1-ubyte${ext}`),
    );
    expect([pair.count, pair.rows, pair.cols, pair.hasLabels]).toEqual([
      tiny.count,
      tiny.rows,
      tiny.cols,
      true,
    ]);
    expect(tiny.images.map((_, i) => [...pair.image(i)])).toEqual(tiny.images);
    expect(tiny.labels.map((_, i) => pair.label(i))).toEqual(tiny.labels);
  });

  it.each([
    ['test', 'testImages', 'testLabels', 10_000],
    ['training', 'trainImages', 'trainLabels', 60_000],
  ] as const)(
    'reads the real Fashion-MNIST %s set (gzipped): balanced classes',
    async (_name, images, labels, count) => {
      const files = findFashionMnist();
      const pair = await openIdxPair(files[images], files[labels]);
      expect([pair.count, pair.rows, pair.cols]).toEqual([count, 28, 28]);
      const perClass = new Array<number>(10).fill(0);
      for (let i = 0; i < pair.count; i++) perClass[pair.label(i)]!++;
      expect(perClass).toEqual(new Array(10).fill(count / 10));
      if (count === 10_000) expect(FASHION_MNIST_CLASSES[pair.label(0)]).toBe('Ankle boot');
    },
  );

  it('hands out views into the file, not copies', async () => {
    const pair = await openIdxPair(join(fixtures, 'tiny-images-idx3-ubyte'), null);
    expect(pair.image(2).buffer).toBe(pair.image(0).buffer);
    expect(pair.image(1).byteOffset - pair.image(0).byteOffset).toBe(tiny.rows * tiny.cols);
  });

  it.each([
    ['an image index past the end', (p: Pair) => p.image(3), /^idx: image 3 out of range 0..2 of /],
    ['a negative label index', (p: Pair) => p.label(-1), /^idx: label -1 out of range 0..2 of /],
    ['a fractional index', (p: Pair) => p.image(0.5), /^idx: image 0.5 out of range/],
  ])('refuses %s', async (_name, call, message) => {
    reliability('bad-input');
    const pair = await openIdxPair(
      join(fixtures, 'tiny-images-idx3-ubyte'),
      join(fixtures, 'tiny-labels-idx1-ubyte'),
    );
    expect(() => call(pair)).toThrow(message);
  });

  it('refuses labels when opened without a labels file', async () => {
    const pair = await openIdxPair(join(fixtures, 'tiny-images-idx3-ubyte'), null);
    expect(pair.hasLabels).toBe(false);
    expect(() => pair.label(0)).toThrow(/^idx: no labels file for .*tiny-images-idx3-ubyte$/);
  });
});

type Pair = Awaited<ReturnType<typeof openIdxPair>>;

describe('IDX pairs: bad input gives a clear error naming the file', () => {
  const labels3 = () => idxFile('labels3', LABELS, [3], 3);
  it.each([
    [
      'truncated images',
      () => [idxFile('a', IMAGES, [3, 2, 2], 11), null],
      /^idx: .*\/a is truncated: header says 3 images of 2x2, file has room for 2$/,
    ],
    [
      'truncated labels',
      () => [idxFile('b', IMAGES, [3, 1, 1], 3), idxFile('b-l', LABELS, [3], 2)],
      /^idx: .*\/b-l is truncated: header says 3 labels, file has room for 2$/,
    ],
    [
      'bytes after the data',
      () => [idxFile('c', IMAGES, [3, 2, 2], 13), null],
      /^idx: .*\/c has 1 bytes after the 3 images of 2x2 its header declares$/,
    ],
    [
      'a labels file given as images',
      () => [labels3(), null],
      /^idx: .*\/labels3 is not an IDX images file \(magic 0x00000801, expected magic 0x00000803\)$/,
    ],
    [
      'an images file given as labels',
      () => [idxFile('d', IMAGES, [3, 1, 1], 3), idxFile('d-l', IMAGES, [3, 1, 1], 3)],
      /d-l is not an IDX labels file \(magic 0x00000803/,
    ],
    [
      'float pixels',
      () => [idxFile('e', 0xd03, [1, 1, 1], 4), null],
      /e is not an IDX images file \(magic 0x00000d03, expected magic 0x00000803\)$/,
    ],
    [
      'a file of two bytes',
      () => [rawFile('f', Buffer.from([0, 0])), null],
      /f is not an IDX images file \(2 bytes, expected magic 0x00000803\)$/,
    ],
    [
      'a header cut short',
      () => [rawFile('g', Buffer.from([0, 0, 8, 3, 0, 0, 0, 1])), null],
      /g is truncated inside its header \(8 bytes\)$/,
    ],
    [
      'images of zero columns',
      () => [idxFile('h', IMAGES, [3, 28, 0]), null],
      /h declares 3 images of 28x0: empty items$/,
    ],
    [
      'more labels than images',
      () => [idxFile('i', IMAGES, [2, 1, 1], 2), labels3()],
      /^idx: .*\/labels3 has 3 labels but .*\/i has 2 images$/,
    ],
    [
      'a broken gzip file',
      () => [rawFile('j.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8])), null],
      /^idx: .*\/j.gz is not a valid gzip file: /,
    ],
    ['a missing images file', () => [join(dir, 'nope'), null], /^idx: cannot read .*\/nope: ENOENT$/],
    [
      'a missing labels file',
      () => [idxFile('k', IMAGES, [1, 1, 1], 1), join(dir, 'nope-l')],
      /^idx: cannot read .*\/nope-l: ENOENT$/,
    ],
  ])('%s', async (_name, make, message) => {
    reliability('bad-input');
    const [images, labels] = make() as [string, string | null];
    await expect(openIdxPair(images, labels)).rejects.toThrow(message);
  });
});
