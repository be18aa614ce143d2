import type { ImagePixels } from '../avro/image-type.js';

/**
 * Decoded batch files kept for later passes over them: the epochs and validation of a training,
 * and the trials of a sweep that a worker runs one after another on the same dataset. Each file is
 * fetched, checked, inflated and decoded once while it stays here. Keyed by the file's key and
 * sha256 (the content the reader checked); past the byte budget the least recently used files go.
 */
export class BatchCache {
  readonly #files = new Map<string, readonly ImagePixels[]>();
  #bytes = 0;

  constructor(readonly budgetBytes: number) {}

  has(key: string): boolean {
    return this.#files.has(key);
  }

  get(key: string): readonly ImagePixels[] | undefined {
    const images = this.#files.get(key);
    if (images) {
      // most recently used last: a Map keeps insertion order
      this.#files.delete(key);
      this.#files.set(key, images);
    }
    return images;
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
    const pixelBytes = images.reduce((sum, i) => sum + i.pixels.length, 0);
    if (bytes > this.budgetBytes) return;
    for (const [oldest, old] of this.#files) {
      if (this.#bytes + bytes <= this.budgetBytes) break;
      this.#files.delete(oldest);
      this.#bytes -= sizeOf(old);
    }
    const all = Buffer.allocUnsafeSlow(pixelBytes);
    let at = 0;
    const kept = images.map(({ image_id, width, height, pixels }) => {
      all.set(pixels, at);
      at += pixels.length;
      return { image_id, width, height, pixels: all.subarray(at - pixels.length, at) };
    });
    this.#files.set(key, kept);
    this.#bytes += bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get files(): number {
    return this.#files.size;
  }
}

/** Pixels plus each id string (about its length and a V8 string header). */
function sizeOf(images: readonly ImagePixels[]): number {
  return images.reduce((sum, i) => sum + i.pixels.length + i.image_id.length + 16, 0);
}
