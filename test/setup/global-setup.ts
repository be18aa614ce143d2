// Starts the real Temporal dev server and a real MinIO on free loopback ports for the whole run.
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config.js';
import { ensureBucket } from '../../lib/lake/s3-bucket.js';
import { findBinary } from '../../lib/stack/binaries.js';
import { minioServer, newMinioCredentials } from '../../lib/stack/minio-server.js';
import { freePort } from '../../lib/stack/ports.js';
import { startService, stopService } from '../../lib/stack/service.js';
import { temporalDevServer } from '../../lib/stack/temporal-dev-server.js';
import type { TestStack } from './stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { cacheDir } = loadConfig();
  const dir = await mkdtemp(join(tmpdir(), 'imagelake-test-stack-'));
  const temporalPort = await freePort();
  const minioPort = await freePort();
  const credentials = newMinioCredentials();
  const bucket = 'imagelake-test';
  await Promise.all([
    startService(
      dir,
      temporalDevServer({
        binary: findBinary('temporal', cacheDir),
        port: temporalPort,
        uiPort: 0,
        headless: true,
        dbFile: join(dir, 'temporal.db'),
      }),
    ),
    startService(
      dir,
      minioServer({
        binary: findBinary('minio', cacheDir),
        dataDir: join(dir, 'minio'),
        port: minioPort,
        consolePort: await freePort(),
        credentials,
      }),
    ),
  ]);
  const endpoint = `http://127.0.0.1:${minioPort}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await ensureBucket(client, bucket, endpoint);
  client.destroy();
  const stack: TestStack = {
    temporalAddress: `127.0.0.1:${temporalPort}`,
    stateDir: dir,
    s3: { endpoint, bucket, ...credentials },
  };
  project.provide('stack', stack);
  return async () => {
    await stopService(dir, 'temporal');
    await stopService(dir, 'minio');
    await rm(dir, { recursive: true, force: true });
  };
}
