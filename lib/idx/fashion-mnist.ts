import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

/** Where the Debian package dataset-fashion-mnist installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names of Fashion-MNIST, by label value 0..9. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export interface FashionMnistFiles {
  readonly dir: string;
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

const NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * The four Fashion-MNIST IDX files (gzipped or not): in IMAGELAKE_DATASET_DIR when it has them,
 * else in the Debian package's directory.
 */
export function findFashionMnist(
  env: NodeJS.ProcessEnv = process.env,
  defaultDir = FASHION_MNIST_DEFAULT_DIR,
): FashionMnistFiles {
  const dirs = [env.IMAGELAKE_DATASET_DIR, defaultDir].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const files = filesIn(dir);
    if (files) return files;
  }
  throw new UserError(
    `dataset: no Fashion-MNIST IDX files found in ${dirs.join(', ')}; install the Debian package dataset-fashion-mnist (npm run setup does it) or set IMAGELAKE_DATASET_DIR`,
  );
}

/** The directory findFashionMnist picks. */
export function findFashionMnistDir(
  env: NodeJS.ProcessEnv = process.env,
  defaultDir = FASHION_MNIST_DEFAULT_DIR,
): string {
  return findFashionMnist(env, defaultDir).dir;
}

function filesIn(dir: string): FashionMnistFiles | undefined {
  const entries = Object.entries(NAMES).map(([key, name]) => [
    key,
    [join(dir, `${name}.gz`), join(dir, name)].find((path) => existsSync(path)),
  ]);
  if (!entries.every(([, path]) => path)) return undefined;
  return { dir, ...(Object.fromEntries(entries) as Omit<FashionMnistFiles, 'dir'>) };
}
