import { openIdxPair } from '../../lib/idx/index.js';
import type { LabeledBatch } from '../../lib/model/index.js';

/** An IDX pair in memory: pixels scaled to [0, 1], row-major per image. */
export interface Split {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly count: number;
}

export async function loadSplit(images: string, labels: string): Promise<Split> {
  const idx = await openIdxPair(images, labels);
  const x = new Float32Array(idx.count * 784);
  const y = new Int32Array(idx.count);
  for (let i = 0; i < idx.count; i++) {
    const image = idx.image(i);
    for (let p = 0; p < 784; p++) x[i * 784 + p] = image[p]! / 255;
    y[i] = idx.label(i);
  }
  return { x, y, count: idx.count };
}

/** Batches assembled in typed arrays, in `order` (file order when omitted), as the reader gives them. */
export function batchesOf(
  split: Split,
  size: number,
  count = split.count,
  order?: readonly number[],
): LabeledBatch[] {
  const out: LabeledBatch[] = [];
  for (let s = 0; s < count; s += size) {
    const n = Math.min(size, count - s);
    const x = new Float32Array(n * 784);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = order ? order[s + i]! : s + i;
      x.set(split.x.subarray(k * 784, (k + 1) * 784), i * 784);
      y[i] = split.y[k]!;
    }
    out.push({ x, y, n });
  }
  return out;
}
