import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { testStack } from '../setup/stack.js';

/**
 * The environment of a command in its embedded mode (no TEMPORAL_ADDRESS: it runs its own worker)
 * against the test run's Temporal server: a state directory that names that server as the local
 * stack's, and a task queue base of the test's own.
 */
export function embeddedEnv(stack = testStack()): NodeJS.ProcessEnv & { IMAGELAKE_TASK_QUEUE: string } {
  const stateDir = mkdtempSync(join(tmpdir(), 'imagelake-embedded-'));
  copyFileSync(join(stack.stateDir, 'temporal.json'), join(stateDir, 'temporal.json'));
  return {
    TEMPORAL_ADDRESS: '',
    IMAGELAKE_STATE_DIR: stateDir,
    IMAGELAKE_TEMPORAL_PORT: stack.temporalAddress.split(':').at(-1),
    IMAGELAKE_TASK_QUEUE: `embedded-${randomBytes(4).toString('hex')}`,
  };
}

/** A child process's output as it comes, and its exit. */
export function watchProcess(child: ChildProcess): {
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
} {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  return { output, exited };
}

/**
 * The running workflow of that type whose id starts with `idPrefix`, once one of its activities
 * runs; fails at once with the command's output when the command that starts it ends first.
 */
export async function withActivityRunning(
  client: Client,
  command: {
    readonly idPrefix: string;
    readonly output: { stderr: string };
    readonly exited: Promise<unknown>;
  },
  workflowType: string,
  timeout = 90_000,
): Promise<WorkflowHandle> {
  const { idPrefix, output } = command;
  let ended = false;
  void command.exited.then(() => (ended = true));
  let handle: WorkflowHandle | undefined;
  await expect
    .poll(
      async () => {
        if (ended) throw new Error(`the command ended before its activity ran: ${output.stderr}`);
        handle ??= await find(client, workflowType, idPrefix);
        if (!handle) return false;
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        return pending.some((a) => String(a.state) === String(PENDING_ACTIVITY_STATE_STARTED));
      },
      { timeout, interval: 250 },
    )
    .toBe(true);
  return handle!;
}

/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED */
const PENDING_ACTIVITY_STATE_STARTED = 2;

async function find(
  client: Client,
  workflowType: string,
  idPrefix: string,
): Promise<WorkflowHandle | undefined> {
  for await (const w of client.workflow.list({
    query: `WorkflowType = '${workflowType}' AND ExecutionStatus = 'Running'`,
  }))
    if (w.workflowId.startsWith(idPrefix)) return client.workflow.getHandle(w.workflowId);
  return undefined;
}

/** The workflow's status once it is no longer running (or still RUNNING after the wait). */
export async function closedStatus(handle: WorkflowHandle, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const status = (await handle.describe()).status.name;
    if (status !== 'RUNNING' || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}
