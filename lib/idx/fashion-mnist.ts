import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionMnistFiles {
  readonly dir: string;
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/** The Fashion-MNIST IDX files: IMAGELAKE_DATASET_DIR, else the Debian package's directory. */
export function findFashionMnist(
  env: NodeJS.ProcessEnv = process.env,
  defaultDir = FASHION_MNIST_DEFAULT_DIR,
): FashionMnistFiles {
  const dirs = [env.IMAGELAKE_DATASET_DIR, defaultDir].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const file = (name: string) => [join(dir, `${name}.gz`), join(dir, name)].find(existsSync);
    const files = {
      trainImages: file('train-images-idx3-ubyte'),
      trainLabels: file('train-labels-idx1-ubyte'),
      testImages: file('t10k-images-idx3-ubyte'),
      testLabels: file('t10k-labels-idx1-ubyte'),
    };
    if (Object.values(files).every(Boolean)) return { dir, ...(files as Omit<FashionMnistFiles, 'dir'>) };
  }
  throw new UserError(
    `dataset: no Fashion-MNIST IDX files found in ${dirs.join(' or ')}: install the Debian package dataset-fashion-mnist (npm run setup does it) or set IMAGELAKE_DATASET_DIR`,
  );
}
