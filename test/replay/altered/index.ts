// SmokeWorkflow changed the wrong way: it calls its activities in another order without patched(),
// so replaying an old history must fail with a determinism error.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities/index.js';

const { smokeWrite, smokeVerify } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function SmokeWorkflow({ lakeUri }: { lakeUri: string }): Promise<unknown> {
  await smokeVerify({ lakeUri, key: 'smoke/x.json', sha256: '' });
  return smokeWrite({ lakeUri, runId: 'x' });
}
