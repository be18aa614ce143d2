/** Bounds on the work one prediction request may ask for; past either the answer is 413. */
export interface RequestLimits {
  /** Images in one request. Default 256. */
  readonly maxImages: number;
  /**
   * Pixels one request may decode, summed over its images as their headers declare them (an
   * image that would pass the sum is refused before it is decoded). Default 50,000,000: a few
   * photos, or the largest single image (40,000,000 pixels) with room to spare.
   */
  readonly maxPixels: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxImages: 256, maxPixels: 50_000_000 };
