import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { writeFile } from 'node:fs/promises';

/**
 * With RECORD_HISTORIES=1, saves a finished workflow's history under test/histories/ for the
 * replay test. Re-record only when a workflow change is meant to break old histories.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  const path = new URL(`../histories/${name}.json`, import.meta.url);
  // The proto3 JSON form, as `temporal workflow show --output json` writes it.
  await writeFile(path, historyToJSON(history));
}
