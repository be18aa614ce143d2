import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForPort } from './ports.js';
import { privateDir, privateFile, withStackUmask } from './private-files.js';

/** A local server process the stack manages (the Temporal dev server, MinIO). */
export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment; values never reach the log or the state file. */
  readonly env?: Readonly<Record<string, string>>;
  readonly host: string;
  /** The port that says the service is ready once it accepts connections. */
  readonly port: number;
  /** What `stack status` prints: name -> address. */
  readonly urls: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export interface ServiceState {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly urls: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly log: string;
}

const stateFile = (stateDir: string, name: string) => join(stateDir, `${name}.json`);

/** Starts the service detached (it outlives this process), waits until its port answers. */
export async function startService(stateDir: string, spec: ServiceSpec): Promise<ServiceState> {
  privateDir(stateDir);
  const log = join(privateDir(join(stateDir, 'logs')), `${spec.name}.log`);
  const fd = openSync(log, 'a', 0o600);
  privateFile(log);
  // The server's own files (its data, its database) are its user's alone too.
  const child = withStackUmask(() =>
    spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...spec.env },
    }),
  );
  closeSync(fd);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`stack: could not start ${spec.name} (${spec.command}): ${error.message}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`stack: ${spec.name} exited with code ${code} while starting: see ${log}`)),
    );
  });
  child.unref();
  await Promise.race([
    waitForPort(spec.host, spec.port, spec.startTimeoutMs ?? 60_000, spec.name, log),
    exited,
  ]);
  const state: ServiceState = {
    name: spec.name,
    pid: child.pid ?? -1,
    port: spec.port,
    urls: spec.urls,
    startedAt: new Date().toISOString(),
    log,
  };
  await writeFile(stateFile(stateDir, spec.name), JSON.stringify(state, null, 2), { mode: 0o600 });
  privateFile(stateFile(stateDir, spec.name));
  return state;
}

/** The running service's state, or undefined (a stale state file of a dead process is removed). */
export async function readService(stateDir: string, name: string): Promise<ServiceState | undefined> {
  let state: ServiceState;
  try {
    state = JSON.parse(await readFile(stateFile(stateDir, name), 'utf8')) as ServiceState;
  } catch {
    return undefined;
  }
  if (isAlive(state.pid)) return state;
  await rm(stateFile(stateDir, name), { force: true });
  return undefined;
}

/** Stops the service: SIGTERM, then SIGKILL after a grace period. False when it was not running. */
export async function stopService(stateDir: string, name: string, graceMs = 10_000): Promise<boolean> {
  const state = await readService(stateDir, name);
  if (!state) return false;
  await terminate(state.pid, graceMs);
  await rm(stateFile(stateDir, name), { force: true });
  return true;
}

export async function terminate(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal(pid, 'SIGKILL');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ESRCH') throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
