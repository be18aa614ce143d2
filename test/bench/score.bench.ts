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
import { figure, medianMs, type Benchmark, type Figure } from './harness.js';
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
      // 2 workers on this 2-core machine cannot double it). Each figure is the median of 5 runs
      // after a warm-up run on the same workers (fresh workers pay for JIT, wasm and DuckDB
      // start-up in their first partitions), and after every worker has run a workflow. Scoring
      // is CPU-bound: a worker takes 2 partitions at a time (--max-activities 2), and twice as
      // many are in flight as the workers have slots (as the default does for one default
      // worker), so a slot that frees takes the next partition waiting at the server.
      let oneWorkerRate = 0; // of the setting being measured: the loop runs 1 worker first
      for (const [count, partitionSize, pinned] of [
        [1, 8192, false],
        [2, 8192, false],
        [1, 4096, false],
        [2, 4096, false],
        [1, 8192, true],
        [2, 8192, true],
      ] as const) {
        if (workers.length !== count || pinned) {
          await stopWorkers(workers);
          workers = await startWorkers(count, env, ['--max-activities', '2'], { pinned });
        }
        await warmEveryWorker(client, workers, async () => {
          const workflowId = `bench-warm-${randomBytes(4).toString('hex')}`;
          await client.workflow.execute(BatchScoreWorkflow, {
            taskQueue,
            workflowId,
            args: [{ lakeUri, model: model.modelId, where: 'false' }],
          });
          return workflowId;
        });
        let images = 0;
        const cpuBefore = workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
        const wallBefore = performance.now();
        const ms = await medianMs(async () => {
          const result = await run<{ images: number; failed: number }>(BatchScoreWorkflow, {
            lakeUri,
            model: model.modelId,
            where: 'true',
            partitionSize,
            parallel: count * 4,
          });
          if (result.failed > 0) throw new Error(`bench: ${result.failed} partitions failed`);
          images = result.images;
        }, 5);
        // Cores the workers kept busy (main thread, GC, DuckDB, Temporal's core): on this
        // 2-core machine, 2 workers can at most give 2 / (1 worker's cores) times one worker.
        const cores =
          (workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0) - cpuBefore) /
          ((performance.now() - wallBefore) / 1000);
        const rate = images / (ms / 1000);
        if (count === 1) oneWorkerRate = rate;
        const workersName = `${count} worker${count > 1 ? 's' : ''}${pinned ? ' (one core each)' : ''}`;
        figures.push(
          figure({
            name: `${workersName}, partitions of ${partitionSize}: images/s`,
            value: rate,
            unit: 'images/s',
            baseline: { name: 'plain tfjs predict, images in memory, one process', value: plainRate },
            target: { op: '>=', value: 30_000 },
          }),
          figure({
            name: `${workersName}, partitions of ${partitionSize}: CPU cores the workers used`,
            value: cores,
            unit: 'cores',
            note:
              count === 1 && !pinned
                ? `2 workers on 2 cores can at most reach ${(2 / cores).toFixed(2)}x this`
                : undefined,
          }),
          figure({
            name: `${workersName}, partitions of ${partitionSize}: peak RSS`,
            value: Math.max(...workers.map((w) => peakRssMiB(w.pid!))),
            unit: 'MiB',
            higherIsBetter: false,
          }),
        );
        if (count === 2)
          figures.push(
            figure({
              name: pinned
                ? `2 workers against 1, one core each, partitions of ${partitionSize}: images/s`
                : `2 workers against 1 on 2 shared cores, partitions of ${partitionSize}: images/s`,
              value: rate,
              unit: 'images/s',
              baseline: {
                name: `1 worker${pinned ? ' on one core' : ''}, same partitions`,
                value: oneWorkerRate,
              },
              // The scale-out target applies where each worker has its own core; on shared cores
              // the ceiling is 2 / (cores one worker keeps busy), reported beside it.
              target: pinned ? { op: '>=', value: oneWorkerRate * 1.7 } : undefined,
              note: pinned
                ? 'target: about 2x one worker (read as at least 1.7x, the sweep target)'
                : 'for comparison: the workers share both cores',
            }),
          );
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
