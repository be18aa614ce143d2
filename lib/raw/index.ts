export { defaultRawLimits, rawLayout, type RawLimits } from './layout.js';
export { ORIGINAL_SCHEMA_JSON, originalType, type OriginalRecord } from './original-type.js';
export { RawPartWriter, type OriginalLocation, type RawFile, type RawTarget } from './part-writer.js';
export { readOriginals, type OriginalRow } from './read.js';
