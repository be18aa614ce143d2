import type { ImagePixels } from '../avro/image-type.js';
import { BudgetLru } from '../util/budget-lru.js';

/**
 * Decoded batch files kept for later passes over them: the epochs and validation of a training,
 * and the trials of a sweep that a worker runs one after another on the same dataset. Each file is
 * fetched, checked, inflated and decoded once while it stays here. Keyed by the file's key and
 * sha256 (the content the reader checked); past the byte budget the least recently used files go.
 */
export class BatchCache {
  readonly #files: BudgetLru<readonly ImagePixels[]>;

  constructor(readonly budgetBytes: number) {
    this.#files = new BudgetLru(budgetBytes);
  }

  has(key: string): boolean {
    return this.#files.has(key);
  }

  get(key: string): readonly ImagePixels[] | undefined {
    return this.#files.get(key);
  }

  /**
   * Keeps a file's images, copied into one buffer (decoded pixels are views into the inflated
   * blocks, which also hold every record's strings, so keeping the views would hold more memory
   * than the budget counts), making room by dropping the least recently used files. A reader that
   * still holds a dropped file's images keeps them until it is done.
   */
  offer(key: string, images: readonly ImagePixels[]): void {
    if (this.#files.has(key)) return;
    const bytes = sizeOf(images);
    if (bytes > this.budgetBytes) return;
    const all = Buffer.allocUnsafeSlow(images.reduce((sum, i) => sum + i.pixels.length, 0));
    let at = 0;
    const kept = images.map(({ image_id, width, height, pixels }) => {
      all.set(pixels, at);
      at += pixels.length;
      return { image_id, width, height, pixels: all.subarray(at - pixels.length, at) };
    });
    this.#files.set(key, kept, bytes);
  }

  get bytes(): number {
    return this.#files.bytes;
  }

  get files(): number {
    return this.#files.size;
  }
}

/** Pixels plus each id string (about its length and a V8 string header). */
function sizeOf(images: readonly ImagePixels[]): number {
  return images.reduce((sum, i) => sum + i.pixels.length + i.image_id.length + 16, 0);
}
