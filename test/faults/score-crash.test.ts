import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { BatchScoreWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { createDataset, ingestFashion, queryRows } from '../catalog/helpers.js';
import { spawnCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { reliability } from '../reliability/tally.js';

it('SIGKILL of the worker mid-scoring: a new worker finishes the run with every partition committed exactly once', async () => {
  const tally = reliability('fault');
  const stack = testStack();
  // A model first (in-process worker), then the scoring run on a worker process we can kill.
  const { lakeUri, modelId, deps } = await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 6000, 'score-crash');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const m = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });
    return { lakeUri, modelId: m.modelId, deps };
  });
  const taskQueue = `score-crash-${randomBytes(4).toString('hex')}`;
  const env = { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  let worker = spawnCli(['worker'], env);
  try {
    const runId = `score-${taskQueue}`;
    const handle = await client.workflow.start(BatchScoreWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [
        { lakeUri, model: modelId, where: 'true', partitionSize: 100, parallel: 2, heartbeatTimeout: '5s' },
      ],
    });
    const committed = join(lakeUri, 'manifests', 'score_partitions', runId);
    const count = () => (existsSync(committed) ? readdirSync(committed).length : 0);
    await expect.poll(count, { timeout: 120_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    worker.kill('SIGKILL');
    expect(count()).toBeLessThan(50); // killed mid-run, not after it
    worker = spawnCli(['worker'], env);
    const result = await handle.result();
    tally.items(6000, result.images);
    expect(result).toMatchObject({ selected: 6000, failed: 0 });
    expect(result.partitions).toBe(60); // 100 per partition, even
    const snapshot = await loadSnapshot(deps.lakes.open(lakeUri), deps.mirror);
    expect(
      await queryRows(
        snapshot,
        'SELECT count(*), count(DISTINCT image_id) FROM predictions WHERE score_run = $r',
        { r: runId },
      ),
    ).toEqual([[6000n, 6000n]]);
    expect(
      await queryRows(
        snapshot,
        "SELECT count(*) FROM score_partitions WHERE run_id = $r AND status = 'succeeded'",
        { r: runId },
      ),
    ).toEqual([[BigInt(result.partitions)]]);
    const files = readdirSync(join(lakeUri, 'meta', 'predictions', runId, modelId));
    expect(files).toHaveLength(result.partitions);
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
  }
});
