import type { S3Client } from '@aws-sdk/client-s3';
import { parseLakeUri } from './lake-uri.js';
import type { Lake } from './lake.js';
import { LocalLake } from './local-lake.js';
import { createS3Client, s3EndpointFromEnv } from './s3-client.js';
import { S3Lake } from './s3-lake.js';

/** Opens the lake named by a URI; an S3 lake uses the given client or a new one from the environment. */
export function openLake(uri: string, s3?: S3Client): Lake {
  const location = parseLakeUri(uri);
  if (location.kind === 'local') return new LocalLake(location.path, uri);
  return new S3Lake(s3 ?? createS3Client(), location.bucket, location.prefix, s3EndpointFromEnv());
}
