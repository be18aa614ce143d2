import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateDir } from './private-files.js';
import type { ServiceSpec } from './service.js';

export interface MinioCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface MinioServerOptions {
  readonly binary: string;
  readonly dataDir: string;
  readonly port: number;
  readonly consolePort: number;
  readonly credentials: MinioCredentials;
}

/** A real MinIO server on loopback, with its own data directory and credentials. */
export function minioServer(options: MinioServerOptions): ServiceSpec {
  const host = '127.0.0.1';
  return {
    name: 'minio',
    command: options.binary,
    args: [
      'server',
      options.dataDir,
      '--quiet',
      '--address',
      `${host}:${options.port}`,
      '--console-address',
      `${host}:${options.consolePort}`,
    ],
    env: {
      MINIO_ROOT_USER: options.credentials.accessKeyId,
      MINIO_ROOT_PASSWORD: options.credentials.secretAccessKey,
      MINIO_BROWSER: 'on',
      MINIO_UPDATE: 'off',
    },
    host,
    port: options.port,
    urls: {
      'S3 endpoint (MinIO)': `http://${host}:${options.port}`,
      'MinIO console': `http://${host}:${options.consolePort}`,
    },
  };
}

/** Random credentials for a local MinIO. */
export function newMinioCredentials(): MinioCredentials {
  return {
    accessKeyId: `imagelake-${randomBytes(4).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
}

/**
 * The local stack's MinIO credentials, created once and kept in a mode-600 env file the user can
 * `source`; they are never printed or logged.
 */
export async function localMinioCredentials(
  stateDir: string,
): Promise<{ credentials: MinioCredentials; envFile: string }> {
  const envFile = join(stateDir, 'minio', 'credentials.env');
  if (existsSync(envFile)) {
    const text = await readFile(envFile, 'utf8');
    const get = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(text)?.[1] ?? '';
    return {
      credentials: { accessKeyId: get('AWS_ACCESS_KEY_ID'), secretAccessKey: get('AWS_SECRET_ACCESS_KEY') },
      envFile,
    };
  }
  const credentials = newMinioCredentials();
  privateDir(stateDir);
  privateDir(join(stateDir, 'minio'));
  await writeFile(
    envFile,
    `export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  return { credentials, envFile };
}
