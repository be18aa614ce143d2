import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../../lib/stack/ports.js';
import { reliability } from '../reliability/tally.js';
import { runCli } from './run-cli.js';

/** Every path under `root` (itself included) that another local user could read, with its mode. */
function openToOthers(root: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stats = statSync(path);
    if ((stats.mode & 0o077) !== 0) found.push(`${path} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return found;
}

it("the local stack's data, logs and state are readable by their user alone", async () => {
  reliability('fault');
  const stateDir = mkdtempSync(join(tmpdir(), 'imagelake-private-'));
  // What an earlier version left: the state directory and its logs open to every local user.
  chmodSync(stateDir, 0o755);
  mkdirSync(join(stateDir, 'logs'), { mode: 0o755 });
  chmodSync(join(stateDir, 'logs'), 0o755);
  writeFileSync(join(stateDir, 'logs', 'temporal.log'), 'an old line\n', { mode: 0o644 });
  chmodSync(join(stateDir, 'logs', 'temporal.log'), 0o644);
  const minioPort = await freePort();
  const env = {
    IMAGELAKE_STATE_DIR: stateDir,
    IMAGELAKE_TEMPORAL_PORT: String(await freePort()),
    IMAGELAKE_MINIO_PORT: String(minioPort),
  };
  try {
    const up = await runCli(['stack', 'up', '--s3'], env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    // An object in the lake bucket, through S3 as a user puts one.
    const credentials = readFileSync(join(stateDir, 'minio', 'credentials.env'), 'utf8');
    const get = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(credentials)![1]!;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${minioPort}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: get('AWS_ACCESS_KEY_ID'), secretAccessKey: get('AWS_SECRET_ACCESS_KEY') },
    });
    await s3.send(
      new PutObjectCommand({ Bucket: 'imagelake', Key: 'lake/meta/secret.parquet', Body: 'rows' }),
    );
    s3.destroy();
    expect(readdirSync(join(stateDir, 'minio', 'data', 'imagelake'))).toContain('lake');
    expect(statSync(join(stateDir, 'temporal.db')).isFile()).toBe(true);
    expect(openToOthers(stateDir)).toEqual([]);
  } finally {
    await runCli(['stack', 'down'], env);
  }
}, 120_000);
