import { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';

/** The servers the global setup started for this test run. */
export interface TestStack {
  readonly temporalAddress: string;
  readonly stateDir: string;
  readonly s3: {
    readonly endpoint: string;
    readonly bucket: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export function testStack(): TestStack {
  return inject('stack');
}

/** Environment variables that point the AWS SDK at the test MinIO. */
export function s3Env(stack = testStack()): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL_S3: stack.s3.endpoint,
    AWS_ACCESS_KEY_ID: stack.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

export function testS3Client(stack = testStack()): S3Client {
  const { endpoint, accessKeyId, secretAccessKey } = stack.s3;
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
}
