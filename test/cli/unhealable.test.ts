import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SmokeWorkflow } from '../../workflows/index.js';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { s3Env, testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { embeddedEnv } from './embedded.js';
import { runCli } from './run-cli.js';

// Twelve attempts with backoff took about 3.6 minutes; one that is not retried fails in seconds.
const FAST = 60_000;

/** A directory no write can change: immutable as root (chattr +i), read-only for anyone else. */
function unwritableDir(): { dir: string; restore: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-ro-lake-'));
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return { dir, restore: () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' }) };
  } catch {
    chmodSync(dir, 0o555);
    return { dir, restore: () => chmodSync(dir, 0o755) };
  }
}

const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe('errors no retry can heal fail at once with one line', () => {
  it('an ingest into a read-only lake', async () => {
    reliability('bad-input');
    const { dir, restore } = unwritableDir();
    try {
      const started = Date.now();
      const r = await runCli(['ingest', await fashionPngFolder(5), '--lake', dir], embeddedEnv(), FAST);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        new RegExp(`^imagelake: file system: cannot mkdir "${dir}/[^"]+": .*\\((EPERM|EACCES)\\)$`),
      );
      expect(Date.now() - started).toBeLessThan(FAST);
    } finally {
      restore();
    }
  });

  it('a workflow whose lake is a file (past the CLI, which refuses it first)', async () => {
    reliability('bad-input');
    const file = join(mkdtempSync(join(tmpdir(), 'imagelake-file-lake-')), 'lake');
    writeFileSync(file, 'not a lake');
    const failure = await withTestWorker(({ client, taskQueue }) =>
      client.workflow
        .execute(SmokeWorkflow, {
          taskQueue,
          workflowId: `file-lake-${taskQueue}`,
          args: [{ lakeUri: file }],
        })
        .then(
          () => undefined,
          (error: unknown) => error as Error,
        ),
    );
    let cause: unknown = failure;
    while (cause instanceof Error && cause.cause) cause = cause.cause;
    expect((cause as { type?: string }).type).toBe('UserError');
    expect((cause as Error).message).toMatch(
      /^file system: cannot mkdir ".*": .* is a file, not a directory \(ENOTDIR\)$/,
    );
    const cli = await runCli(['ingest', '/tmp', '--lake', file], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(oneLine(cli.stderr)).toBe(
      `imagelake: lake: "${file}" is not a directory, so it cannot be a lake: check --lake or IMAGELAKE_LAKE`,
    );
  });

  it('an S3 lake with a wrong secret (a HEAD refused without a body)', async () => {
    reliability('bad-input');
    const stack = testStack();
    const secret = `${stack.s3.secretAccessKey.slice(0, -4)}nope`;
    const env = { ...embeddedEnv(), ...s3Env(stack), AWS_SECRET_ACCESS_KEY: secret };
    const lake = `s3://${stack.s3.bucket}/badsecret-${randomBytes(4).toString('hex')}`;
    const started = Date.now();
    const r = await runCli(['ingest', await fashionPngFolder(5), '--lake', lake], env, FAST);
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(
      new RegExp(
        `^imagelake: s3: access to ${lake}/\\S+ refused \\((HTTP 403|SignatureDoesNotMatch)\\) at ${stack.s3.endpoint}: check AWS_ACCESS_KEY_ID`,
      ),
    );
    expect(line).not.toContain(secret);
    expect(Date.now() - started).toBeLessThan(FAST);
  });
});
