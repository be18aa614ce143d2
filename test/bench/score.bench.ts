import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { buildModel, initBackend, predictProbabilities } from '../../lib/model/index.js';
import { BatchScoreWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { startStack } from '../setup/start-stack.js';
import { figure, median, type Benchmark, type Figure } from './harness.js';
import {
  cpuSeconds,
  fashionTrainLake,
  peakRssMiB,
  startWorkers,
  stopWorkers,
  warmEveryWorker,
} from './workers.js';

/** Issue 7's target: batch scoring end to end (read Avro, tensors, predict, Parquet, commit) over the 60k training images. */
export const benchmark: Benchmark = {
  name: 'batch scoring, mlp over 60k Fashion-MNIST images in a local lake',
  issue: 7,
  async run() {
    const fm = findFashionMnist();
    const { stack, stop } = await startStack({ s3: false });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-bench-score-'));
    const taskQueue = `bench-score-${randomBytes(4).toString('hex')}`;
    const env = { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
    const figures: Figure[] = [];
    let workers = await startWorkers(1, env, ['--max-activities', '2']);
    try {
      const run = <T>(wf: (input: never) => Promise<T>, args: unknown) =>
        client.workflow.execute(wf as never, {
          taskQueue,
          workflowId: `bench-${randomBytes(4).toString('hex')}`,
          args: [args] as never,
        }) as Promise<T>;
      await fashionTrainLake(client, taskQueue, lakeUri);
      const model = await run<{ modelId: string }>(TrainWorkflow, {
        lakeUri,
        dataset: 'fm',
        arch: 'mlp',
        params: { epochs: 1 },
      });

      // Baseline: plain tfjs predict over the same images, already in memory as tensors' input.
      await initBackend();
      const idx = await openIdxPair(fm.trainImages, null);
      const plain = buildModel('mlp', { width: 28, height: 28, classes: 10 }, 1);
      const x = new Float32Array(1024 * 784);
      const start = performance.now();
      for (let s = 0; s < idx.count; s += 1024) {
        const n = Math.min(1024, idx.count - s);
        for (let i = 0; i < n; i++)
          x.set(
            Array.from(idx.image(s + i), (v) => v / 255),
            i * 784,
          );
        predictProbabilities(plain, { x: x.subarray(0, n * 784), n });
      }
      const plainRate = idx.count / ((performance.now() - start) / 1000);
      plain.dispose();
      tf.disposeVariables();

      // The default partition size (8,192), then half of it: more, smaller partitions; then the
      // default again with each worker pinned to a core of its own, as workers on separate
      // machines would be (unpinned, one worker's helper threads use a part of the second core, so
      // 2 workers on this 2-core machine cannot double it). For each setting, 1 worker serves one
      // task queue and 2 workers another, all started together, and their runs alternate: this
      // machine is shared, and a noisy minute then weighs on both counts alike. Each figure is the
      // median of 5 runs, after warm-up runs that give every worker as many partitions as two
      // runs have (fresh workers pay for JIT, wasm and DuckDB start-up in their first ones) and
      // a workflow.
      // Scoring is CPU-bound: a worker takes 2 partitions at a time (--max-activities 2), and twice
      // as many are in flight as the workers have slots (as the default does for one default
      // worker), so a slot that frees takes the next partition waiting at the server.
      await stopWorkers(workers);
      workers = [];
      for (const [partitionSize, pinned] of [
        [8192, false],
        [4096, false],
        [8192, true],
      ] as const) {
        const groups = await Promise.all(
          [1, 2].map(async (count) => {
            const queue = `${taskQueue}-${count}w${pinned ? '-pinned' : ''}-${partitionSize}`;
            const started = await startWorkers(
              count,
              { ...env, IMAGELAKE_TASK_QUEUE: queue },
              ['--max-activities', '2'],
              { pinned },
            );
            workers.push(...started);
            return { count, queue, workers: started, ms: [] as number[], cpu: 0, wall: 0, images: 0 };
          }),
        );
        const score = async (group: (typeof groups)[number], measured: boolean) => {
          const cpuBefore = group.workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
          const started = performance.now();
          const result = await client.workflow.execute(BatchScoreWorkflow, {
            taskQueue: group.queue,
            workflowId: `bench-${randomBytes(4).toString('hex')}`,
            args: [
              { lakeUri, model: model.modelId, where: 'true', partitionSize, parallel: group.count * 4 },
            ],
          });
          if (result.failed > 0) throw new Error(`bench: ${result.failed} partitions failed`);
          if (!measured) return;
          const ms = performance.now() - started;
          group.ms.push(ms);
          group.wall += ms / 1000;
          group.cpu += group.workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0) - cpuBefore;
          group.images = result.images;
        };
        for (const group of groups) {
          await warmEveryWorker(client, group.workers, async () => {
            const workflowId = `bench-warm-${randomBytes(4).toString('hex')}`;
            await client.workflow.execute(BatchScoreWorkflow, {
              taskQueue: group.queue,
              workflowId,
              args: [{ lakeUri, model: model.modelId, where: 'false' }],
            });
            return workflowId;
          });
          // As much warm-up work per worker in both groups (V8 keeps optimizing over a worker's
          // first few partitions): 2 runs for 1 worker, 4 for 2.
          for (let i = 0; i < 2 * group.count; i++) await score(group, false);
        }
        // Alternating, each group first in every other round.
        for (let round = 0; round < 5; round++)
          for (const group of round % 2 === 0 ? groups : [...groups].reverse()) await score(group, true);

        const [one, two] = groups as [(typeof groups)[number], (typeof groups)[number]];
        const rate = (g: typeof one) => g.images / (median(g.ms) / 1000);
        for (const group of groups) {
          const workersName = `${group.count} worker${group.count > 1 ? 's' : ''}${pinned ? ' (one core each)' : ''}`;
          // Cores the workers kept busy (main thread, GC, DuckDB, Temporal's core): on this
          // 2-core machine, 2 workers can at most give 2 / (1 worker's cores) times one worker.
          const cores = group.cpu / group.wall;
          figures.push(
            figure({
              name: `${workersName}, partitions of ${partitionSize}: images/s`,
              value: rate(group),
              unit: 'images/s',
              baseline: { name: 'plain tfjs predict, images in memory, one process', value: plainRate },
              target: { op: '>=', value: 30_000 },
            }),
            figure({
              name: `${workersName}, partitions of ${partitionSize}: CPU cores the workers used`,
              value: cores,
              unit: 'cores',
              note:
                group.count === 1 && !pinned
                  ? `2 workers on 2 cores can at most reach ${(2 / cores).toFixed(2)}x this`
                  : undefined,
            }),
            figure({
              name: `${workersName}, partitions of ${partitionSize}: peak RSS`,
              value: Math.max(...group.workers.map((w) => peakRssMiB(w.pid!))),
              unit: 'MiB',
              higherIsBetter: false,
            }),
          );
        }
        figures.push(
          figure({
            name: pinned
              ? `2 workers against 1, one core each, partitions of ${partitionSize}: images/s`
              : `2 workers against 1 on 2 shared cores, partitions of ${partitionSize}: images/s`,
            value: rate(two),
            unit: 'images/s',
            baseline: {
              name: `1 worker${pinned ? ' on one core' : ''}, same partitions, runs alternating`,
              value: rate(one),
            },
            // The scale-out target applies where each worker has its own core; on shared cores
            // the ceiling is 2 / (cores one worker keeps busy), reported beside it.
            target: pinned ? { op: '>=', value: rate(one) * 1.7 } : undefined,
            note: pinned
              ? 'target: about 2x one worker (read as at least 1.7x, the sweep target)'
              : 'for comparison: the workers share both cores',
          }),
        );
        await stopWorkers(workers);
        workers = [];
      }
      return figures;
    } finally {
      await stopWorkers(workers);
      await connection.close();
      await stop();
      rmSync(lakeUri, { recursive: true, force: true });
    }
  },
};
