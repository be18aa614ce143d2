import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { parseLakeUri } from '../../lib/lake/lake-uri.js';
import { withTemporal } from '../../lib/temporal/session.js';
import type { SmokeResult } from '../../workflows/smoke.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the main job on the local stack (for now: a smoke workflow through the real Temporal server)',
    )
    .option('--lake <uri>', 'lake directory or s3://bucket/prefix (default IMAGELAKE_LAKE or ./lake)')
    .action(async (options: { lake?: string }) => {
      const config = loadConfig();
      const lakeUri = options.lake ?? config.lakeUri;
      parseLakeUri(lakeUri); // a malformed URI fails here, before any workflow starts
      const result = await withTemporal(config, async ({ client, address }) => {
        const workflowId = `smoke-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        console.log(`demo: starting SmokeWorkflow ${workflowId} on ${address}`);
        return client.workflow.execute<(input: { lakeUri: string }) => Promise<SmokeResult>>(
          'SmokeWorkflow',
          {
            workflowId,
            taskQueue: config.taskQueue,
            args: [{ lakeUri }],
          },
        );
      });
      console.log(
        `demo: committed ${result.key} (${result.bytes} bytes, sha256 ${result.sha256.slice(0, 12)}) to ${lakeUri}; verified: ${result.verified}`,
      );
      console.log(
        `demo: browse the workflow in the Temporal Web UI at http://127.0.0.1:${config.temporalPort + 1000}`,
      );
    });
}
