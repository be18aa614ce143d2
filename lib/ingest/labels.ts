import { readFile } from 'node:fs/promises';
import { RE2JS, RE2JSException } from 're2js';
import { UserError } from '../errors.js';
import { LabelRowCheck } from '../labels/label-rows.js';
import { parseCsv } from '../util/csv.js';

/** Where an image's label comes from. */
export type LabelRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'idx' }
  | ((
      | { readonly kind: 'parent-dir' }
      | { readonly kind: 'regex'; readonly pattern: string }
      | { readonly kind: 'manifest'; readonly path: string }
    ) & {
      /** Ingest even when the rule labels none of the files (--allow-unlabeled); refused otherwise. */
      readonly allowUnlabeled?: boolean;
    });

/** A compiled --label-regex: the label of a file name, from its one capture group. */
export interface LabelRegex {
  label(name: string): string | null;
}

/**
 * Compiles a --label-regex with RE2 (re2js): matching takes time linear in the name's length
 * whatever the pattern, where a backtracking engine can take hours on one name (`^(a+)+$`). RE2
 * has no backreferences or lookaround. The pattern must have exactly one capture group.
 */
export function compileLabelRegex(pattern: string): LabelRegex {
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const reason = error.message.replace(/^error parsing regexp: /, '');
    throw new UserError(
      `ingest: invalid --label-regex ${JSON.stringify(pattern)}: ${reason} (RE2 syntax, which runs in linear time: no backreferences or lookaround)`,
    );
  }
  const groups = regex.groupCount();
  if (groups !== 1)
    throw new UserError(
      `ingest: --label-regex ${JSON.stringify(pattern)} must have exactly one capture group, it has ${groups}`,
    );
  return {
    label(name) {
      const match = regex.matcher(name);
      return match.find() ? match.group(1) : null;
    },
  };
}

/** Reads and checks a --label-manifest file (see parseLabelManifest). */
export async function readLabelManifest(path: string): Promise<Map<string, string>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`ingest: cannot read label manifest ${path}: ${error.code ?? error.message}`);
  });
  return parseLabelManifest(text, path);
}

/**
 * Parses a CSV (header with `path` and `label` columns) or JSON manifest of path -> label, checked
 * as `label import` checks its files: a blank label, a blank path or a path labeled twice
 * differently refuses the whole manifest, every bad row named.
 */
export function parseLabelManifest(text: string, name: string): Map<string, string> {
  const trimmed = text.trim();
  const check = new LabelRowCheck({ file: `ingest: label manifest ${name}`, verb: 'ingested' });
  const add = (where: string, path: string, label: string | undefined) => {
    if (path.trim() === '') return check.problem(where, 'empty path');
    const ref = normalizeRel(path);
    const clean = check.label(where, label);
    if (clean !== null) check.add(where, ref, clean);
  };
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UserError(`ingest: label manifest ${name} is not valid JSON: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed))
      parsed.forEach((e: { path?: unknown; label?: unknown } | null, i) => {
        if (typeof e?.path !== 'string' || typeof e?.label !== 'string')
          check.problem(`${name}:${i}`, 'needs string "path" and "label"');
        else add(`${name}:${i}`, e.path, e.label);
      });
    else {
      for (const key of repeatedKeys(trimmed))
        check.problem(`${name}: ${JSON.stringify(key)}`, 'a key given twice (JSON keeps only the last)');
      for (const [path, label] of Object.entries(parsed as Record<string, unknown>)) {
        const where = `${name}: ${JSON.stringify(path)}`;
        if (typeof label !== 'string') check.problem(where, 'the label must be a string');
        else add(where, path, label);
      }
    }
  } else {
    const records = parseCsv(name, text);
    const header = (records.shift()?.fields ?? []).map((h) => h.trim().toLowerCase());
    const pathCol = header.indexOf('path');
    const labelCol = header.indexOf('label');
    if (pathCol < 0 || labelCol < 0)
      throw new UserError(`ingest: label manifest ${name} needs a header with "path" and "label" columns`);
    for (const { line, fields } of records) {
      if (fields.every((f) => f.trim() === '')) continue;
      const path = fields[pathCol];
      if (path === undefined || fields.length <= labelCol)
        check.problem(`${name}:${line}`, 'too few columns');
      else add(`${name}:${line}`, path, fields[labelCol]);
    }
  }
  check.finish();
  return new Map(check.labels);
}

/**
 * The keys a JSON object gives more than once, which JSON.parse drops silently but the last. Every
 * string is read in turn, so a key is a string followed by a colon, whatever the values hold.
 */
function repeatedKeys(json: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [, token, colon] of json.matchAll(/("(?:[^"\\]|\\.)*")(\s*:)?/g)) {
    if (!colon) continue;
    const key = JSON.parse(token!) as string;
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return [...repeated];
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
