import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config.js';
import { ensureBucket } from '../../lib/lake/s3-bucket.js';
import { findBinary } from '../../lib/stack/binaries.js';
import { minioServer, newMinioCredentials } from '../../lib/stack/minio-server.js';
import { freePort } from '../../lib/stack/ports.js';
import { startService, stopService } from '../../lib/stack/service.js';
import { temporalDevServer, type TemporalDevServerOptions } from '../../lib/stack/temporal-dev-server.js';
import type { TestStack } from './stack.js';

/** Starts a real Temporal dev server (and MinIO unless `s3: false`) on free loopback ports. */
export async function startStack(
  options: { s3?: boolean; temporalDynamicConfig?: TemporalDevServerOptions['dynamicConfig'] } = {},
): Promise<{
  stack: TestStack;
  stop: () => Promise<void>;
  restartTemporal: (whileDown?: () => Promise<void>) => Promise<void>;
}> {
  const { cacheDir } = loadConfig();
  const dir = await mkdtemp(join(tmpdir(), 'imagelake-stack-'));
  const temporalPort = await freePort();
  const minioPort = await freePort();
  const credentials = newMinioCredentials();
  const bucket = 'imagelake-test';
  const temporal = temporalDevServer({
    binary: findBinary('temporal', cacheDir),
    port: temporalPort,
    uiPort: 0,
    headless: true,
    dbFile: join(dir, 'temporal.db'),
    dynamicConfig: options.temporalDynamicConfig,
  });
  const withS3 = options.s3 !== false;
  await Promise.all([
    startService(dir, temporal),
    withS3 &&
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
  if (withS3) {
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await ensureBucket(client, bucket, endpoint);
    client.destroy();
  }
  return {
    stack: {
      temporalAddress: `127.0.0.1:${temporalPort}`,
      stateDir: dir,
      s3: { endpoint, bucket, ...credentials },
    },
    // Same port and SQLite file: workflows survive, as after a real server restart.
    restartTemporal: async (whileDown) => {
      await stopService(dir, 'temporal');
      await whileDown?.();
      await startService(dir, temporal);
    },
    stop: async () => {
      await stopService(dir, 'temporal');
      await stopService(dir, 'minio');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
