import type { Lake, ObjectInfo } from '../lake/lake.js';
import { mapLimit } from '../util/map-limit.js';
import { claimForCollection, liveIntents } from './commit-guard.js';
import { COMMIT_LOG_PREFIX, findGarbage, type GarbagePlan, type GarbageUnit } from './garbage.js';
import { commitManifestOf, unitName } from './units.js';

export interface CollectOptions {
  /** Nothing of a unit goes until the unit has written nothing for this long. */
  readonly graceMs: number;
  /** Delete; otherwise only list (a dry run). */
  readonly apply: boolean;
  /** The clock the grace period is measured on. */
  readonly now?: () => number;
}

export interface CollectedUnit {
  readonly unit: string;
  readonly committed: boolean;
  readonly objects: number;
  readonly bytes: number;
  readonly newest: string;
  /** What became of it: listed (a dry run), deleted, or left with the reason. */
  readonly outcome: 'listed' | 'deleted' | { readonly kept: string };
}

export interface CollectReport {
  readonly lakeUri: string;
  readonly applied: boolean;
  readonly graceMs: number;
  readonly units: readonly CollectedUnit[];
  readonly kept: GarbagePlan['kept'];
  readonly deleted: { readonly objects: number; readonly bytes: number };
}

const READ_CONCURRENCY = 16;

/**
 * The default grace period: a run stalled that long (a worker down over a long weekend) still
 * resumes; one collected anyway fails at its commit instead of publishing what gc deleted.
 */
export const DEFAULT_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Lists the lake, then reads every manifest (so a commit that lands while the lake is listed is
 * seen), and finds the garbage. With `apply`, reads the manifests once more, then per unit: claims
 * it (an abandoned ingest run gets a tombstone that refuses its commit; see commit-guard.ts), and
 * deletes each object only if it is unchanged since the listing.
 */
export async function collectGarbage(lake: Lake, options: CollectOptions): Promise<CollectReport> {
  const now = (options.now ?? Date.now)();
  const objects = await listAll(lake);
  let manifests = await readManifests(lake, new Map());
  let plan = findGarbage({ objects, manifests: bodies(manifests), now, graceMs: options.graceMs });
  const deleted = { objects: 0, bytes: 0 };
  const units: CollectedUnit[] = [];
  if (options.apply && plan.garbage.length > 0) {
    manifests = await readManifests(lake, manifests);
    plan = findGarbage({ objects, manifests: bodies(manifests), now, graceMs: options.graceMs });
  }
  for (const garbage of plan.garbage) {
    const summary = {
      unit: unitName(garbage.unit),
      committed: garbage.committed,
      objects: garbage.objects.length,
      bytes: garbage.bytes,
      newest: garbage.newest.toISOString(),
    };
    if (!options.apply) {
      units.push({ ...summary, outcome: 'listed' });
      continue;
    }
    const kept =
      (await clearToCollect(lake, garbage, now, options.graceMs)) ?? (await remove(lake, garbage, deleted));
    units.push({ ...summary, outcome: kept === undefined ? 'deleted' : { kept } });
  }
  return {
    lakeUri: lake.uri,
    applied: options.apply,
    graceMs: options.graceMs,
    units,
    kept: plan.kept,
    deleted,
  };
}

/** Why a unit must stay after all, checked against the lake as it is now; undefined to go ahead. */
async function clearToCollect(
  lake: Lake,
  garbage: GarbageUnit,
  now: number,
  graceMs: number,
): Promise<string | undefined> {
  const { unit, committed } = garbage;
  if (unit.kind === 'ingest') {
    // Not committed: the tombstone protocol. Committed: its staging may be read by a late attempt.
    if (!committed) return claimForCollection(lake, unit, now, graceMs);
    return (await liveIntents(lake, unit, Date.now())) > 0 ? 'a commit attempt is under way' : undefined;
  }
  const manifest = commitManifestOf(unit);
  if (!committed && manifest && (await lake.head(manifest))) return 'committed meanwhile';
  return undefined;
}

/** Deletes the unit's objects in order, each only if unchanged since it was listed. */
async function remove(
  lake: Lake,
  garbage: GarbageUnit,
  deleted: { objects: number; bytes: number },
): Promise<string | undefined> {
  for (const listed of garbage.objects) {
    const current = await lake.head(listed.key);
    if (!current) continue; // gone already (another gc, or the run's own clean-up)
    if (current.etag !== listed.etag || seconds(current.lastModified) !== seconds(listed.lastModified))
      return `${listed.key} was written again meanwhile`;
    await lake.delete(listed.key);
    deleted.objects++;
    deleted.bytes += listed.size;
  }
  return undefined;
}

/** S3 gives listings in milliseconds and HEAD answers in whole seconds. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

async function listAll(lake: Lake): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of lake.list('')) out.push(o);
  return out;
}

interface ReadManifest {
  readonly etag: string;
  readonly body: unknown;
}

/** Every manifest and commit log entry, parsed; those already read with the same ETag are kept as they were. */
async function readManifests(
  lake: Lake,
  previous: ReadonlyMap<string, ReadManifest>,
): Promise<Map<string, ReadManifest>> {
  const infos: ObjectInfo[] = [];
  for (const prefix of ['manifests/', COMMIT_LOG_PREFIX])
    for await (const o of lake.list(prefix)) if (o.key.endsWith('.json')) infos.push(o);
  const read = await mapLimit(infos, READ_CONCURRENCY, async (info): Promise<ReadManifest> => {
    const known = previous.get(info.key);
    if (known?.etag === info.etag) return known;
    const text = (await lake.get(info.key)).toString();
    try {
      return { etag: info.etag, body: JSON.parse(text) as unknown };
    } catch (error) {
      // What it names cannot be known, so nothing can be shown to be unreferenced.
      throw new Error(
        `gc: manifest ${info.key} is not valid JSON (${(error as Error).message}); nothing was deleted`,
      );
    }
  });
  return new Map(infos.map((info, i) => [info.key, read[i]!]));
}

function bodies(manifests: ReadonlyMap<string, ReadManifest>): Map<string, unknown> {
  return new Map([...manifests].map(([key, m]) => [key, m.body]));
}
