import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli } from '../cli/run-cli.js';

/** Starts `imagelake worker` processes on a task queue and waits until each polls it. */
export async function startWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): Promise<ChildProcess[]> {
  const workers = Array.from({ length: count }, () => spawnCli(['worker', ...args], env));
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

export async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  await sleep(200);
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
}
