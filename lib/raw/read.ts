import { createHash } from 'node:crypto';
import { readContainerRecords, verifyContainer } from '../avro/index.js';
import type { Lake } from '../lake/lake.js';
import { originalType, type OriginalRecord } from './original-type.js';

/** A row of the originals table: where an original lives and what its object must be. */
export interface OriginalRow {
  readonly sha256: string;
  readonly key: string;
  /** Its record in an Avro container; null when the object is the original itself. */
  readonly record_index: number | null;
  /** The original's size in bytes. */
  readonly bytes: number;
  readonly file_records: number;
  readonly file_bytes: number;
  readonly file_sha256: string;
}

/**
 * The originals of `rows`, each checked before it is given: a container's sha256 and record count
 * (a cut or altered file fails whole), then each original's own sha256 and size. One object is
 * read at a time, in the order the rows first name it; rows of one object come out in row order.
 */
export async function* readOriginals(
  lake: Lake,
  rows: readonly OriginalRow[],
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<{ row: OriginalRow; data: Buffer }> {
  const byKey = new Map<string, OriginalRow[]>();
  for (const row of rows) {
    const group = byKey.get(row.key);
    if (group) group.push(row);
    else byKey.set(row.key, [row]);
  }
  for (const [key, group] of byKey) {
    const object = await lake.get(key, options);
    const first = group[0]!;
    if (first.record_index === null) {
      const data = checked(object, first, key);
      for (const row of group) yield { row, data };
      continue;
    }
    verifyContainer(object, { key, count: first.file_records, sha256: first.file_sha256 }, 'originals');
    const indexes = group.map((r) => recordIndex(r, key));
    const range = { from: Math.min(...indexes), to: Math.max(...indexes) + 1 };
    const records = readContainerRecords<OriginalRecord>(object, `originals "${key}"`, originalType, range);
    for (const row of group) {
      const record = records[row.record_index!];
      if (record?.sha256 !== row.sha256)
        throw new Error(
          `raw: record ${row.record_index} of ${key} is ${record ? `original ${record.sha256.slice(0, 12)}…` : 'missing'}, expected ${row.sha256.slice(0, 12)}…`,
        );
      yield { row, data: checked(record.data, row, `record ${row.record_index} of ${key}`) };
    }
  }
}

function recordIndex(row: OriginalRow, key: string): number {
  if (row.record_index === null || row.record_index < 0 || row.record_index >= row.file_records)
    throw new Error(
      `raw: original ${row.sha256.slice(0, 12)}… has record ${row.record_index} in ${key} of ${row.file_records}`,
    );
  return row.record_index;
}

function checked(data: Buffer, row: OriginalRow, where: string): Buffer {
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== row.sha256 || data.length !== row.bytes)
    throw new Error(
      `raw: ${where} has ${data.length} bytes of sha256 ${actual.slice(0, 12)}…, expected ${row.bytes} of ${row.sha256.slice(0, 12)}…`,
    );
  return data;
}
