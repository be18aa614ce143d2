import { Client, Connection } from '@temporalio/client';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { findFashionMnist } from '../../lib/idx/index.js';
import { LocalLake, TMP_DIR } from '../../lib/lake/local-lake.js';
import { spawnCli } from '../cli/run-cli.js';
import { stagedParts, startIdxIngest } from './support/idx-ingest.js';
import { testStack } from '../setup/stack.js';
import { reliability } from '../reliability/tally.js';

/** Every object of a local lake with the sha256 of its bytes, as the lake lists and reads them. */
async function lakeDigest(root: string): Promise<Record<string, string>> {
  const lake = new LocalLake(root);
  const out: Record<string, string> = {};
  for await (const { key } of lake.list(''))
    out[key] = createHash('sha256')
      .update(await lake.get(key))
      .digest('hex');
  return out;
}

/** Writes in flight: temp files the local lake has not yet moved into place. */
function tempFiles(root: string): string[] {
  return existsSync(join(root, TMP_DIR)) ? readdirSync(join(root, TMP_DIR)) : [];
}

it('an activity whose worker stops heartbeating (SIGSTOP) is retried on another worker; the stalled worker, resumed after the commit, changes nothing', async () => {
  const tally = reliability('fault');
  const stack = testStack();
  const taskQueue = `stall-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-stall-'));
  const env = { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const fm = findFashionMnist();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  // One activity slot: while it runs its chunk, the worker has no activity poll open to swallow the retry.
  const stalled = spawnCli(['worker', '--max-activities', '1'], env);
  let rescuer: ReturnType<typeof spawnCli> | undefined;
  try {
    const workflowId = `stall-${taskQueue}`;
    const handle = await startIdxIngest(client, {
      taskQueue,
      workflowId,
      lakeUri,
      images: fm.testImages,
      labels: fm.testLabels,
      chunkSize: 2500,
      partSize: 100,
      parallelism: 1,
      heartbeatTimeout: '3s',
    });
    const parts = stagedParts(lakeUri, workflowId);
    await expect.poll(parts, { timeout: 60_000, interval: 10 }).toBeGreaterThanOrEqual(2);
    rescuer = spawnCli(['worker'], env);
    stalled.kill('SIGSTOP'); // alive, holding its activity, but silent
    expect(parts()).toBeLessThan(100); // stalled mid-run, not after it

    const summary = await handle.result();
    tally.items(10_000, summary.ingested);
    expect(summary).toMatchObject({
      seen: 10_000,
      ingested: 10_000,
      duplicates: 0,
      quarantined: 0,
      batches: 100,
    });

    // The stalled attempt timed out on its heartbeat and a later attempt ran on the other worker.
    const history = await handle.fetchHistory();
    const retried = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes)
      .filter((a) => a && (a.attempt ?? 1) > 1);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    for (const a of retried) expect(a!.identity).toMatch(new RegExp(`^${rescuer.pid}@`));

    // Resume the stalled worker after the commit: its late attempt learns it is gone and writes nothing new.
    // A write it was in the middle of may still land, with the same bytes at the same key (retries are
    // byte-identical), and its temp file must not be left behind.
    const before = await lakeDigest(lakeUri);
    stalled.kill('SIGCONT');
    await sleep(8000); // several heartbeat intervals of the resumed worker
    expect(stalled.exitCode).toBeNull();
    // The resumed attempt may still write the part it was writing into the run's staging, which
    // the commit removed: garbage gc collects. Every other object must be unchanged.
    const after = await lakeDigest(lakeUri);
    const stale = Object.keys(after).filter((k) => !(k in before));
    expect(
      stale.every((k) => k.startsWith('ingest/') && k.includes('/staging/')),
      stale.join(', '),
    ).toBe(true);
    for (const k of stale) delete after[k];
    expect(after).toEqual(before);
    expect(tempFiles(lakeUri)).toEqual([]);
    expect((await handle.result()).ingested).toBe(10_000);
  } finally {
    stalled.kill('SIGCONT');
    stalled.kill('SIGKILL');
    rescuer?.kill('SIGKILL');
    await connection.close();
  }
});
