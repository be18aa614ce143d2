import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../activities/ingest/commit-ingest.js';
import { collectGarbage, type CollectReport } from '../../lib/gc/collect.js';
import { gcLayout } from '../../lib/gc/layout.js';
import type { Lake } from '../../lib/lake/lake.js';
import { ingestProgressQuery } from '../../workflows/definitions.js';
import { startIngestFashion } from '../catalog/helpers.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { innermost, withTestWorker } from '../setup/temporal.js';
import { expectCommittedWhole } from './committed-whole.js';

const HOUR = 3_600_000;

/** Starts a real ingest of the first n test images, in many small parts (a commit with much to read). */
const startIngest = (client: Client, taskQueue: string, lakeUri: string, runId: string, n: number) =>
  startIngestFashion(client, taskQueue, lakeUri, n, runId, { chunkSize: 300, partSize: 50 });

/** Runs gc --apply over and over until `work` settles; every pass's report. */
async function collectWhile(lake: Lake, graceMs: number, work: Promise<unknown>): Promise<CollectReport[]> {
  let done = false;
  const settled = work.then(
    () => (done = true),
    () => (done = true),
  );
  const passes: CollectReport[] = [];
  while (!done) {
    passes.push(await collectGarbage(lake, { graceMs, apply: true }));
    await Promise.race([settled, sleep(20)]);
  }
  return passes;
}

async function hasIntent(lake: Lake, runId: string): Promise<boolean> {
  for await (const _ of lake.listKeys(gcLayout.intentPrefix({ kind: 'ingest', id: runId }))) return true;
  return false;
}

describe.each(['local', 'MinIO'])('gc beside a running ingest (%s lake)', (backend) => {
  it('never deletes committed data: a run collected mid-way is refused at its commit, one committing beside gc goes through', async () => {
    const tally = reliability('fault', 3);
    await withTestWorker(async ({ client, taskQueue, lakeUri: localUri, deps }) => {
      const lakeUri =
        backend === 'local' ? localUri : `s3://${testStack().s3.bucket}/gc-${randomBytes(4).toString('hex')}`;
      const lake = deps.lakes.open(lakeUri);
      const id = (name: string) => `${name}-${taskQueue}`;

      // 1. A grace period of an hour: gc runs all along and the run commits untouched.
      const first = await startIngest(client, taskQueue, lakeUri, id('beside-grace'), 600);
      const withGrace = await collectWhile(lake, HOUR, first.result());
      const committed = (await first.result()) as IngestSummary;
      expect(committed.ingested).toBe(600);
      expect(withGrace.every((p) => p.deleted.objects === 0)).toBe(true);
      expect(withGrace.some((p) => p.kept.recent.objects > 0)).toBe(true); // gc saw the run at work
      tally.items(600, await expectCommittedWhole(deps, lakeUri));

      // 2. No grace period: gc takes the run in progress. Its commit is refused, never published.
      const second = await startIngest(client, taskQueue, lakeUri, id('collected'), 1200);
      const collected = await collectWhile(lake, 0, second.result());
      const error = await second.result().catch((e: unknown) => e);
      expect(innermost(error)).toMatch(/^ingest: run collected-.* was collected by imagelake gc at /);
      expect(collected.some((p) => p.units.some((u) => u.outcome === 'deleted'))).toBe(true);
      expect(await lake.head(`manifests/ingest/${id('collected')}.json`)).toBeUndefined();
      tally.items(600, await expectCommittedWhole(deps, lakeUri)); // the first run is whole

      // 3. No grace period, gc starting once the commit is under way: gc leaves the run alone.
      const third = await startIngest(client, taskQueue, lakeUri, id('committing'), 1800);
      while (!(await hasIntent(lake, id('committing')))) {
        const progress = await third.query(ingestProgressQuery);
        if (progress.phase === 'done') break;
        await sleep(10);
      }
      const beside = await collectWhile(lake, 0, third.result());
      const summary = (await third.result()) as IngestSummary;
      expect(summary.ingested).toBe(1200); // the first 600 are the first run's
      // gc passes ran while the commit was under way and left the run alone
      expect(beside.filter((p) => p.kept.committing.objects > 0).length).toBeGreaterThan(1);
      expect(beside.every((p) => p.units.every((u) => u.outcome === 'deleted'))).toBe(true);
      tally.items(1800, await expectCommittedWhole(deps, lakeUri));
      await collectGarbage(lake, { graceMs: 0, apply: true });
      const left: string[] = [];
      for await (const key of lake.listKeys('')) if (key.includes(id('collected'))) left.push(key);
      expect(left).toEqual([`gc/collected/ingest/${id('collected')}.json`]);
      tally.items(1800, await expectCommittedWhole(deps, lakeUri));
    });
  });
});
