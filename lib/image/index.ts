export {
  normalizeImage,
  normalizeImageNow,
  defaultNormalizeOptions,
  borderLevel,
  type NormalizeOptions,
  type NormalizedImage,
} from './normalize.js';
export { ImageRejectedError, type RejectReason } from './errors.js';
export { sniffFormat, type ImageFormat } from './sniff.js';
export { decodeNetpbm } from './netpbm.js';
