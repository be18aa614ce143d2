import { UserError } from '../errors.js';
import { parseCsv } from '../util/csv.js';
import { LabelRowCheck } from './label-rows.js';

/** One human label from an import file: which image (by id or original sha256), the label, a weight. */
export interface LabelRow {
  readonly line: number;
  readonly imageId: string | null;
  readonly sha256: string | null;
  readonly label: string;
  readonly weight: number;
}

/**
 * Parses a label import file: CSV with a header naming `image_id` or `sha256`, `label` and
 * optionally `weight`; or JSON, an array of objects with the same fields. Every bad row is
 * reported by line (CSV) or index (JSON); one bad row refuses the whole file.
 */
export function parseLabelFile(name: string, text: string): LabelRow[] {
  const trimmed = text.trimStart();
  const raw = trimmed.startsWith('[') ? fromJson(name, trimmed) : fromCsv(name, text);
  const check = new LabelRowCheck({ file: `labels: ${name}`, verb: 'imported' });
  const rows: LabelRow[] = [];
  for (const r of raw) {
    const where = `${name}:${r.line}`;
    const imageId = clean(r.fields.image_id);
    const sha256 = clean(r.fields.sha256)?.toLowerCase() ?? null;
    const weightText = clean(r.fields.weight);
    const weight = weightText === null ? 1 : Number(weightText);
    if (imageId === null && sha256 === null) check.problem(where, 'no image_id or sha256');
    else if (imageId !== null && !/^[0-9a-f]{32}$/.test(imageId))
      check.problem(where, `image_id "${imageId}" is not 32 lowercase hex characters`);
    else if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256))
      check.problem(where, `sha256 "${sha256}" is not 64 hex characters`);
    else {
      const label = check.label(where, r.fields.label);
      if (label === null) continue;
      if (!Number.isFinite(weight) || weight < 0 || weight > 1)
        check.problem(where, `weight must be in [0, 1], got "${weightText}"`);
      else if (check.add(where, imageId ?? sha256!, label))
        rows.push({ line: r.line, imageId, sha256: imageId === null ? sha256 : null, label, weight });
    }
  }
  check.finish();
  return rows;
}

interface RawRow {
  readonly line: number;
  readonly fields: Readonly<Record<string, string | undefined>>;
}

function fromJson(name: string, text: string): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`labels: ${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UserError(`labels: ${name}: expected a JSON array of objects`);
  return data.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new UserError(`labels: ${name}[${i}]: expected an object, got ${JSON.stringify(item)}`);
    const fields: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>))
      fields[k] = v === null || v === undefined ? undefined : String(v);
    return { line: i, fields };
  });
}

function fromCsv(name: string, text: string): RawRow[] {
  const records = parseCsv(name, text);
  const header = records.shift()?.fields.map((h) => h.trim().toLowerCase());
  if (!header || !header.includes('label') || !(header.includes('image_id') || header.includes('sha256')))
    throw new UserError(`labels: ${name}: the CSV header must name label and image_id or sha256`);
  return records
    .filter((r) => r.fields.some((f) => f.trim() !== ''))
    .map((r) => ({ line: r.line, fields: Object.fromEntries(header.map((h, i) => [h, r.fields[i]])) }));
}

const clean = (v: string | undefined): string | null => {
  const t = v?.trim();
  return t === undefined || t === '' ? null : t;
};
