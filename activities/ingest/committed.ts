import type { Lake } from '../../lib/lake/lake.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestManifest } from '../../lib/ingest/manifest.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import type { ActivityDeps } from '../deps.js';

/** Every committed ingest run of the lake (a run without a manifest does not exist for readers). */
export async function committedManifests(lake: Lake): Promise<IngestManifest[]> {
  const manifests: IngestManifest[] = [];
  for await (const o of lake.list(ingestLayout.manifestPrefix)) {
    if (o.key.endsWith('.json'))
      manifests.push(JSON.parse((await lake.get(o.key)).toString()) as IngestManifest);
  }
  return manifests;
}

/**
 * The original sha256 of every committed image, for dedupe. Memoized per worker by the set of
 * committed runs, so the chunks of one run load it once.
 */
export async function knownHashes(
  deps: ActivityDeps,
  lake: Lake,
  excludeRun: string,
): Promise<ReadonlySet<string>> {
  const manifests = (await committedManifests(lake)).filter((m) => m.runId !== excludeRun);
  const memoKey = `hashes:${lake.uri}:${manifests
    .map((m) => m.runId)
    .sort()
    .join(',')}`;
  let hashes = deps.memo.get(memoKey) as Promise<ReadonlySet<string>> | undefined;
  if (!hashes) {
    hashes = loadHashes(deps, lake, manifests);
    deps.memo.set(memoKey, hashes);
    hashes.catch(() => deps.memo.delete(memoKey));
  }
  return hashes;
}

async function loadHashes(
  deps: ActivityDeps,
  lake: Lake,
  manifests: IngestManifest[],
): Promise<ReadonlySet<string>> {
  const set = new Set<string>();
  if (manifests.length === 0) return set;
  const files = await Promise.all(manifests.map((m) => deps.mirror.localFile(lake, m.tables.images)));
  const connection = await (await deps.duckdb()).connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT sha256 FROM read_parquet([${files.map(quoteLiteral).join(', ')}])`,
    );
    for (const sha of reader.getColumnsJS()[0] ?? []) set.add(sha as string);
  } finally {
    connection.closeSync();
  }
  return set;
}
