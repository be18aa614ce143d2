import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../cli/run-cli.js';

/** An `imagelake worker` child process whose output is kept. */
export interface WorkerProcess {
  readonly process: ChildProcess;
  /** Its stdout and stderr so far. */
  log(): string;
  /** Resolves once it polls its task queue; rejects if it exits first. */
  readonly ready: Promise<void>;
}

export function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawnCli(['worker'], env);
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('worker: polling')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${log}`)));
  });
  ready.catch(() => {}); // awaited later: an early exit must not be an unhandled rejection
  return { process: child, log: () => log, ready };
}

/** SIGTERM (the worker finishes in-flight tasks and exits), then waits for the exit. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  const p = worker.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGTERM');
  await exited;
}
