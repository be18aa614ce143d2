import { UserError } from '../errors.js';
import { readIdxFile } from './idx-file.js';

/** An MNIST-format data set: N images of rows x cols uint8 pixels, and optionally N uint8 labels. */
export interface IdxPair {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly hasLabels: boolean;
  /** Image i's pixels, row-major: a view into the file's buffer, not a copy. */
  image(i: number): Uint8Array;
  /** Label i (0-255); throws when the pair has no labels file. */
  label(i: number): number;
}

/**
 * Opens an IDX images file (magic 0x00000803) and its labels file (0x00000801), gzipped or not,
 * checking magics, lengths and that both hold the same number of items. Files are held in memory
 * (Fashion-MNIST's training images: 47 MB).
 */
export async function openIdxPair(imagesPath: string, labelsPath: string | null): Promise<IdxPair> {
  const [images, labels] = await Promise.all([
    readIdxFile(imagesPath, 'images'),
    labelsPath === null ? null : readIdxFile(labelsPath, 'labels'),
  ]);
  const [count = 0, rows = 0, cols = 0] = images.dims;
  const labelCount = labels?.dims[0];
  if (labels && labelCount !== count)
    throw new UserError(`idx: ${labels.path} has ${labelCount} labels but ${imagesPath} has ${count} images`);
  const size = rows * cols;
  const check = (i: number, what: string) => {
    if (!(Number.isInteger(i) && i >= 0 && i < count))
      throw new RangeError(`idx: ${what} ${i} out of range 0..${count - 1} of ${imagesPath}`);
  };
  return {
    count,
    rows,
    cols,
    hasLabels: labels !== null,
    image: (i) => {
      check(i, 'image');
      return images.data.subarray(i * size, (i + 1) * size);
    },
    label: (i) => {
      if (!labels) throw new Error(`idx: no labels file for ${imagesPath}`);
      check(i, 'label');
      return labels.data[i]!;
    },
  };
}
