import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';

/** A fast pipeline: a few PNGs in, a dataset, no training or scoring. */
async function tinyConfig(lakeUri: string): Promise<string> {
  const dir = await fashionPngFolder(20);
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    `lake: ${lakeUri}\nsources:\n  - path: ${dir}\n    labels: dir\ndataset:\n  name: tiny\n  query: SELECT image_id FROM images\ntrain: null\nscore: null\n`,
  );
  return file;
}

describe('pipeline schedules (Temporal Schedules on the real server)', () => {
  it('a schedule with a short interval fires a pipeline, then is deleted', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
      const name = `every-${taskQueue}`;
      const config = await tinyConfig(lakeUri);
      const created = await runCli(['schedule', 'create', name, '--every', '2s', '--config', config], env);
      expect(created.stderr).toBe('');
      expect(created.stdout).toContain('overlap skip, catch-up window 1h');
      const handle = client.schedule.getHandle(name);
      await expect
        .poll(async () => (await handle.describe()).info.recentActions.length, {
          timeout: 30_000,
          interval: 500,
        })
        .toBeGreaterThanOrEqual(1);
      const first = (await handle.describe()).info.recentActions[0]!.action.workflow;
      const summary = (await client.workflow
        .getHandle(first.workflowId, first.firstExecutionRunId)
        .result()) as { stages: { name: string; status: string }[] };
      expect(summary.stages.find((s) => s.name === 'ingest')?.status).toBeDefined();
      expect((await runCli(['schedule', 'delete', name], env)).code).toBe(0);
      await expect(handle.describe()).rejects.toThrow(/not found/i);
    });
  });

  it("without --cron or --every, the config's schedule field is the cron", async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
      const name = `cfg-${taskQueue}`;
      const config = await tinyConfig(lakeUri);
      writeFileSync(config, `${readFileSync(config, 'utf8')}schedule: "0 3 * * *"\n`);
      const created = await runCli(['schedule', 'create', name, '--config', config], env);
      expect(created.stdout).toContain('cron "0 3 * * *"');
      const handle = client.schedule.getHandle(name);
      const spec = (await handle.describe()).spec;
      expect(JSON.stringify(spec)).toMatch(/"hour":\[\{"start":3/);
      await handle.delete();
      const refused = await runCli(
        ['schedule', 'create', `${name}-x`, '--config', await tinyConfig(lakeUri)],
        env,
      );
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/give --cron or --every, or a schedule field/);
    });
  });

  it('a backfill of two missed intervals runs exactly two pipelines', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
      const name = `daily-${taskQueue}`;
      const config = await tinyConfig(lakeUri);
      expect(
        (
          await runCli(
            ['schedule', 'create', name, '--every', '24h', '--config', config, '--catchup-window', '1m'],
            env,
          )
        ).code,
      ).toBe(0);
      const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      const from = new Date(midnight - 2.5 * 86_400_000).toISOString();
      const to = new Date(midnight - 0.5 * 86_400_000).toISOString();
      expect((await runCli(['schedule', 'backfill', name, '--from', from, '--to', to], env)).code).toBe(0);
      const handle = client.schedule.getHandle(name);
      await expect
        .poll(async () => (await handle.describe()).info.numActionsTaken, { timeout: 30_000, interval: 500 })
        .toBe(2);
      for (const a of (await handle.describe()).info.recentActions)
        await client.workflow
          .getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId)
          .result();
      await new Promise((r) => setTimeout(r, 2000));
      expect((await handle.describe()).info.numActionsTaken).toBe(2);
      await handle.delete();
    });
  });
});
