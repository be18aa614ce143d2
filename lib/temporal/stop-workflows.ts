import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';

/** What became of a workflow a stopped command had started, as its line says it. */
export type StopOutcome = 'cancelled' | 'terminated' | 'finished' | 'failed' | 'cancel requested';

/**
 * Requests the cancellation of every workflow (each stage commits by manifest, so a cancelled one
 * leaves nothing half-committed) and waits up to `graceMs` for them to close. With `terminate`,
 * those still open then are terminated: a command's own workflows have no other worker to finish
 * their cancellation once it exits.
 */
export async function stopWorkflows(
  handles: readonly WorkflowHandle[],
  options: { readonly graceMs: number; readonly terminate: boolean },
): Promise<Map<string, StopOutcome>> {
  const outcomes = new Map<string, StopOutcome>();
  await Promise.all(
    handles.map(async (handle) => {
      await handle.cancel().catch(() => undefined); // already closed: its result says how
      let outcome = await closedWithin(handle, options.graceMs);
      if (outcome === 'cancel requested' && options.terminate) {
        await handle.terminate('imagelake: the command was interrupted and its cancellation did not finish');
        outcome = 'terminated';
      }
      outcomes.set(handle.workflowId, outcome);
    }),
  );
  return outcomes;
}

/** Terminates the workflows at once (a second Ctrl-C), each failure to do so ignored: it may have closed. */
export async function terminateWorkflows(handles: readonly WorkflowHandle[]): Promise<void> {
  await Promise.all(
    handles.map((h) => h.terminate('imagelake: the command was interrupted twice').catch(() => undefined)),
  );
}

async function closedWithin(handle: WorkflowHandle, ms: number): Promise<StopOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StopOutcome>(
    (resolve) => (timer = setTimeout(resolve, ms, 'cancel requested')),
  );
  const closed = handle.result().then(
    (): StopOutcome => 'finished',
    (error: unknown): StopOutcome => outcomeOf(error),
  );
  try {
    return await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function outcomeOf(error: unknown): StopOutcome {
  // Not the workflow's own failure (the server could not be asked): the request is all we know of.
  if (!(error instanceof WorkflowFailedError)) return 'cancel requested';
  if (error.cause instanceof CancelledFailure) return 'cancelled';
  if (error.cause instanceof TerminatedFailure) return 'terminated';
  return 'failed';
}
