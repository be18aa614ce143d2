import type { ImagePixels } from '../avro/image-type.js';

/**
 * Decoded batch files kept for the next pass over the same members (training epochs and
 * validation), so each file is fetched, checked, inflated and decoded once per training rather
 * than once per epoch. Files past the byte budget are not kept: the reader streams them again.
 */
export class BatchCache {
  readonly #files = new Map<string, readonly ImagePixels[]>();
  #bytes = 0;

  constructor(readonly budgetBytes: number) {}

  get(key: string): readonly ImagePixels[] | undefined {
    return this.#files.get(key);
  }

  /**
   * Keeps a file's images when they fit in what is left of the budget, copied into one buffer:
   * decoded pixels are views into the inflated blocks, which also hold every record's strings,
   * so keeping the views would hold more memory than the budget counts.
   */
  offer(key: string, images: readonly ImagePixels[]): void {
    if (this.#files.has(key)) return;
    const bytes = images.reduce((sum, i) => sum + i.pixels.length, 0);
    if (this.#bytes + bytes > this.budgetBytes) return;
    const all = Buffer.allocUnsafeSlow(bytes);
    let at = 0;
    const kept = images.map(({ width, height, pixels }) => {
      all.set(pixels, at);
      at += pixels.length;
      return { width, height, pixels: all.subarray(at - pixels.length, at) };
    });
    this.#files.set(key, kept);
    this.#bytes += bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
