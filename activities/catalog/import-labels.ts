import { DOUBLE, TIMESTAMPTZ, VARCHAR, timestampTZValue } from '@duckdb/node-api';
import { tableKey } from '../../lib/catalog/tables.js';
import { UserError } from '../../lib/errors.js';
import { parseLabelFile } from '../../lib/labels/label-file.js';
import { readJson } from '../../lib/lake/json-object.js';
import type { ActivityDeps } from '../deps.js';
import { putParquet } from '../put-parquet.js';
import { openCatalog } from './snapshot.js';

export interface ImportLabelsInput {
  readonly lakeUri: string;
  /** The import file, staged in the lake by the client (`incoming/labels/...`). */
  readonly fileKey: string;
  /** The file's name as the user gave it, for messages and the label_imports view. */
  readonly fileName: string;
  /** Content hash of the file: the import id, so importing the same file twice is a no-op. */
  readonly importId: string;
  readonly importedAtMs: number;
}

export interface ImportLabelsSummary {
  readonly importId: string;
  readonly rows: number;
  /** False when this file was imported before (nothing new committed). */
  readonly imported: boolean;
}

export const labelImportManifest = (importId: string) => `manifests/labels/${importId}.json`;

/** Adds human labels: validated against the committed images, all or nothing, committed by manifest. */
export function createImportLabels(deps: ActivityDeps) {
  return async function importLabels(input: ImportLabelsInput): Promise<ImportLabelsSummary> {
    if (!/^[0-9a-f]{16,64}$/.test(input.importId))
      throw new UserError(`labels: invalid import id "${input.importId}"`);
    const lake = deps.lakes.open(input.lakeUri);
    const manifestKey = labelImportManifest(input.importId);
    const existing = await readJson<{ rows: number }>(lake, manifestKey);
    if (existing) return { importId: input.importId, rows: existing.rows, imported: false };
    const rows = parseLabelFile(input.fileName, (await lake.get(input.fileKey)).toString('utf8'));
    const { sandbox } = await openCatalog(deps, lake);
    const byId = new Set<string>();
    const bySha = new Map<string, string>();
    try {
      // Only the images the file names: the ids and hashes travel as bound JSON lists.
      const list = (values: (string | null)[]) => JSON.stringify(values.filter((v) => v !== null));
      const reader = await sandbox.query(
        `SELECT image_id, sha256 FROM images
         WHERE image_id IN (SELECT unnest(from_json($ids, '["VARCHAR"]')))
            OR sha256 IN (SELECT unnest(from_json($shas, '["VARCHAR"]')))`,
        { ids: list(rows.map((r) => r.imageId)), shas: list(rows.map((r) => r.sha256)) },
      );
      for (const [id, sha] of reader.getRowsJS() as [string, string][]) {
        byId.add(id);
        bySha.set(sha, id);
      }
    } finally {
      sandbox.close();
    }
    const unknown = rows.filter((r) => (r.imageId !== null ? !byId.has(r.imageId) : !bySha.has(r.sha256!)));
    if (unknown.length > 0)
      throw new UserError(
        `labels: ${input.fileName} refused, nothing imported: ${unknown.length} rows name no committed image, e.g. line ${unknown[0]!.line} (${unknown[0]!.imageId ?? unknown[0]!.sha256})`,
      );
    const at = timestampTZValue(BigInt(Math.round(input.importedAtMs)) * 1000n);
    const key = tableKey('human_labels', input.importId);
    await putParquet(deps, lake, key, LABEL_COLUMNS, {
      image_id: rows.map((r) => r.imageId ?? bySha.get(r.sha256!)!),
      label: rows.map((r) => r.label),
      weight: rows.map((r) => r.weight),
      import_id: rows.map(() => input.importId),
      imported_at: rows.map(() => at),
    });
    const manifest = {
      kind: 'labels',
      importId: input.importId,
      file: input.fileName,
      rows: rows.length,
      importedAt: new Date(input.importedAtMs).toISOString(),
      tables: { human_labels: key },
    };
    const created = await lake.putIfAbsent(manifestKey, JSON.stringify(manifest, null, 2));
    return { importId: input.importId, rows: rows.length, imported: created };
  };
}

const LABEL_COLUMNS = [
  { name: 'image_id', type: VARCHAR },
  { name: 'label', type: VARCHAR },
  { name: 'weight', type: DOUBLE },
  { name: 'import_id', type: VARCHAR },
  { name: 'imported_at', type: TIMESTAMPTZ },
];
