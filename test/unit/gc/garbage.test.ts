import { describe, expect, it } from 'vitest';
import { findGarbage, referencedStrings } from '../../../lib/gc/garbage.js';
import { INTENT_LIFETIME_MS } from '../../../lib/gc/layout.js';
import type { ObjectInfo } from '../../../lib/lake/lake.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3_600_000;
const GRACE = HOUR;

/** An object last written `ageMs` before NOW. */
const at = (key: string, ageMs: number, size = 10): ObjectInfo => ({
  key,
  size,
  etag: `${key}-${ageMs}`,
  lastModified: new Date(NOW - ageMs),
});
const old = (key: string) => at(key, 2 * HOUR);

const ingestManifest = (run: string) => ({
  kind: 'ingest',
  runId: run,
  tables: {
    images: `meta/images/${run}.parquet`,
    batches: `meta/batches/${run}.parquet`,
    quarantine: `meta/quarantine/${run}.parquet`,
    duplicates: `meta/duplicates/${run}.parquet`,
  },
});
const ingestTables = (run: string) =>
  ['images', 'batches', 'quarantine', 'duplicates'].map((t) => old(`meta/${t}/${run}.parquet`));

/** A lake with one case of every rule. */
function lake() {
  const manifests = new Map<string, unknown>([
    ['manifests/ingest/done.json', ingestManifest('done')],
    ['manifests/ingest/fresh.json', ingestManifest('fresh')],
    ['manifests/ingest/stale-intent.json', ingestManifest('stale-intent')],
    [
      'manifests/score_runs/s1.json',
      {
        kind: 'score-run',
        runId: 's1',
        plan: { images: 'score/s1/plan-aaa.parquet', files: 'score/s1/plan-files-aaa.parquet' },
      },
    ],
    [
      'manifests/score_partitions/s1/p000000.json',
      { tables: { predictions: 'meta/predictions/s1/m1/p000000.parquet' } },
    ],
    ['manifests/score_runs/legacy.json', { kind: 'score-run', runId: 'legacy' }],
    [
      'manifests/models/m1.json',
      {
        kind: 'model',
        id: 'm1',
        artifacts: { modelJson: 'models/m1/model.json', weights: 'models/m1/weights.bin' },
      },
    ],
    [
      'manifests/datasets/fm/v000001.json',
      { tables: { dataset_members: 'meta/dataset_members/fm/v000001-aaaaaaaaaaaaaaaa.parquet' } },
    ],
    // A manifest of a kind gc has no rule for still protects whatever it names, in any field.
    ['manifests/future/x.json', { nested: [{ deep: 'meta/images/named.parquet' }] }],
    ['manifests/aliases/production/v000001.json', { modelId: 'm1' }],
  ]);
  const objects: ObjectInfo[] = [
    ...[...manifests.keys()].map(old),
    // committed ingest: tables named, batches owned, staging left over
    ...ingestTables('done'),
    old('batches/done/c000000-p000.avro'),
    old('raw/runs/done/c000000-p000-00.avro'),
    old('ingest/done/plan.json'),
    old('ingest/done/staging/c000000-p000.parquet'),
    // committed ten minutes ago: its staging waits for the grace period
    ...ingestTables('fresh'),
    old('ingest/fresh/staging/c000000-p000.parquet'),
    // abandoned: never committed, nothing written for two hours
    old('batches/abandoned/c000000-p000.avro'),
    old('raw/runs/abandoned/c000000-p000-00.avro'),
    old('ingest/abandoned/staging/c000000-p000.json'),
    old('ingest/abandoned/plan.json'),
    old('meta/images/abandoned.parquet'),
    // in progress: an old batch, but a part written a minute ago
    old('batches/running/c000000-p000.avro'),
    at('ingest/running/staging/c000001-p000.json', 60_000),
    // committing: old, not committed, a live intent
    old('batches/committing/c000000-p000.avro'),
    at('gc/intents/ingest/committing/attempt-1.json', 10 * HOUR),
    // committed, and an intent its crashed attempt left a day ago
    ...ingestTables('stale-intent'),
    at('gc/intents/ingest/stale-intent/attempt-2.json', INTENT_LIFETIME_MS + HOUR),
    // uncommitted, but one table named by some manifest
    old('meta/images/named.parquet'),
    old('batches/named/c000000-p000.avro'),
    // score run: plan and partition 0 committed; partition 1 and an earlier plan orphaned
    old('score/s1/plan-aaa.parquet'),
    old('score/s1/plan-files-aaa.parquet'),
    old('score/s1/plan-bbb.parquet'),
    old('meta/predictions/s1/m1/p000000.parquet'),
    old('meta/predictions/s1/m1/p000001.parquet'),
    old('score/legacy/plan.parquet'),
    // registered model and its checkpoints; a trial that never registered
    old('models/m1/model.json'),
    old('models/m1/weights.bin'),
    old('models/m1/card.json'),
    old('checkpoints/m1/epoch-000001/weights.bin'),
    old('checkpoints/m1/epoch-000001/state.json'),
    old('models/m2/model.json'),
    old('checkpoints/m2/epoch-000001/state.json'),
    // dataset version: the committed members file and the loser of a race for the version
    old('meta/dataset_members/fm/v000001-aaaaaaaaaaaaaaaa.parquet'),
    old('meta/dataset_members/fm/v000001-bbbbbbbbbbbbbbbb.parquet'),
    // never collected
    old('smoke/check-1.json'),
    old('notes.txt'),
    old('incoming/photos/a.png'),
    old('raw/sha256/ab/ab0123'),
    old('gc/collected/ingest/long-gone.json'),
  ];
  // the manifest of `fresh` was published ten minutes ago
  const fresh = objects.findIndex((o) => o.key === 'manifests/ingest/fresh.json');
  objects[fresh] = at('manifests/ingest/fresh.json', 10 * 60_000);
  return { objects, manifests };
}

