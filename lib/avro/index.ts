export { encodeImageBatch } from './encode.js';
export { decodeImageBatch, readImageBatch, type BatchExpectation } from './decode.js';
export { imageType, IMAGE_SCHEMA_JSON, type ImageRecord } from './image-type.js';
