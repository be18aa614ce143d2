import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, findFashionMnist, findFashionMnistDir } from '../../../lib/idx/index.js';
import { dir } from './idx-files.js';

const NAMES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

/** A directory with the four files, gzipped or not. */
function datasetDir(name: string, gz: (file: string) => boolean): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const file of NAMES) writeFileSync(join(path, gz(file) ? `${file}.gz` : file), '');
  return path;
}

describe('Fashion-MNIST files', () => {
  it('has the ten class names in label order', () => {
    expect(FASHION_MNIST_CLASSES).toHaveLength(10);
    expect([FASHION_MNIST_CLASSES[0], FASHION_MNIST_CLASSES[9]]).toEqual(['T-shirt/top', 'Ankle boot']);
  });

  it('prefers IMAGELAKE_DATASET_DIR, gzipped or not', () => {
    const own = datasetDir('own', (f) => f.startsWith('train'));
    const files = findFashionMnist({ IMAGELAKE_DATASET_DIR: own }, join(dir, 'none'));
    expect(files).toEqual({
      dir: own,
      trainImages: join(own, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(own, 'train-labels-idx1-ubyte.gz'),
      testImages: join(own, 't10k-images-idx3-ubyte'),
      testLabels: join(own, 't10k-labels-idx1-ubyte'),
    });
    expect(findFashionMnistDir({ IMAGELAKE_DATASET_DIR: own })).toBe(own);
  });

  it('falls back to the Debian package directory when IMAGELAKE_DATASET_DIR lacks the files', () => {
    expect(findFashionMnistDir({ IMAGELAKE_DATASET_DIR: dir })).toBe('/usr/share/datasets/fashion-mnist');
    expect(findFashionMnistDir({})).toBe('/usr/share/datasets/fashion-mnist');
  });

  it('says what to do when no directory has them', () => {
    expect(() => findFashionMnistDir({ IMAGELAKE_DATASET_DIR: dir }, join(dir, 'none'))).toThrow(
      `dataset: no Fashion-MNIST IDX files found in ${dir}, ${join(dir, 'none')}; install the Debian package dataset-fashion-mnist (npm run setup does it) or set IMAGELAKE_DATASET_DIR`,
    );
  });
});
