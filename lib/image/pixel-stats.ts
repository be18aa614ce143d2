/**
 * Median of the outermost ring of one channel's pixels (channels interleaved): the background
 * level, robust to strokes touching the edge.
 */
export function borderLevel(p: Uint8Array, w: number, h: number, channels = 1, channel = 0): number {
  // One histogram for every call (this runs per ingested image), cleared before use.
  const histogram = borderHistogram.fill(0);
  const row = w * channels;
  const lastRow = (h - 1) * row;
  for (let i = channel; i < row; i += channels) {
    histogram[p[i]!]!++;
    if (h > 1) histogram[p[lastRow + i]!]!++;
  }
  for (let y = 1; y < h - 1; y++) {
    const first = y * row + channel;
    histogram[p[first]!]!++;
    if (w > 1) histogram[p[first + row - channels]!]!++;
  }
  const n = (h > 1 ? 2 * w : w) + (w > 1 ? 2 : 1) * Math.max(0, h - 2);
  for (let v = 0, seen = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen * 2 >= n) return v;
  }
  return 0;
}

const borderHistogram = new Uint32Array(256);

/** Mean and standard deviation of 8-bit values on a 0..1 scale. */
export function meanStd(p: Uint8Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    sum += v;
    sq += v * v;
  }
  const mean = sum / p.length / 255;
  return { mean, std: Math.sqrt(Math.max(0, sq / p.length / 65025 - mean * mean)) };
}
