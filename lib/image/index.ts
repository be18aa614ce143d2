export {
  normalizeImage,
  normalizeImageNow,
  defaultNormalizeOptions,
  type NormalizeOptions,
  type NormalizedImage,
} from './normalize.js';
export { renderImage, renderImageNow, type RenderedImage } from './render.js';
export {
  DEFAULT_RENDITION,
  MAX_RENDITION_SIDE,
  describeRendition,
  parseRenditionSpec,
  sameRenditionPixels,
  type RenditionFit,
  type RenditionPolarity,
  type RenditionSpec,
} from './rendition-spec.js';
export { defaultInputLimits, type InputLimits } from './input.js';
export { borderLevel } from './pixel-stats.js';
export { ImageRejectedError, type RejectReason } from './errors.js';
export { sniffFormat, type ImageFormat } from './sniff.js';
export { decodeNetpbm } from './netpbm.js';
