import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TrainWorkflow } from '../../workflows/index.js';
import { createDataset, ingestFashion } from '../catalog/helpers.js';
import { spawnCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import { reliability } from '../reliability/tally.js';

it('SIGKILL of the worker mid-training: the retry resumes at the epoch after the last checkpoint, not from zero', async () => {
  reliability('fault');
  const stack = testStack();
  const taskQueue = `train-crash-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-train-crash-'));
  const env = { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  let worker = spawnCli(['worker'], env);
  try {
    await ingestFashion(client, taskQueue, lakeUri, 6000, 'crash');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images', {
      train: 0.9,
      val: 0.1,
      test: 0,
    });
    const handle = await client.workflow.start(TrainWorkflow, {
      taskQueue,
      workflowId: `train-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 4 }, heartbeatTimeout: '5s' }],
    });
    const checkpoints = join(lakeUri, 'checkpoints');
    const done = () =>
      existsSync(checkpoints)
        ? readdirSync(checkpoints, { recursive: true }).filter((f) => String(f).endsWith('state.json')).length
        : 0;
    await expect.poll(done, { timeout: 120_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    worker.kill('SIGKILL');
    const atKill = done();
    expect(atKill).toBeLessThan(4);
    worker = spawnCli(['worker'], env);
    const result = await handle.result();
    expect(result.status).toBe('registered');
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(atKill);
    expect(result.resumedFromEpoch).toBeGreaterThan(0);
    expect(result.curves.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
  }
});
