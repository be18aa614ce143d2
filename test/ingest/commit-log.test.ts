import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActivities, createActivityDeps } from '../../activities/index.js';
import { loadConfig } from '../../lib/config.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import { catalogRows } from '../catalog/helpers.js';
import { reliability } from '../reliability/tally.js';
import { beforePutIfAbsent } from './commit-gate.js';
import { fashionPngFolder } from './fixtures.js';

const deps = createActivityDeps(loadConfig());
const activities = createActivities(deps);
const mock = new MockActivityEnvironment();
const run = <A, R>(fn: (arg: A) => Promise<R>, arg: A) => mock.run(fn, arg) as Promise<R>;

/** Plans and stages one run of a folder (every chunk), as the workflow does before its commit. */
async function stage(lakeUri: string, runId: string, source: IngestSource) {
  const plan = await run(activities.planIngest, {
    lakeUri,
    runId,
    source,
    labels: { kind: 'parent-dir' },
    classes: null,
    chunkSize: 8,
  });
  for (let chunk = 0; chunk < plan.chunkCount; chunk++)
    await run(activities.ingestChunk, {
      lakeUri,
      runId,
      chunk,
      source,
      classes: plan.classes,
      classesGiven: false,
      normalize: {},
      partSize: 4,
      deflater: plan.deflater,
      ingestTimeMs: 0,
    });
  return { lakeUri, runId, source, classes: plan.classes };
}

describe('the ingest commit log', () => {
  it('a run that stopped after claiming its commit position is published by the next commit, before it, and its retry returns the same commit', async () => {
    const tally = reliability('fault');
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-commit-log-'));
    const source: IngestSource = { kind: 'files', root: await fashionPngFolder(20) };
    const first = await stage(lakeUri, 'first', source);
    const second = await stage(lakeUri, 'second', source);

    // The first commit claims position 1, then its worker dies before the manifest is published.
    let crash = true;
    beforePutIfAbsent(deps, async (key) => {
      if (crash && key === ingestLayout.manifest('first')) throw new Error('worker killed');
    });
    await expect(run(activities.commitIngest, first)).rejects.toThrow('worker killed');
    crash = false;
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM ingest_runs')).toEqual([[0n]]);

    // The second run holds the same images: the first stored them (position 1), so it stores none
    // and publishes the first's manifest before its own.
    const summary = await run(activities.commitIngest, second);
    expect(summary).toMatchObject({ seen: 20, ingested: 0, duplicates: 20, concurrentDuplicates: 20 });
    expect(
      await catalogRows(
        deps,
        lakeUri,
        'SELECT run_id, ingested, concurrent_duplicates, commit_position FROM ingest_runs ORDER BY commit_position',
      ),
    ).toEqual([
      ['first', 20n, 0n, 1n],
      ['second', 0n, 20n, 2n],
    ]);
    const [[images, distinct]] = (await catalogRows(
      deps,
      lakeUri,
      'SELECT count(*), count(DISTINCT sha256) FROM images',
    )) as [[bigint, bigint]];
    expect([images, distinct]).toEqual([20n, 20n]);
    tally.items(20, Number(distinct));

    // The first run's retry finds its claimed position: the same commit, no second one.
    expect(await run(activities.commitIngest, first)).toMatchObject({
      seen: 20,
      ingested: 20,
      duplicates: 0,
    });
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM ingest_runs')).toEqual([[2n]]);
  });
});
