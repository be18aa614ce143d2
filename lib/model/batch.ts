import { UserError } from '../errors.js';

/** A batch of n flat images, row-major (n * inputs values), and their class indexes. */
export interface LabeledBatch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

/** Checks a batch against the model's input size and classes before any tensor is made. */
export function checkBatch(b: LabeledBatch, inputs: number, classes: number, labeled = true): void {
  if (!Number.isInteger(b.n) || b.n < 1)
    throw new Error(`model: expected a batch of at least 1 image, got n=${b.n}`);
  if (b.x.length !== b.n * inputs)
    throw new UserError(
      `model: the network takes ${inputs} values per image, got ${b.x.length / b.n} (${b.x.length} for ${b.n} images): the image size does not fit the model`,
    );
  if (!labeled) return;
  if (b.y.length < b.n) throw new Error(`model: expected ${b.n} labels, got ${b.y.length}`);
  for (let i = 0; i < b.n; i++) {
    const label = b.y[i]!;
    if (!(label >= 0 && label < classes))
      throw new UserError(
        `model: label ${label} of image ${i} is outside the ${classes} classes (unlabeled images cannot train)`,
      );
  }
}
