import { ingestLayout } from '../ingest/layout.js';
import { registryLayout } from '../registry/layout.js';
import { scoreLayout } from '../score/layout.js';
/**
 * The units gc reasons about: everything one run, model, evaluation, label import, dataset version
 * or smoke check wrote, named by the id that appears in all of its keys. A unit is committed once
 * its commit manifest exists; until then nothing of it is visible to readers.
 */
export const UNIT_KINDS = ['ingest', 'score', 'model', 'evaluation', 'labels', 'dataset', 'smoke'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export function isUnitKind(text: string): text is UnitKind {
  return (UNIT_KINDS as readonly string[]).includes(text);
}

export interface Unit {
  readonly kind: UnitKind;
  readonly id: string;
}

/** What a key is to its unit: a manifest (commit records and ledgers, never garbage) or data. */
export type KeyRole = 'manifest' | 'data';

export const unitName = (unit: Unit): string => `${unit.kind}:${unit.id}`;

const INGEST_TABLES = new Set(['images', 'batches', 'quarantine', 'duplicates', 'originals']);

/**
 * The unit a lake key belongs to, or undefined for a key gc does not know (kept, whatever it is).
 * Only the layouts imagelake writes are recognized, segment by segment; anything else is unknown.
 */
export function unitOf(key: string): { unit: Unit; role: KeyRole } | undefined {
  const s = key.split('/');
  const [top, second, third] = s;
  const n = s.length;
  const is = (kind: UnitKind, id: string | undefined, role: KeyRole) =>
    id ? { unit: { kind, id }, role } : undefined;
  switch (top) {
    case 'manifests':
      return manifestUnit(s);
    case 'ingest':
    case 'batches':
      return n >= 3 ? is('ingest', second, 'data') : undefined;
    case 'raw': // raw/runs/<run>/...: a run's containers of originals (raw/sha256/ is shared: unknown)
      return second === 'runs' && n >= 4 ? is('ingest', third, 'data') : undefined;
    case 'score':
      return n >= 3 ? is('score', second, 'data') : undefined;
    case 'models':
    case 'checkpoints':
      return n >= 3 ? is('model', second, 'data') : undefined;
    case 'smoke':
      return n === 2 ? is('smoke', stem(second, '.json'), 'data') : undefined;
    case 'incoming':
      return n === 3 && second === 'labels' ? is('labels', stem(third, '.csv', '.json'), 'data') : undefined;
    case 'meta':
      if (second === 'predictions') return n >= 4 ? is('score', third, 'data') : undefined;
      if (second === 'dataset_members' && n === 4) {
        const version = /^(v\d+)-[0-9a-f]+\.parquet$/.exec(s[3]!)?.[1];
        return version ? is('dataset', `${third}/${version}`, 'data') : undefined;
      }
      if (n !== 3) return undefined;
      // A run's table may carry a variant after a `.` (no run id has one): `<run>.<variant>.parquet`.
      if (INGEST_TABLES.has(second!)) return is('ingest', stem(third, '.parquet')?.split('.')[0], 'data');
      if (second === 'evaluation_predictions') return is('evaluation', stem(third, '.parquet'), 'data');
      if (second === 'human_labels') return is('labels', stem(third, '.parquet'), 'data');
      return undefined;
    default:
      return undefined;
  }
}

function manifestUnit(s: readonly string[]): { unit: Unit; role: KeyRole } | undefined {
  const [, kind, a, b] = s;
  const is = (k: UnitKind, id: string | undefined) =>
    id ? { unit: { kind: k, id }, role: 'manifest' as const } : undefined;
  if (s.length === 3) {
    if (kind === 'ingest') return is('ingest', stem(a, '.json'));
    if (kind === 'score_runs') return is('score', stem(a, '.json'));
    if (kind === 'models') return is('model', stem(a, '.json'));
    if (kind === 'evaluations') return is('evaluation', stem(a, '.json'));
    if (kind === 'labels') return is('labels', stem(a, '.json'));
  }
  if (s.length === 4) {
    if (kind === 'score_partitions' || kind === 'score_failures') return is('score', a);
    if (kind === 'datasets')
      return is('dataset', b && /^v\d+\.json$/.test(b) ? `${a}/${b.slice(0, -5)}` : undefined);
  }
  return undefined;
}

/** The manifest whose existence commits a unit; smoke objects have none (never committed). */
export function commitManifestOf(unit: Unit): string | undefined {
  switch (unit.kind) {
    case 'ingest':
      return ingestLayout.manifest(unit.id);
    case 'score':
      return scoreLayout.run(unit.id);
    case 'model':
      return registryLayout.manifest(unit.id);
    case 'evaluation':
      return `manifests/evaluations/${unit.id}.json`;
    case 'labels':
      return `manifests/labels/${unit.id}.json`;
    case 'dataset':
      return `manifests/datasets/${unit.id}.json`;
    case 'smoke':
      return undefined;
  }
}

/** The name without one of the extensions; undefined when it has none of them or nothing before it. */
function stem(name: string | undefined, ...extensions: string[]): string | undefined {
  const ext = extensions.find((e) => name?.endsWith(e));
  return ext && name!.length > ext.length ? name!.slice(0, -ext.length) : undefined;
}
