import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../histories/', import.meta.url);

/** A recorded history as the replay test reads it: its file name, workflow type and id, and JSON. */
export interface RecordedHistory {
  readonly file: string;
  readonly workflowType: string;
  /** The original workflow id (the file name's part after `__`): child ids are derived from it. */
  readonly workflowId: string;
  readonly history: unknown;
}

/** Every history under test/histories/, with the workflow type its first event names. */
export function recordedHistories(): RecordedHistory[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const history = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as {
        events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
      };
      const workflowType =
        history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      return { file, workflowType, workflowId: file.replace(/\.json$/, '').split('__')[1] ?? file, history };
    });
}

/**
 * With RECORD_HISTORIES=1, saves one completed history of each workflow type that has none yet
 * (from the workflows a test ran on `taskQueue`) under test/histories/<Type>__<workflow id>.json for the replay
 * test. To re-record a type on purpose (a change meant to break old histories), delete its file first.
 */
export async function recordHistories(client: Client, taskQueue: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const have = new Set(recordedHistories().map((h) => h.workflowType));
  for await (const w of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'`,
  })) {
    if (have.has(w.type)) continue;
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    // The proto3 JSON form, as `temporal workflow show --output json` writes it.
    writeFileSync(new URL(`${w.type}__${w.workflowId}.json`, dir), historyToJSON(history));
    have.add(w.type);
  }
}
