import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Lake } from '../../lib/lake/index.js';
import { freePort } from '../../lib/stack/ports.js';
import { testS3Client, testStack } from '../setup/stack.js';
import { lakeContract } from './lake-contract.js';

const stack = testStack();
lakeContract('S3 (MinIO)', () => new S3Lake(testS3Client(), stack.s3.bucket, 'contract', stack.s3.endpoint));

describe('S3 lake errors', () => {
  it('names the problem and the fix for bad credentials, without the secret', async () => {
    const secret = 'wrong-secret-value-1234567890';
    const client = new S3Client({
      endpoint: stack.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'nobody-key-id', secretAccessKey: secret },
    });
    const lake = new S3Lake(client, stack.s3.bucket, 'x', stack.s3.endpoint);
    const error = await lake.get('a').catch((e: Error) => e);
    expect(String(error)).toMatch(
      /s3: access to s3:\/\/imagelake-test\/x\/a refused \(InvalidAccessKeyId\).*AWS_ACCESS_KEY_ID/,
    );
    expect(String(error)).not.toContain(secret);
  });

  it('names an unreachable endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const error = await new S3Lake(client, 'bucket', '', endpoint).head('a').catch((e: Error) => e);
    expect(String(error)).toMatch(
      /s3: cannot reach the endpoint at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/,
    );
  });

  it('names a missing bucket', async () => {
    const error = await new S3Lake(testS3Client(), 'no-such-bucket-here', '', stack.s3.endpoint)
      .put('a', 'x')
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/s3: bucket of s3:\/\/no-such-bucket-here\/a does not exist/);
  });
});
