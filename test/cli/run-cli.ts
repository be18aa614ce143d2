import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `imagelake` command in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Starts a long-running `imagelake` command (a worker); the caller kills it. With `cpu`, the
 * process and all its threads run on that CPU only (taskset, util-linux).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, cpu?: number): ChildProcess {
  const command = [process.execPath, CLI, ...args];
  if (cpu !== undefined) command.unshift('taskset', '--cpu-list', String(cpu));
  return spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts `imagelake worker` on a task queue of the test server and waits until it polls. `output`
 * is what it printed so far; the caller kills it.
 */
export async function startCliWorker(
  env: NodeJS.ProcessEnv & { IMAGELAKE_TASK_QUEUE: string },
): Promise<{ worker: ChildProcess; output: () => string }> {
  const worker = spawnCli(['worker'], env);
  let output = '';
  worker.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const ready = `polling task queue "${env.IMAGELAKE_TASK_QUEUE}"`;
  for (const started = Date.now(); !output.includes(ready); await sleep(200)) {
    if (Date.now() - started > 60_000 || worker.exitCode !== null) {
      worker.kill('SIGTERM');
      throw new Error(`imagelake worker did not start polling within 60 s: ${output}`);
    }
  }
  return { worker, output: () => output };
}
