import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBInstance } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import avro from 'avsc';
import { parseContainer } from '../../lib/avro/container.js';
import { readContainerRecords } from '../../lib/avro/index.js';

/** One way a secret can be written: as is, or a run of its base64 (Temporal payloads are base64 JSON). */
export interface SecretForm {
  /** For messages: names the secret and the form, never its value. */
  readonly label: string;
  readonly text: string;
}

/**
 * The forms of a secret to look for: the secret itself, and for each of the 3 byte alignments a
 * 16-character run of its base64 and base64url encodings. A run covers whole 3-byte groups inside
 * the secret, so it appears in the encoding of any text that contains the secret at that alignment.
 */
export function secretForms(label: string, secret: string): SecretForm[] {
  if (secret.length < 15)
    throw new Error(`leak-scan: ${label} has ${secret.length} characters, expected at least 15`);
  const forms: SecretForm[] = [{ label, text: secret }];
  for (const k of [0, 1, 2]) {
    const run = Buffer.from(`${'\0'.repeat(k)}${secret}`)
      .toString('base64')
      .slice(4, 20);
    forms.push({ label: `${label} (base64, offset ${k})`, text: run });
    const url = run.replaceAll('+', '-').replaceAll('/', '_');
    if (url !== run) forms.push({ label: `${label} (base64url, offset ${k})`, text: url });
  }
  return forms;
}

/** Labels of the forms found in `text`. */
export function leaksIn(text: string, forms: readonly SecretForm[]): string[] {
  return forms.filter((f) => text.includes(f.text)).map((f) => f.label);
}

/**
 * Every leaf of a value as text, one per line, bytes decoded as latin1: what the data and metadata
 * of every payload in a Temporal history say. (JSON.stringify gives a protobuf message's bytes as
 * base64 and a bare Buffer as a list of numbers.)
 */
export function leafText(value: unknown): string {
  const out: string[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (v instanceof Uint8Array)
      out.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1'));
    else if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') out.push(String(v));
    else if (v instanceof Date) out.push(v.toISOString());
    else if (typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x);
    }
  };
  visit(value);
  return out.join('\n');
}

/** How a file was read for the scan. */
export type FileKind = 'avro' | 'parquet' | 'gzip' | 'raw';

/** A lake object or a local file to scan. */
export interface ScannedFile {
  readonly name: string;
  readonly bytes: Buffer;
  /** The file on disk, if it is one (DuckDB reads Parquet from a path). */
  readonly path?: string;
}

/** What scanFiles looks for, and what it reads Parquet with. */
export interface Scan {
  readonly secrets: readonly SecretForm[];
  /** A value planted on purpose: the scan must find it, or the place is not really read. */
  readonly canary: readonly SecretForm[];
  readonly duckdb: DuckDBInstance;
  /** Where a lake object is copied for DuckDB to read. */
  readonly scratch: string;
}

export interface ScanResult {
  readonly files: number;
  /** `<form> in <file>` for every secret found. */
  readonly leaks: string[];
  /** The kinds of file the canary was found in (in the decoded content, for compressed kinds). */
  readonly canaryIn: FileKind[];
  /** Counts for messages: files by kind and bytes. */
  readonly summary: string;
}

/**
 * Searches files for the secrets, raw and decoded. For the compressed formats the lake writes
 * (Avro deflate blocks, zstd Parquet) every record is decoded, since a secret inside a compressed
 * block need not show in the raw bytes.
 */
export async function scanFiles(scan: Scan, files: AsyncIterable<ScannedFile>): Promise<ScanResult> {
  const byKind = new Map<FileKind, number>();
  const leaks: string[] = [];
  const canaryIn = new Set<FileKind>();
  let count = 0;
  let bytes = 0;
  for await (const f of files) {
    const { kind, raw, decoded } = await readFileText(scan, f);
    count++;
    bytes += f.bytes.length;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    for (const label of leaksIn(`${raw}\n${decoded}`, scan.secrets)) leaks.push(`${label} in ${f.name}`);
    if (leaksIn(kind === 'raw' ? raw : decoded, scan.canary).length > 0) canaryIn.add(kind);
  }
  const kinds = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  return {
    files: count,
    leaks,
    canaryIn: [...canaryIn],
    summary: `${count} files (${kinds}; ${bytes} bytes)`,
  };
}

/** Every record of an Avro container, read with the schema it was written with (images, originals...). */
function readAnyContainer(bytes: Buffer, name: string): unknown[] {
  const writer = avro.Type.forSchema(JSON.parse(parseContainer(bytes, name).header.schema) as avro.Schema);
  return readContainerRecords(bytes, name, writer);
}

async function readFileText(
  scan: Scan,
  f: ScannedFile,
): Promise<{ kind: FileKind; raw: string; decoded: string }> {
  const raw = f.bytes.toString('latin1');
  if (raw.startsWith('Obj\u0001'))
    return { kind: 'avro', raw, decoded: leafText(readAnyContainer(f.bytes, f.name)) };
  if (f.bytes.length >= 8 && raw.startsWith('PAR1') && raw.endsWith('PAR1')) {
    let path = f.path;
    if (!path) {
      await mkdir(scan.scratch, { recursive: true });
      path = join(scan.scratch, `${randomBytes(6).toString('hex')}.parquet`);
      await writeFile(path, f.bytes);
    }
    const connection = await scan.duckdb.connect();
    try {
      const rows = (await connection.runAndReadAll('SELECT * FROM read_parquet($1)', [path])).getRowsJS();
      return { kind: 'parquet', raw, decoded: leafText(rows) };
    } finally {
      connection.closeSync();
    }
  }
  if (f.bytes[0] === 0x1f && f.bytes[1] === 0x8b)
    return { kind: 'gzip', raw, decoded: gunzipSync(f.bytes).toString('latin1') };
  return { kind: 'raw', raw, decoded: '' };
}

/** Every object under `prefix` of the bucket. */
export async function* lakeObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
): AsyncGenerator<ScannedFile> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      yield { name: `s3://${bucket}/${o.Key}`, bytes };
    }
    token = page.NextContinuationToken;
  } while (token);
}

/** Every file under `dir`, named relative to it. */
export async function* localFiles(dir: string): AsyncGenerator<ScannedFile> {
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    yield { name: relative(dir, path), bytes: await readFile(path), path };
  }
}
