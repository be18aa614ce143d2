import { S3Client } from '@aws-sdk/client-s3';

/** The S3 endpoint override from the environment (MinIO, other S3-compatible stores). */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * One S3 client per process, created by the worker or CLI and injected where needed.
 * Credentials come from the standard AWS chain (env, profile, instance role); path-style
 * addressing so MinIO and other S3-compatible stores work without DNS tricks.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    endpoint: s3EndpointFromEnv(env),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: true,
    // MinIO and most S3-compatible stores accept checksums only when asked for.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 5,
    // Explicit env credentials when given (tests, per-lake env); otherwise the default AWS chain.
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            sessionToken: env.AWS_SESSION_TOKEN,
          }
        : undefined,
  });
}
