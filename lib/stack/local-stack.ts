import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ensureBucket } from '../lake/s3-bucket.js';
import { findBinary } from './binaries.js';
import { localMinioCredentials } from './minio-server.js';
import { minioServer } from './minio-server.js';
import { assertPortFree } from './ports.js';
import { privateDir, privateFile } from './private-files.js';
import { readService, startService, stopService, type ServiceState } from './service.js';
import { temporalDbFile, temporalDevServer } from './temporal-dev-server.js';

/** The bucket `stack up --s3` creates in the local MinIO. */
export const LOCAL_BUCKET = 'imagelake';

/** Starts the local Temporal dev server unless it already runs (SQLite file in the state dir). */
export async function temporalUp(config: Config): Promise<{ state: ServiceState; started: boolean }> {
  // Its user's alone, also when a version that left it open to every local user started it.
  privateDir(config.stateDir);
  const running = await readService(config.stateDir, 'temporal');
  if (running) return { state: running, started: false };
  const binary = findBinary('temporal', config.cacheDir);
  const uiPort = config.temporalPort + 1000;
  await assertPortFree('127.0.0.1', config.temporalPort, 'Temporal gRPC', 'IMAGELAKE_TEMPORAL_PORT');
  await assertPortFree('127.0.0.1', uiPort, 'Temporal Web UI', 'IMAGELAKE_TEMPORAL_PORT');
  // Its database (every workflow's history) from such a version.
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    privateFile(`${temporalDbFile(config.stateDir)}${suffix}`);
  const spec = temporalDevServer({
    binary,
    port: config.temporalPort,
    uiPort,
    dbFile: temporalDbFile(config.stateDir),
  });
  return { state: await startService(config.stateDir, spec), started: true };
}

/** Starts the local MinIO unless it runs, and creates the `imagelake` bucket. */
export async function minioUp(
  config: Config,
): Promise<{ state: ServiceState; started: boolean; envFile: string }> {
  const { credentials, envFile } = await localMinioCredentials(config.stateDir);
  let state = await readService(config.stateDir, 'minio');
  const started = !state;
  if (!state) {
    const binary = findBinary('minio', config.cacheDir);
    await assertPortFree('127.0.0.1', config.minioPort, 'MinIO S3', 'IMAGELAKE_MINIO_PORT');
    await assertPortFree('127.0.0.1', config.minioPort + 1, 'MinIO console', 'IMAGELAKE_MINIO_PORT');
    privateDir(config.stateDir);
    const dataDir = privateDir(join(privateDir(join(config.stateDir, 'minio')), 'data'));
    const spec = minioServer({
      binary,
      dataDir,
      port: config.minioPort,
      consolePort: config.minioPort + 1,
      credentials,
    });
    state = await startService(config.stateDir, spec);
  }
  const endpoint = `http://127.0.0.1:${config.minioPort}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  try {
    await ensureBucket(client, LOCAL_BUCKET, endpoint);
  } finally {
    client.destroy();
  }
  return { state, started, envFile };
}

export async function stackDown(config: Config): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of ['minio', 'temporal']) if (await stopService(config.stateDir, name)) stopped.push(name);
  return stopped;
}

export async function stackStatus(config: Config): Promise<ServiceState[]> {
  const states = await Promise.all(['temporal', 'minio'].map((name) => readService(config.stateDir, name)));
  return states.filter((s): s is ServiceState => s !== undefined);
}
