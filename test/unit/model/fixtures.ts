import { findFashionMnist, openIdxPair, type IdxPair } from '../../../lib/idx/index.js';
import type { LabeledBatch } from '../../../lib/model/index.js';

let pair: Promise<IdxPair> | undefined;

/** Real Fashion-MNIST training images as batches (pixels / 255), in file order. */
export async function fashionBatches(
  start: number,
  count: number,
  batchSize: number,
): Promise<LabeledBatch[]> {
  const fm = findFashionMnist();
  const idx = await (pair ??= openIdxPair(fm.trainImages, fm.trainLabels));
  const out: LabeledBatch[] = [];
  for (let s = start; s < start + count; s += batchSize) {
    const n = Math.min(batchSize, start + count - s);
    const x = new Float32Array(n * 784);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const image = idx.image(s + i);
      for (let p = 0; p < 784; p++) x[i * 784 + p] = image[p]! / 255;
      y[i] = idx.label(s + i);
    }
    out.push({ x, y, n });
  }
  return out;
}

/** The batches as an async stream, as the dataset reader delivers them. */
export async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
