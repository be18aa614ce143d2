import { describe, expect, it } from 'vitest';
import { commitManifestOf, unitOf } from '../../../lib/gc/units.js';

describe('the unit of a lake key', () => {
  it.each([
    ['manifests/ingest/run-1.json', 'ingest', 'run-1', 'manifest'],
    ['ingest/run-1/plan.json', 'ingest', 'run-1', 'data'],
    ['ingest/run-1/staging/c000000-p000.parquet', 'ingest', 'run-1', 'data'],
    ['batches/run-1/c000000-p000.avro', 'ingest', 'run-1', 'data'],
    ['raw/runs/run-1/c000000-p000-00.avro', 'ingest', 'run-1', 'data'],
    ['meta/originals/run-1.parquet', 'ingest', 'run-1', 'data'],
    ['meta/images/run-1.parquet', 'ingest', 'run-1', 'data'],
    ['meta/duplicates/run-1.parquet', 'ingest', 'run-1', 'data'],
    ['manifests/score_runs/s-1.json', 'score', 's-1', 'manifest'],
    ['manifests/score_partitions/s-1/p000001.json', 'score', 's-1', 'manifest'],
    ['manifests/score_failures/s-1/p000001.json', 'score', 's-1', 'manifest'],
    ['score/s-1/plan-abc.parquet', 'score', 's-1', 'data'],
    ['meta/predictions/s-1/mlp-1/p000001.parquet', 'score', 's-1', 'data'],
    ['manifests/models/mlp-1.json', 'model', 'mlp-1', 'manifest'],
    ['models/mlp-1/weights.bin', 'model', 'mlp-1', 'data'],
    ['checkpoints/mlp-1/epoch-000001/state.json', 'model', 'mlp-1', 'data'],
    ['manifests/evaluations/ev-1.json', 'evaluation', 'ev-1', 'manifest'],
    ['meta/evaluation_predictions/ev-1.parquet', 'evaluation', 'ev-1', 'data'],
    ['manifests/labels/abc.json', 'labels', 'abc', 'manifest'],
    ['meta/human_labels/abc.parquet', 'labels', 'abc', 'data'],
    ['incoming/labels/abc.csv', 'labels', 'abc', 'data'],
    ['manifests/datasets/fm/v000002.json', 'dataset', 'fm/v000002', 'manifest'],
    ['meta/dataset_members/fm/v000002-0123456789abcdef.parquet', 'dataset', 'fm/v000002', 'data'],
    ['smoke/run-1.json', 'smoke', 'run-1', 'data'],
  ])('%s belongs to %s %s as %s', (key, kind, id, role) => {
    expect(unitOf(key)).toEqual({ unit: { kind, id }, role });
  });

  it.each([
    'manifests/aliases/production/v000001.json',
    'manifests/promotions/production/x.json',
    'manifests/pipeline_runs/p.json',
    'manifests/drift/d.json',
    'meta/images/nested/run-1.parquet',
    'raw/sha256/ab/ab0123',
    'raw/runs/run-1',
    'meta/future_table/x.parquet',
    'meta/images/run-1.csv',
    'meta/dataset_members/fm/members.parquet',
    'ingest/run-1',
    'batches/x.avro',
    'incoming/photos/a.png',
    'smoke/a/b.json',
    'notes.txt',
    'user-data/run-1/batches/x.avro',
  ])('%s is not in a layout gc knows', (key) => {
    expect(unitOf(key)).toBeUndefined();
  });

  it('names the manifest that commits each unit (smoke objects are never committed)', () => {
    expect(commitManifestOf({ kind: 'dataset', id: 'fm/v000002' })).toBe(
      'manifests/datasets/fm/v000002.json',
    );
    expect(commitManifestOf({ kind: 'score', id: 's-1' })).toBe('manifests/score_runs/s-1.json');
    expect(commitManifestOf({ kind: 'smoke', id: 'r' })).toBeUndefined();
  });
});
