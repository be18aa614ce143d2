import { UserError } from '../errors.js';
import { parseCsv } from '../util/csv.js';

/** One human label from an import file: which image (by id or original sha256), the label, a weight. */
export interface LabelRow {
  readonly line: number;
  readonly imageId: string | null;
  readonly sha256: string | null;
  readonly label: string;
  readonly weight: number;
}

const MAX_ERRORS = 5;

/**
 * Parses a label import file: CSV with a header naming `image_id` or `sha256`, `label` and
 * optionally `weight`; or JSON, an array of objects with the same fields. Every bad row is
 * reported by line (CSV) or index (JSON); one bad row refuses the whole file.
 */
export function parseLabelFile(name: string, text: string): LabelRow[] {
  const trimmed = text.trimStart();
  const raw = trimmed.startsWith('[') ? fromJson(name, trimmed) : fromCsv(name, text);
  const errors: string[] = [];
  const rows: LabelRow[] = [];
  const seen = new Map<string, string>();
  for (const r of raw) {
    const where = `${name}:${r.line}`;
    const imageId = clean(r.fields.image_id);
    const sha256 = clean(r.fields.sha256)?.toLowerCase() ?? null;
    const label = clean(r.fields.label);
    const weightText = clean(r.fields.weight);
    const weight = weightText === null ? 1 : Number(weightText);
    if (imageId === null && sha256 === null) errors.push(`${where}: no image_id or sha256`);
    else if (imageId !== null && !/^[0-9a-f]{32}$/.test(imageId))
      errors.push(`${where}: image_id "${imageId}" is not 32 lowercase hex characters`);
    else if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256))
      errors.push(`${where}: sha256 "${sha256}" is not 64 hex characters`);
    else if (label === null) errors.push(`${where}: empty label`);
    else if (!Number.isFinite(weight) || weight < 0 || weight > 1)
      errors.push(`${where}: weight must be in [0, 1], got "${weightText}"`);
    else {
      const id = imageId ?? sha256!;
      const earlier = seen.get(id);
      if (earlier !== undefined && earlier !== label)
        errors.push(`${where}: ${id} labeled "${label}" here and "${earlier}" earlier in the file`);
      seen.set(id, label);
      rows.push({ line: r.line, imageId, sha256: imageId === null ? sha256 : null, label, weight });
    }
  }
  if (errors.length > 0) throw refuse(name, errors);
  if (rows.length === 0) throw new UserError(`labels: ${name} has no label rows`);
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

function refuse(name: string, errors: string[]): UserError {
  const more = errors.length > MAX_ERRORS ? ` (and ${errors.length - MAX_ERRORS} more)` : '';
  return new UserError(
    `labels: ${name} refused, nothing imported: ${errors.slice(0, MAX_ERRORS).join('; ')}${more}`,
  );
}
