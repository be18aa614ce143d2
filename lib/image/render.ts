import { defaultInputLimits, type InputLimits } from './input.js';
import { normalizeImageNow, type NormalizedImage, type NormalizeOptions } from './normalize.js';
import { renderColorNow } from './render-color.js';
import type { RenditionSpec } from './rendition-spec.js';

/** An image made to a rendition spec: width*height*channels 8-bit pixels, channels interleaved. */
export type RenderedImage = NormalizedImage;

/**
 * The one function that makes an image's rendition from its original bytes, at ingest, when a
 * rendition is derived from the raw zone, and at scoring and serving (no train/serve skew). Gray
 * renditions take the gray path (a small gray PNG or PGM of the output size is rendered at once,
 * without a promise); 3-channel ones a sharp pipeline. Bad input throws ImageRejectedError with a
 * reason: at once when refused before decoding, else through the promise.
 */
export function renderImageNow(
  bytes: Uint8Array,
  spec: RenditionSpec,
  limits: InputLimits = defaultInputLimits,
): RenderedImage | Promise<RenderedImage> {
  if (spec.channels === 1) return normalizeImageNow(bytes, grayOptions(spec, limits));
  return renderColorNow(bytes, spec, limits);
}

/** renderImageNow, always as a promise. */
export async function renderImage(
  bytes: Uint8Array,
  spec: RenditionSpec,
  limits: InputLimits = defaultInputLimits,
): Promise<RenderedImage> {
  return renderImageNow(bytes, spec, limits);
}

// An ingest renders thousands of images to one spec: its gray options are made once (the gray
// path completes each options object once too, by identity).
const grayOptionsOf = new WeakMap<RenditionSpec, WeakMap<InputLimits, NormalizeOptions>>();

function grayOptions(spec: RenditionSpec, limits: InputLimits): NormalizeOptions {
  let byLimits = grayOptionsOf.get(spec);
  if (!byLimits) grayOptionsOf.set(spec, (byLimits = new WeakMap()));
  let o = byLimits.get(limits);
  if (!o) {
    o = {
      width: spec.width,
      height: spec.height,
      fit: spec.fit,
      invert: spec.polarity,
      background: spec.background,
      maxInputPixels: limits.maxInputPixels,
      maxInputBytes: limits.maxInputBytes,
    };
    byLimits.set(limits, o);
  }
  return o;
}
