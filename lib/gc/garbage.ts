import type { ObjectInfo } from '../lake/lake.js';
import { gcLayout, INTENT_LIFETIME_MS } from './layout.js';
import { commitManifestOf, isUnitKind, unitName, unitOf, type Unit } from './units.js';

/** One listing of the lake and the manifests read after it: all gc decides from. */
export interface GarbageInput {
  /** Every object of the lake, `manifests/` and `gc/` included. */
  readonly objects: readonly ObjectInfo[];
  /** Every manifest and ingest commit log entry, parsed, by key: read after `objects` was listed. */
  readonly manifests: ReadonlyMap<string, unknown>;
  readonly now: number;
  /** Nothing of a unit is garbage until the unit's newest object is at least this old. */
  readonly graceMs: number;
}

/** Why an object stays. */
export type KeepReason =
  /** Commit records and ledgers: never collected. */
  | 'manifest'
  /** Named by a manifest. */
  | 'referenced'
  /** Part of a committed unit without being named (its batches, model files, label file). */
  | 'committed'
  /** Its unit wrote something within the grace period: a run may be in progress. */
  | 'recent'
  /** A commit of its unit is under way (a live intent). */
  | 'committing'
  /** Not in a layout gc knows: never touched. */
  | 'unknown'
  /** gc's own records. */
  | 'gc';

export interface GarbageUnit {
  readonly unit: Unit;
  /** Whether the unit's commit manifest exists (then only its leftovers go). */
  readonly committed: boolean;
  /** In deletion order. */
  readonly objects: readonly ObjectInfo[];
  readonly bytes: number;
  /** When the unit last wrote anything. */
  readonly newest: Date;
}

export interface GarbagePlan {
  readonly garbage: readonly GarbageUnit[];
  readonly kept: Readonly<Record<KeepReason, { objects: number; bytes: number }>>;
}

interface UnitObjects {
  readonly unit: Unit;
  readonly data: ObjectInfo[];
  readonly intents: ObjectInfo[];
  newest: number;
}

/**
 * What is garbage: objects no manifest names and no committed unit owns, of units that wrote
 * nothing within the grace period and have no commit under way. Pure: the same listing and
 * manifests give the same plan. Deciding is not deleting: see collect.ts for the re-checks.
 */
export function findGarbage(input: GarbageInput): GarbagePlan {
  const kept = emptyKept();
  const keep = (reason: KeepReason, o: ObjectInfo) => {
    kept[reason].objects++;
    kept[reason].bytes += o.size;
  };
  const referenced = referencedStrings(input.manifests);
  const logged = loggedIngestCommits(input.manifests);
  const units = new Map<string, UnitObjects>();
  const unitEntry = (unit: Unit) => {
    const name = unitName(unit);
    let entry = units.get(name);
    if (!entry) units.set(name, (entry = { unit, data: [], intents: [], newest: 0 }));
    return entry;
  };
  for (const o of input.objects) {
    if (o.key.startsWith(gcLayout.prefix)) {
      const unit = intentUnit(o.key);
      if (unit) unitEntry(unit).intents.push(o);
      else keep('gc', o);
      continue;
    }
    const owner = unitOf(o.key);
    if (!owner) {
      keep(o.key.startsWith('manifests/') || o.key.startsWith(COMMIT_LOG_PREFIX) ? 'manifest' : 'unknown', o);
      continue;
    }
    const entry = unitEntry(owner.unit);
    entry.newest = Math.max(entry.newest, o.lastModified.getTime());
    if (owner.role === 'manifest') keep('manifest', o);
    else entry.data.push(o);
  }

  const garbage: GarbageUnit[] = [];
  for (const { unit, data, intents, newest } of units.values()) {
    const manifestKey = commitManifestOf(unit);
    // An ingest run is committed once its commit log entry exists, before its manifest is published.
    const manifest =
      (manifestKey === undefined ? undefined : input.manifests.get(manifestKey)) ??
      (unit.kind === 'ingest' ? logged.get(unit.id) : undefined);
    const committed = manifest !== undefined;
    const candidates: ObjectInfo[] = [];
    for (const o of data) {
      if (referenced.has(o.key)) keep('referenced', o);
      else if (committed && ownedByCommit(unit, o.key, manifest)) keep('committed', o);
      else candidates.push(o);
    }
    const live = intents.filter((o) => input.now - o.lastModified.getTime() < INTENT_LIFETIME_MS);
    const stale = intents.filter((o) => !live.includes(o));
    live.forEach((o) => keep('gc', o));
    if (candidates.length === 0 && stale.length === 0) continue;
    const hold: KeepReason | undefined =
      live.length > 0 ? 'committing' : input.now - newest < input.graceMs ? 'recent' : undefined;
    if (hold) {
      candidates.forEach((o) => keep(hold, o));
      stale.forEach((o) => keep('gc', o));
      continue;
    }
    const objects = [...deletionOrder(candidates), ...stale];
    garbage.push({
      unit,
      committed,
      objects,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      newest: new Date(Math.max(newest, ...stale.map((o) => o.lastModified.getTime()))),
    });
  }
  garbage.sort((a, b) => unitName(a.unit).localeCompare(unitName(b.unit)));
  return { garbage, kept };
}

