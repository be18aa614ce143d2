import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityRetry } from './retry.js';

const { smokeWrite, smokeVerify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: activityRetry,
});

export interface SmokeInput {
  readonly lakeUri: string;
}
export interface SmokeResult {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly verified: boolean;
  readonly objectsUnderPrefix: number;
}

/** Proves the stack works end to end: a worker runs activities that commit to the lake and read back. */
export async function SmokeWorkflow({ lakeUri }: SmokeInput): Promise<SmokeResult> {
  const written = await smokeWrite({ lakeUri, runId: workflowInfo().workflowId });
  const checked = await smokeVerify({ lakeUri, key: written.key, sha256: written.sha256 });
  return {
    key: written.key,
    bytes: written.bytes,
    sha256: written.sha256,
    verified: checked.verified,
    objectsUnderPrefix: checked.objectsUnderPrefix,
  };
}
