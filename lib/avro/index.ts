export {
  encodeContainer,
  encodeImageBatch,
  type ContainerContent,
  type EncodeContainerOptions,
  type EncodeImageBatchOptions,
} from './encode.js';
export {
  decodeImageBatch,
  decodeImagePixels,
  readContainerRecords,
  readImageBatch,
  verifyContainer,
  verifyImageBatch,
  type BatchExpectation,
  type RecordRange,
} from './decode.js';
export { imageType, IMAGE_SCHEMA_JSON, type ImagePixels, type ImageRecord } from './image-type.js';
export {
  availableDeflaters,
  defaultDeflater,
  deflaterById,
  zlibDeflater,
  type BlockDeflater,
} from './deflater.js';
