import { existsSync, mkdtempSync, statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/stack/ports.js';
import { runCli } from './run-cli.js';

const oneErrorLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^imagelake: /);
  return lines[0];
};

describe('imagelake stack', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'imagelake-stack-'));
  const env = async () => ({
    IMAGELAKE_STATE_DIR: stateDir,
    IMAGELAKE_TEMPORAL_PORT: String(temporalPort),
    IMAGELAKE_MINIO_PORT: String(minioPort),
  });
  let temporalPort = 0;
  let minioPort = 0;
  afterAll(async () => {
    await runCli(['stack', 'down'], await env());
  });

  it('starts, reports, is idempotent and stops', async () => {
    temporalPort = await freePort();
    minioPort = await freePort();
    const up = await runCli(['stack', 'up', '--s3'], await env());
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/temporal: started/);
    expect(up.stdout).toMatch(/minio: started/);
    expect(up.stdout).toContain(`Temporal Web UI      http://127.0.0.1:${temporalPort + 1000}`);

    const credentials = join(stateDir, 'minio', 'credentials.env');
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const secret = /AWS_SECRET_ACCESS_KEY=(.*)/.exec(readFileSync(credentials, 'utf8'))?.[1];
    expect(secret).toBeTruthy();
    expect(up.stdout).not.toContain(secret);

    const again = await runCli(['stack', 'up', '--s3'], await env());
    expect(again.stdout).toMatch(/temporal: already running/);
    expect(again.stdout).toMatch(/minio: already running/);

    const status = await runCli(['stack', 'status'], await env());
    expect(status.stdout).toContain(`Temporal gRPC        127.0.0.1:${temporalPort}`);
    expect(status.stdout).toContain(`S3 endpoint (MinIO)  http://127.0.0.1:${minioPort}`);

    const check = await runCli(['stack', 'check', '--lake', join(stateDir, 'lake')], await env());
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/verified: true/);
    expect(existsSync(join(stateDir, 'temporal.db'))).toBe(true);

    const down = await runCli(['stack', 'down'], await env());
    expect(down.stdout).toMatch(/stopped: minio, temporal/);
    expect((await runCli(['stack', 'status'], await env())).stdout).toMatch(/not running/);
  });
});

describe('bad input gets one clear line and a non-zero exit', () => {
  it('a port already taken', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const out = await runCli(['stack', 'up'], {
      IMAGELAKE_STATE_DIR: mkdtempSync(join(tmpdir(), 'il-')),
      IMAGELAKE_TEMPORAL_PORT: String(port),
    });
    server.close();
    expect(out.code).not.toBe(0);
    expect(oneErrorLine(out.stderr)).toMatch(
      new RegExp(`port ${port} on 127.0.0.1 \\(Temporal gRPC\\) is already in use.*IMAGELAKE_TEMPORAL_PORT`),
    );
  });

  it('a missing binary', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'il-cache-'));
    const out = await runCli(['stack', 'up'], {
      IMAGELAKE_STATE_DIR: empty,
      IMAGELAKE_CACHE_DIR: empty,
      PATH: '/usr/bin:/bin',
      IMAGELAKE_TEMPORAL_PORT: String(await freePort()),
    });
    expect(out.code).not.toBe(0);
    expect(oneErrorLine(out.stderr)).toMatch(/no temporal binary in .* or on PATH: run `npm run setup`/);
  });

  it('an unreachable Temporal address', async () => {
    const out = await runCli(['stack', 'check'], { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(out.code).not.toBe(0);
    expect(oneErrorLine(out.stderr)).toMatch(
      /temporal: cannot reach 127\.0\.0\.1:\d+ .*imagelake stack up.*TEMPORAL_ADDRESS/,
    );
  });

  it.each([
    ['gs://bucket/x', /unsupported lake URI/],
    ['s3://Bad_Bucket', /invalid bucket name/],
  ])('a malformed lake URI %s', async (uri, reason) => {
    const out = await runCli(['stack', 'check', '--lake', uri], {
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    expect(out.code).not.toBe(0);
    expect(oneErrorLine(out.stderr)).toMatch(reason);
  });
});
