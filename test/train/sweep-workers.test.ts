import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { SweepWorkflow } from '../../workflows/index.js';
import { createDataset, ingestFashion } from '../catalog/helpers.js';
import { spawnCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';

it('a sweep spreads its trials over every worker process polling the task queue', async () => {
  const lakeUri = await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
    await ingestFashion(client, taskQueue, lakeUri, 1500, 'sweep-workers');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    return lakeUri;
  });
  const taskQueue = `sweep-${randomBytes(4).toString('hex')}`;
  const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  // One activity at a time per worker: a training occupies its process's main thread.
  const workers = [
    spawnCli(['worker', '--max-activities', '1'], env),
    spawnCli(['worker', '--max-activities', '1'], env),
  ];
  const connection = await Connection.connect({ address: testStack().temporalAddress });
  const client = new Client({ connection });
  try {
    const sweep = await client.workflow.execute(SweepWorkflow, {
      taskQueue,
      workflowId: `sweep-${taskQueue}`,
      args: [
        {
          lakeUri,
          dataset: 'fm',
          arch: 'mlp',
          params: { epochs: 2 },
          grid: { lr: [0.003, 0.006, 0.01, 0.02] },
          parallel: 2,
        },
      ],
    });
    expect(sweep.trials.map((t) => t.status)).toEqual([
      'registered',
      'registered',
      'registered',
      'registered',
    ]);
    // Which worker trained each trial: the identity on its trainModel activity's start event.
    const identities = new Set<string>();
    for (const t of sweep.trials) {
      const history = await client.workflow.getHandle(`sweep-${taskQueue}-trial-${t.trial}`).fetchHistory();
      for (const e of history.events ?? [])
        if (e.activityTaskStartedEventAttributes?.identity)
          identities.add(e.activityTaskStartedEventAttributes.identity);
    }
    expect(identities.size).toBe(2);
    expect([...identities].every((i) => workers.some((w) => i.startsWith(`${w.pid}@`)))).toBe(true);
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await connection.close();
  }
});
