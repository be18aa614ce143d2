import type { Lake } from '../../lib/lake/lake.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestManifest } from '../../lib/ingest/manifest.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { mapLimit } from '../../lib/util/map-limit.js';
import type { MemoKind } from '../../lib/util/memo.js';
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

/** One lake's committed hashes, extended run by run as runs commit. */
interface LakeHashes {
  readonly runs: Set<string>;
  readonly hashes: Set<string>;
  /** The extension under way: one at a time, so two chunks do not load the same run twice. */
  extending: Promise<void>;
}

/** A hash (a 64-character hex string) and its entry in a Set, as measured, rounded up. */
const BYTES_PER_HASH = 112;

const LAKE_HASHES = {
  name: 'committed-hashes',
  bytes: (h) => h.hashes.size * BYTES_PER_HASH + h.runs.size * 64,
} satisfies MemoKind<LakeHashes>;

/**
 * The original sha256 of every committed image, for dedupe: one set per lake and worker, extended
 * with the runs committed since it was last asked (each new run adds its own images only), within
 * the worker's memo budget. The set keeps growing while a caller holds it: later commits only add.
 */
export async function knownHashes(
  deps: ActivityDeps,
  lake: Lake,
  excludeRun: string,
): Promise<ReadonlySet<string>> {
  const runs = (await committedRunIds(lake)).filter((run) => run !== excludeRun);
  const known = await deps.memo.get(LAKE_HASHES, lake.uri, async () => ({
    runs: new Set<string>(),
    hashes: new Set<string>(),
    extending: Promise.resolve(),
  }));
  const extended = known.extending.then(() =>
    addRuns(
      deps,
      lake,
      known,
      runs.filter((run) => !known.runs.has(run)),
    ),
  );
  known.extending = extended.catch(() => undefined); // the failure is this caller's to report
  await extended;
  deps.memo.resized(LAKE_HASHES, lake.uri, known);
  // A chunk of a run that is committed already (a late retry) must not find its own images known.
  if (known.runs.has(excludeRun)) return loadHashes(deps, lake, runs);
  return known.hashes;
}

/** The ids of the committed runs, from the manifests' keys (one listing, no reads). */
async function committedRunIds(lake: Lake): Promise<string[]> {
  const runs: string[] = [];
  for await (const key of lake.listKeys(ingestLayout.manifestPrefix))
    if (key.endsWith('.json')) runs.push(key.slice(ingestLayout.manifestPrefix.length, -'.json'.length));
  return runs;
}

async function addRuns(deps: ActivityDeps, lake: Lake, known: LakeHashes, runs: string[]): Promise<void> {
  if (runs.length === 0) return;
  const hashes = await loadHashes(deps, lake, runs);
  for (const sha of hashes) known.hashes.add(sha);
  for (const run of runs) known.runs.add(run);
}

async function loadHashes(deps: ActivityDeps, lake: Lake, runs: readonly string[]): Promise<Set<string>> {
  const set = new Set<string>();
  if (runs.length === 0) return set;
  const manifests = await mapLimit(
    runs,
    READ_CONCURRENCY,
    async (run) => JSON.parse((await lake.get(ingestLayout.manifest(run))).toString()) as IngestManifest,
  );
  const files = await mapLimit(manifests, READ_CONCURRENCY, (m) =>
    deps.mirror.localFile(lake, m.tables.images),
  );
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

const READ_CONCURRENCY = 16;
