import { UserError } from '../errors.js';

/**
 * The largest workflow input a command starts: it is stored in the workflow's history and again in
 * each child's and activity's input made from it; Temporal warns above this size, and fails a
 * history event at a few times it.
 */
export const MAX_WORKFLOW_INPUT_BYTES = 256 * 1024;

/** Refuses a workflow input too big for its history, before anything starts. */
export function assertInputFits(workflowType: string, args: readonly unknown[] | undefined): void {
  const bytes = Buffer.byteLength(JSON.stringify(args ?? []) ?? '');
  if (bytes > MAX_WORKFLOW_INPUT_BYTES)
    throw new UserError(
      `temporal: the input of ${workflowType} is ${kib(bytes)} KiB, over the ${kib(MAX_WORKFLOW_INPUT_BYTES)} KiB a workflow input may carry: give fewer items per run (large lists belong in the lake, named by key)`,
    );
}

const kib = (bytes: number) => Math.ceil(bytes / 1024).toLocaleString('en');
