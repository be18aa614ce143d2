import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActivities, createActivityDeps } from '../../activities/index.js';
import { loadConfig } from '../../lib/config.js';

describe('smoke activities', () => {
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-act-'));
  const activities = createActivities(createActivityDeps(loadConfig()));
  const mock = new MockActivityEnvironment();
  // MockActivityEnvironment.run loses the result type; this keeps it.
  const env = { run: <A, R>(fn: (arg: A) => Promise<R>, arg: A) => mock.run(fn, arg) as Promise<R> };

  it('writes once: a retried attempt finds the same object and reports it was not created', async () => {
    const first = await env.run(activities.smokeWrite, { lakeUri, runId: 'run-1' });
    const retry = await env.run(activities.smokeWrite, { lakeUri, runId: 'run-1' });
    expect(first.created).toBe(true);
    expect(retry).toEqual({ ...first, created: false });
    const verified = await env.run(activities.smokeVerify, { lakeUri, key: first.key, sha256: first.sha256 });
    expect(verified).toEqual({ key: 'smoke/run-1.json', verified: true, objectsUnderPrefix: 1 });
  });

  it('fails non-retryably when the content does not match', async () => {
    const written = await env.run(activities.smokeWrite, { lakeUri, runId: 'run-2' });
    await expect(
      env.run(activities.smokeVerify, { lakeUri, key: written.key, sha256: '0'.repeat(64) }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringMatching(/^smoke: smoke\/run-2.json has sha256 [0-9a-f]{64}, expected 0+$/),
    });
  });
});
