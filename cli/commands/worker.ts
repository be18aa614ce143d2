import type { Command } from 'commander';
import { hostname } from 'node:os';
import { closeActivityDeps, createActivityDeps } from '../../activities/index.js';
import { defaultDeflater } from '../../lib/avro/index.js';
import { loadConfig } from '../../lib/config.js';
import { nativeCodecReason } from '../../lib/native/codec.js';
import { createWorker } from '../../lib/temporal/worker.js';
import { BOUNDS } from '../../workflows/input-bounds.js';
import { boundedInt } from '../options.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker with every workflow and activity (Ctrl-C stops it after in-flight tasks)')
    .option('--task-queue <queue>', 'task queue to poll (default IMAGELAKE_TASK_QUEUE or imagelake)')
    .option('--max-activities <n>', 'activities run at once', boundedInt(BOUNDS.inFlight))
    .action(async (options: { taskQueue?: string; maxActivities?: number }) => {
      const config = loadConfig();
      const address = config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`;
      const taskQueue = options.taskQueue ?? config.taskQueue;
      const deps = createActivityDeps(config);
      const { worker, connection } = await createWorker({
        address,
        namespace: config.namespace,
        taskQueue,
        deps,
        maxConcurrentActivityTaskExecutions: options.maxActivities,
        identity: `${process.pid}@${hostname()}`,
      });
      console.log(`worker: ${codecLine()}`);
      console.log(`worker: polling task queue "${taskQueue}" on ${address}`);
      try {
        await worker.run();
      } finally {
        await connection.close();
        await closeActivityDeps(deps);
      }
    });
}

/** What ingest runs planned here write with, and why not the native codec when it is not in use. */
function codecLine(): string {
  const reason = nativeCodecReason();
  const deflater = defaultDeflater().id;
  return reason === undefined
    ? `Avro batches deflate with ${deflater}; small PNGs decode natively`
    : `Avro batches deflate with ${deflater}, small PNGs decode in JS: the native codec is not in use (${reason})`;
}
