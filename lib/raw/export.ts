import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../catalog/sandbox.js';
import { spliceExpression } from '../catalog/sql-fragment.js';
import { UserError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { readOriginals, type OriginalRow } from './read.js';

/** What an export did. */
export interface ExportSummary {
  /** Distinct images (by sha256) the filter selects. */
  readonly matched: number;
  readonly written: number;
  /** Files already there with the same bytes (a repeated export). */
  readonly unchanged: number;
  readonly bytes: number;
  /** Matching images whose original the lake does not hold (ingested before originals were kept, or with --no-originals). */
  readonly withoutOriginal: number;
}

// The user's filter runs over the images view alone; each distinct original once, read in the
// order of its objects (one container read for all of its originals).
const selection = (filter: string) => `SELECT i.image_id, i.original_format, i.sha256 AS image_sha256,
    o.sha256, o.key, o.record_index, o.bytes, o.file_records, o.file_bytes, o.file_sha256
  FROM (SELECT image_id, sha256, original_format FROM images WHERE ${filter}) i
  LEFT JOIN originals o ON o.image_id = i.image_id
  QUALIFY row_number() OVER (PARTITION BY i.sha256 ORDER BY o.key NULLS LAST, o.record_index) = 1
  ORDER BY o.key NULLS LAST, o.record_index, i.image_id`;

/** File name extensions by original format (IDX records are stored as the PGM ingest read). */
const EXTENSIONS: Readonly<Record<string, string>> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tif',
  avif: 'avif',
  pgm: 'pgm',
  ppm: 'ppm',
  idx: 'pgm',
};

/**
 * Writes the originals of the images a filter selects into `dir` as `<image_id>.<ext>`, byte for
 * byte, each checked on its way out of the lake (see readOriginals). A file that is there already
 * is left when it holds the same bytes and refused when it holds others; each file is written
 * whole (a temporary name, then a rename).
 */
export async function exportOriginals(
  lake: Lake,
  sandbox: Sandbox,
  where: string,
  dir: string,
): Promise<ExportSummary> {
  const sql = await spliceExpression(sandbox, selection, where, 'export: the filter');
  const rows = (await sandbox.query(sql)).getRowObjectsJS();
  const stored = rows.filter((r) => r.sha256 !== null);
  const names = new Map(
    stored.map((r) => [String(r.sha256), fileName(String(r.image_id), String(r.original_format))]),
  );
  await mkdir(dir, { recursive: true });
  let written = 0;
  let unchanged = 0;
  let bytes = 0;
  for await (const { row, data } of readOriginals(lake, stored.map(originalRow))) {
    const path = join(dir, names.get(row.sha256)!);
    if (await sameFile(path, data)) unchanged++;
    else {
      await writeWhole(path, data);
      written++;
      bytes += data.length;
    }
  }
  return { matched: rows.length, written, unchanged, bytes, withoutOriginal: rows.length - stored.length };
}

function fileName(imageId: string, format: string): string {
  return `${imageId}.${EXTENSIONS[format] ?? 'bin'}`;
}

function originalRow(r: Record<string, unknown>): OriginalRow {
  return {
    sha256: String(r.sha256),
    key: String(r.key),
    record_index: r.record_index === null ? null : Number(r.record_index),
    bytes: Number(r.bytes),
    file_records: Number(r.file_records),
    file_bytes: Number(r.file_bytes),
    file_sha256: String(r.file_sha256),
  };
}

async function sameFile(path: string, data: Buffer): Promise<boolean> {
  let existing: Buffer;
  try {
    existing = await readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
  if (existing.equals(data)) return true;
  throw new UserError(`export: ${path} exists with other bytes; export into an empty folder or remove it`);
}

async function writeWhole(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
