export { validateKey, validatePrefix, joinKey, MAX_KEY_BYTES } from './key.js';
export { NotFoundError, type Lake, type ObjectInfo, type Body } from './lake.js';
export { LocalLake } from './local-lake.js';
export { S3Lake } from './s3-lake.js';
export { parseLakeUri, type LakeLocation } from './lake-uri.js';
export { openLake } from './open-lake.js';
export { createS3Client, s3EndpointFromEnv } from './s3-client.js';
export { ensureBucket } from './s3-bucket.js';
export { LakeRegistry } from './lake-registry.js';
