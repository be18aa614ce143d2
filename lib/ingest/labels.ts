import { UserError } from '../errors.js';
import { parseCsv } from '../util/csv.js';

/** Where an image's label comes from. */
export type LabelRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'parent-dir' }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'manifest'; readonly path: string }
  | { readonly kind: 'idx' };

/** Checks a --label-regex: it must compile and have exactly one capture group. */
export function compileLabelRegex(pattern: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new UserError(`ingest: invalid --label-regex "${pattern}": ${(error as Error).message}`);
  }
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  if (groups !== 1)
    throw new UserError(
      `ingest: --label-regex "${pattern}" must have exactly one capture group, it has ${groups}`,
    );
  return regex;
}

/**
 * The label of a source item from its path relative to the source root (`/`-separated).
 * Manifest labels are looked up by that same relative path.
 */
export function labelFromPath(
  relPath: string,
  rule: LabelRule,
  manifest?: ReadonlyMap<string, string>,
): string | null {
  switch (rule.kind) {
    case 'none':
    case 'idx':
      return null;
    case 'parent-dir': {
      const parts = relPath.split('/');
      return parts.length >= 2 ? (parts[parts.length - 2] ?? null) : null;
    }
    case 'regex': {
      const base = relPath.slice(relPath.lastIndexOf('/') + 1);
      return compileLabelRegex(rule.pattern).exec(base)?.[1] ?? null;
    }
    case 'manifest':
      return manifest?.get(relPath) ?? null;
  }
}

/** Parses a CSV (header with `path` and `label` columns) or JSON manifest of path -> label. */
export function parseLabelManifest(text: string, name: string): Map<string, string> {
  const trimmed = text.trim();
  const map = new Map<string, string>();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UserError(`ingest: label manifest ${name} is not valid JSON: ${(error as Error).message}`);
    }
    const entries = Array.isArray(parsed)
      ? parsed.map((e: { path?: unknown; label?: unknown }, i) => {
          if (typeof e?.path !== 'string' || typeof e?.label !== 'string') {
            throw new UserError(`ingest: label manifest ${name}: entry ${i} needs string "path" and "label"`);
          }
          return [e.path, e.label] as const;
        })
      : Object.entries(parsed as Record<string, unknown>).map(([path, label]) => {
          if (typeof label !== 'string')
            throw new UserError(`ingest: label manifest ${name}: label of "${path}" must be a string`);
          return [path, label] as const;
        });
    for (const [path, label] of entries) map.set(normalizeRel(path), label);
    return map;
  }
  const records = parseCsv(name, text);
  const header = (records.shift()?.fields ?? []).map((h) => h.trim().toLowerCase());
  const pathCol = header.indexOf('path');
  const labelCol = header.indexOf('label');
  if (pathCol < 0 || labelCol < 0)
    throw new UserError(`ingest: label manifest ${name} needs a header with "path" and "label" columns`);
  for (const { line, fields } of records) {
    if (fields.every((f) => f.trim() === '')) continue;
    const path = fields[pathCol];
    const label = fields[labelCol];
    if (path === undefined || label === undefined)
      throw new UserError(`ingest: label manifest ${name}: line ${line} has too few columns`);
    map.set(normalizeRel(path), label);
  }
  return map;
}

function normalizeRel(path: string): string {
  return path.replace(/^\.\//, '').replaceAll('\\', '/');
}

/** Class index of a label in the class list; null for no label. */
export function classIndex(label: string | null, classes: readonly string[]): number | null {
  if (label === null) return null;
  const index = classes.indexOf(label);
  return index < 0 ? null : index;
}
