import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { UserError } from '../lib/errors.js';
import { ingestRequestId, sourceUri } from '../lib/ingest/request.js';
import type { IngestInput } from '../workflows/ingest.js';

/**
 * Refuses to attach to an existing ingest run started for another request: a run id names one
 * source and one request (the same request attaches, and so resumes or returns that run). The
 * request is read from the input the run was started with.
 */
export async function refuseOtherRequest(handle: WorkflowHandle, input: IngestInput): Promise<void> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error(`ingest: run ${handle.workflowId} has no recorded input`);
  const started = defaultPayloadConverter.fromPayload<IngestInput>(payload as Payload);
  if (ingestRequestId(started) !== ingestRequestId(input))
    throw new UserError(
      `ingest: run id "${handle.workflowId}" already names another request (source ${sourceUri(started.source)}): a run id names one source and one request; choose another --run-id`,
    );
}
