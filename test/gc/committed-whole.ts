import { expect } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import { referencedStrings } from '../../lib/gc/garbage.js';
import { unitOf } from '../../lib/gc/units.js';
import { catalogRows } from '../catalog/helpers.js';

/**
 * Checks that everything committed in the lake is whole: every object a manifest names exists,
 * every batch file the catalog lists exists with its size, every image's batch is listed, and the
 * images are as many as the ingest manifests say. Returns the number of committed images.
 */
export async function expectCommittedWhole(deps: ActivityDeps, lakeUri: string): Promise<number> {
  const lake = deps.lakes.open(lakeUri);
  let ingested = 0;
  for await (const o of lake.list('manifests/')) {
    const body = JSON.parse((await lake.get(o.key)).toString()) as {
      kind?: string;
      counts?: { ingested: number };
    };
    if (o.key.startsWith('manifests/ingest/')) ingested += body.counts!.ingested;
    for (const named of referencedStrings(new Map([[o.key, body]])))
      if (unitOf(named)) expect(await lake.head(named), `${o.key} names ${named}`).toBeDefined();
  }
  for (const [key, bytes] of (await catalogRows(deps, lakeUri, 'SELECT key, bytes FROM batches')) as [
    string,
    bigint,
  ][])
    expect((await lake.head(key))?.size, key).toBe(Number(bytes));
  const [[images, unlisted]] = (await catalogRows(
    deps,
    lakeUri,
    'SELECT count(*), count(*) FILTER (WHERE batch_key NOT IN (SELECT key FROM batches)) FROM images',
  )) as [[bigint, bigint]];
  expect(Number(unlisted)).toBe(0);
  expect(Number(images)).toBe(ingested);
  return ingested;
}
