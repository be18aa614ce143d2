import { describe, expect, it } from 'vitest';
import { SmokeWorkflow } from '../../workflows/index.js';
import { s3Env, testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';

describe('SmokeWorkflow on the real Temporal dev server', () => {
  it('commits to a local lake and reads it back', async () => {
    const result = await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const handle = await client.workflow.start(SmokeWorkflow, {
        taskQueue,
        workflowId: `smoke-${taskQueue}`,
        args: [{ lakeUri }],
      });
      return handle.result();
    });
    expect(result).toMatchObject({ verified: true, objectsUnderPrefix: 1, bytes: expect.any(Number) });
    expect(result.key).toMatch(/^smoke\/smoke-test-[0-9a-f]+\.json$/);
  });

  it('commits to an S3 lake on MinIO', async () => {
    expect(s3Env().AWS_ENDPOINT_URL_S3).toBe(testStack().s3.endpoint);
    const lakeUri = `s3://${testStack().s3.bucket}/smoke-wf`;
    const result = await withTestWorker(({ client, taskQueue }) =>
      client.workflow.execute(SmokeWorkflow, {
        taskQueue,
        workflowId: `smoke-s3-${taskQueue}`,
        args: [{ lakeUri }],
      }),
    );
    expect(result.verified).toBe(true);
  });
});
