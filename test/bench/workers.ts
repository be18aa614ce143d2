import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { FASHION_MNIST_CLASSES, findFashionMnist } from '../../lib/idx/index.js';
import { DatasetCreateWorkflow, IngestWorkflow } from '../../workflows/index.js';
import { spawnCli } from '../cli/run-cli.js';

/**
 * Starts `imagelake worker` processes on a task queue and waits until each polls it. `pinned`:
 * worker i runs on CPU i only (one core per worker, as one worker per machine would be).
 */
export async function startWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
  options: { pinned?: boolean } = {},
): Promise<ChildProcess[]> {
  if (options.pinned && count > availableParallelism())
    throw new Error(
      `bench: ${count} pinned workers need ${count} CPUs, this machine has ${availableParallelism()}`,
    );
  const workers = Array.from({ length: count }, (_, i) =>
    spawnCli(['worker', ...args], env, options.pinned ? i : undefined),
  );
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          w.stdout?.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('polling task queue')) resolve();
          });
          w.once('exit', (code) =>
            reject(new Error(`bench: a worker exited with code ${code} before polling`)),
          );
        }),
    ),
  );
  return workers;
}

/** Peak resident memory of a live process in MiB (Linux VmHWM). */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU time (user + system, every thread) a live process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
}

export async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  await sleep(200);
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
}

/** The 60k Fashion-MNIST training images ingested into the lake, and a dataset `fm` (90/10 train/val) of them. */
export async function fashionTrainLake(client: Client, taskQueue: string, lakeUri: string): Promise<void> {
  const fm = findFashionMnist();
  const id = () => `bench-${randomBytes(4).toString('hex')}`;
  await client.workflow.execute(IngestWorkflow, {
    taskQueue,
    workflowId: id(),
    args: [
      {
        lakeUri,
        source: { kind: 'idx', images: fm.trainImages, labels: fm.trainLabels },
        labels: { kind: 'idx' },
        classes: [...FASHION_MNIST_CLASSES],
        normalize: {},
      },
    ],
  });
  await client.workflow.execute(DatasetCreateWorkflow, {
    taskQueue,
    workflowId: id(),
    args: [
      {
        lakeUri,
        name: 'fm',
        query: 'SELECT image_id FROM images',
        split: { train: 0.9, val: 0.1, test: 0 },
        seed: 1,
        stratify: false,
        classes: null,
      },
    ],
  });
}

/**
 * Starts cheap workflows until every worker has taken the first task of one: a worker's first
 * workflow costs it about 0.1 s more (its workflow runtime warming up), and which worker gets a
 * new workflow is the server's choice, so one warm-up run does not warm them all.
 */
export async function warmEveryWorker(
  client: Client,
  workers: readonly ChildProcess[],
  runOne: () => Promise<string>,
  tries = 20,
): Promise<void> {
  const cold = new Set(workers.map((w) => String(w.pid)));
  for (let i = 0; i < tries && cold.size > 0; i++) {
    const history = await client.workflow.getHandle(await runOne()).fetchHistory();
    const first = history.events?.find((e) => e.workflowTaskStartedEventAttributes);
    cold.delete(first?.workflowTaskStartedEventAttributes?.identity?.split('@')[0] ?? '');
  }
  if (cold.size > 0)
    throw new Error(`bench: workers ${[...cold].join(', ')} took no workflow in ${tries} runs`);
}