/**
 * Objects of a committed unit that its manifest does not name but that belong to it: an ingest
 * run's Avro batches and containers of originals (listed in its batches and originals tables), a model's files (the card beside the
 * artifacts), the label file an import read, the single plan file of score runs planned before
 * plans were named by digest.
 */
function ownedByCommit(unit: Unit, key: string, manifest: unknown): boolean {
  switch (unit.kind) {
    case 'ingest':
      return key.startsWith(`batches/${unit.id}/`) || key.startsWith(`raw/runs/${unit.id}/`);
    case 'model':
      return key.startsWith(`models/${unit.id}/`);
    case 'labels':
      return key.startsWith('incoming/labels/');
    case 'score':
      return key === `score/${unit.id}/plan.parquet` && !hasField(manifest, 'plan');
    default:
      return false;
  }
}

/** The commit records of the ingest commit log (lib/ingest/layout.ts): manifests too, never garbage. */
export const COMMIT_LOG_PREFIX = 'commits/';

/** The ingest runs the commit log holds a manifest of, by run id. */
function loggedIngestCommits(manifests: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, body] of manifests) {
    const runId = (body as { runId?: unknown } | null)?.runId;
    if (key.startsWith('commits/ingest/') && typeof runId === 'string') out.set(runId, body);
  }
  return out;
}

/** Every string anywhere in any manifest: whatever a manifest names, in whatever field, stays. */
export function referencedStrings(manifests: ReadonlyMap<string, unknown>): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  manifests.forEach(walk);
  return out;
}

/**
 * Markers first: a checkpoint's state.json (its presence means the checkpoint is whole) and a
 * run's plan.json (its presence means the plan is complete), so an interrupted collection never
 * leaves a marker that vouches for files already gone.
 */
function deletionOrder(objects: readonly ObjectInfo[]): ObjectInfo[] {
  const marker = (o: ObjectInfo) => /(^|\/)(state|plan)\.json$/.test(o.key);
  return [...objects.filter(marker), ...objects.filter((o) => !marker(o))];
}

/** The unit of `gc/intents/<kind>/<id>/<attempt>.json` (an id may hold `/`). */
function intentUnit(key: string): Unit | undefined {
  if (!key.startsWith(gcLayout.intentsPrefix)) return undefined;
  const s = key.slice(gcLayout.intentsPrefix.length).split('/');
  if (s.length < 3) return undefined;
  const kind = s[0]!;
  return isUnitKind(kind) ? { kind, id: s.slice(1, -1).join('/') } : undefined;
}

function hasField(value: unknown, field: string): boolean {
  return typeof value === 'object' && value !== null && field in value;
}

function emptyKept(): Record<KeepReason, { objects: number; bytes: number }> {
  const reasons: KeepReason[] = [
    'manifest',
    'referenced',
    'committed',
    'recent',
    'committing',
    'unknown',
    'gc',
  ];
  return Object.fromEntries(reasons.map((r) => [r, { objects: 0, bytes: 0 }])) as Record<
    KeepReason,
    { objects: number; bytes: number }
  >;
}
