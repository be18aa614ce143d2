/** What the reader needs of one decoded record. */
export interface CachedImage {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Decoded batch files kept for the next pass over the same members (training epochs and
 * validation), so each file is fetched, checked, inflated and decoded once per training rather
 * than once per epoch. Files past the byte budget are not kept: the reader streams them again.
 */
export class BatchCache {
  readonly #files = new Map<string, readonly CachedImage[]>();
  #bytes = 0;

  constructor(readonly budgetBytes: number) {}

  get(key: string): readonly CachedImage[] | undefined {
    return this.#files.get(key);
  }

  /** Keeps a file's images when they fit in what is left of the budget. */
  offer(key: string, images: readonly CachedImage[]): void {
    if (this.#files.has(key)) return;
    const bytes = images.reduce((sum, i) => sum + i.pixels.length, 0);
    if (this.#bytes + bytes > this.budgetBytes) return;
    // only what the reader uses: a decoded record also holds its strings (source, sha256, ...)
    this.#files.set(
      key,
      images.map(({ pixels, width, height }) => ({ pixels, width, height })),
    );
    this.#bytes += bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