describe('what is garbage', () => {
  const plan = findGarbage({ ...lake(), now: NOW, graceMs: GRACE });
  const byUnit = Object.fromEntries(
    plan.garbage.map((g) => [
      `${g.unit.kind}:${g.unit.id}`,
      { committed: g.committed, keys: g.objects.map((o) => o.key) },
    ]),
  );

  it('finds the leftovers of committed units and the whole of abandoned ones, markers first', () => {
    expect(byUnit).toEqual({
      'ingest:done': {
        committed: true,
        keys: ['ingest/done/plan.json', 'ingest/done/staging/c000000-p000.parquet'],
      },
      'ingest:abandoned': {
        committed: false,
        keys: [
          'ingest/abandoned/plan.json',
          'batches/abandoned/c000000-p000.avro',
          'raw/runs/abandoned/c000000-p000-00.avro',
          'ingest/abandoned/staging/c000000-p000.json',
          'meta/images/abandoned.parquet',
        ],
      },
      'ingest:stale-intent': { committed: true, keys: ['gc/intents/ingest/stale-intent/attempt-2.json'] },
      'ingest:named': { committed: false, keys: ['batches/named/c000000-p000.avro'] },
      'score:s1': {
        committed: true,
        keys: ['score/s1/plan-bbb.parquet', 'meta/predictions/s1/m1/p000001.parquet'],
      },
      'model:m1': {
        committed: true,
        keys: ['checkpoints/m1/epoch-000001/state.json', 'checkpoints/m1/epoch-000001/weights.bin'],
      },
      'model:m2': {
        committed: false,
        keys: ['checkpoints/m2/epoch-000001/state.json', 'models/m2/model.json'],
      },
      'dataset:fm/v000001': {
        committed: true,
        keys: ['meta/dataset_members/fm/v000001-bbbbbbbbbbbbbbbb.parquet'],
      },
      'smoke:check-1': { committed: false, keys: ['smoke/check-1.json'] },
    });
  });

  it("never lists a manifest, anything a manifest names, a committed run's batches or model files", () => {
    const { manifests } = lake();
    const named = referencedStrings(manifests);
    const listed = plan.garbage.flatMap((g) => g.objects.map((o) => o.key));
    for (const key of listed) {
      expect(key.startsWith('manifests/')).toBe(false);
      expect(named.has(key)).toBe(false);
    }
    expect(listed.filter((k) => /^(batches|raw\/runs)\/done\/|^models\/m1\//.test(k))).toEqual([]);
    expect(listed).not.toContain('score/legacy/plan.parquet');
  });

  it('keeps units that wrote within the grace period or are being committed, and what it does not know', () => {
    expect(plan.kept.recent.objects).toBe(3); // fresh's staging, running's batch and part
    expect(plan.kept.committing.objects).toBe(1);
    expect(plan.kept.unknown.objects).toBe(3); // notes.txt, incoming/photos/a.png, a shared original
    expect(plan.kept.gc.objects).toBe(2); // the live intent and the tombstone
    expect(plan.kept.committed.objects).toBe(4); // done's batch and originals, the legacy plan, m1's card (its artifacts are named)
  });

  it('with a grace period of 0 takes units in progress too, never a committing one', () => {
    const all = findGarbage({ ...lake(), now: NOW, graceMs: 0 });
    const names = all.garbage.map((g) => `${g.unit.kind}:${g.unit.id}`);
    expect(names).toContain('ingest:running');
    expect(names).toContain('ingest:fresh');
    expect(names).not.toContain('ingest:committing');
  });

  it('with a grace period longer than everything takes nothing', () => {
    expect(findGarbage({ ...lake(), now: NOW, graceMs: 3 * HOUR }).garbage).toEqual([]);
  });

  it('is decided by the manifests: once a run is committed its tables and batches stay', () => {
    const { objects, manifests } = lake();
    manifests.set('manifests/ingest/abandoned.json', ingestManifest('abandoned'));
    const after = findGarbage({ objects, manifests, now: NOW, graceMs: GRACE });
    const abandoned = after.garbage.find((g) => g.unit.id === 'abandoned');
    expect(abandoned?.objects.map((o) => o.key)).toEqual([
      'ingest/abandoned/plan.json',
      'ingest/abandoned/staging/c000000-p000.json',
    ]);
  });
});

describe('the ingest commit log', () => {
  it('counts a run as committed once its log entry exists, before its manifest is published', () => {
    const entry = {
      ...ingestManifest('claimed'),
      tables: { ...ingestManifest('claimed').tables, images: 'meta/images/claimed.cabc.parquet' },
    };
    const objects = [
      old('commits/ingest/000000000001.json'),
      ...ingestTables('claimed').filter((o) => !o.key.startsWith('meta/images/')),
      old('meta/images/claimed.cabc.parquet'),
      // the images table of an attempt that lost its position to a concurrent commit
      old('meta/images/claimed.parquet'),
      old('batches/claimed/c000000-p000.avro'),
      old('ingest/claimed/plan.json'),
    ];
    const manifests = new Map<string, unknown>([['commits/ingest/000000000001.json', entry]]);
    const plan = findGarbage({ objects, manifests, now: NOW, graceMs: GRACE });
    expect(plan.garbage.map((g) => [g.unit, g.committed, g.objects.map((o) => o.key)])).toEqual([
      [{ kind: 'ingest', id: 'claimed' }, true, ['ingest/claimed/plan.json', 'meta/images/claimed.parquet']],
    ]);
    expect(plan.kept.manifest.objects).toBe(1);
    expect(plan.kept.referenced.objects).toBe(4);
    expect(plan.kept.committed.objects).toBe(1);
  });
});
