import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SweepWorkflow } from '../../workflows/index.js';
import { startStack } from '../setup/start-stack.js';
import { figure, type Benchmark } from './harness.js';
import { fashionTrainLake, startWorkers, stopWorkers } from './workers.js';

/** Issue 5's sweep target: 8 trials x 2 epochs on 2 worker processes against 1. */
export const benchmark: Benchmark = {
  name: 'sweep of 8 mlp trials x 2 epochs, 2 workers against 1',
  issue: 5,
  async run() {
    const { stack, stop } = await startStack({ s3: false });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-bench-sweep-'));
    const seconds: number[] = [];
    try {
      for (const count of [1, 2]) {
        const taskQueue = `bench-sweep-${randomBytes(4).toString('hex')}`;
        // One activity at a time per worker: a training occupies its process's main thread.
        const workers = await startWorkers(
          count,
          { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue },
          ['--max-activities', '1'],
        );
        try {
          const run = <T>(wf: unknown, args: unknown) =>
            client.workflow.execute(wf as never, {
              taskQueue,
              workflowId: `bench-${randomBytes(4).toString('hex')}`,
              args: [args] as never,
            }) as Promise<T>;
          if (count === 1) {
            await fashionTrainLake(client, taskQueue, lakeUri);
          }
          const start = performance.now();
          // A different seed per worker count: new model ids, so nothing is skipped as already trained.
          await run(SweepWorkflow, {
            lakeUri,
            dataset: 'fm',
            arch: 'mlp',
            params: { epochs: 2, seed: count },
            grid: { lr: [0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03] },
            parallel: count,
          });
          seconds.push((performance.now() - start) / 1000);
        } finally {
          await stopWorkers(workers);
        }
      }
      const [one, two] = seconds as [number, number];
      return [
        figure({
          name: '8 trials x 2 epochs, 2 workers: trials/min',
          value: (8 / two) * 60,
          unit: 'trials/min',
          baseline: { name: 'the same sweep on 1 worker', value: (8 / one) * 60 },
          target: { op: '>=', value: (8 / one) * 60 * 1.7 },
          note: 'target: 2 workers at least 1.7x one',
        }),
      ];
    } finally {
      await connection.close();
      await stop();
      rmSync(lakeUri, { recursive: true, force: true });
    }
  },
};
