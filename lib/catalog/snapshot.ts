import { createHash } from 'node:crypto';
import type { Lake, ObjectInfo } from '../lake/lake.js';
import { mapLimit } from '../util/map-limit.js';
import type { MetadataMirror } from './mirror.js';
import { zonelessTimestampColumns } from './parquet-footer.js';
import { TABLE_COLUMNS, TABLE_NAMES, isTableName, type TableName } from './tables.js';

/** A published manifest: `manifests/<kind>/...json`. Only what manifests list exists for readers. */
export interface CommittedManifest {
  readonly kind: string;
  readonly key: string;
  readonly body: { readonly tables?: Readonly<Record<string, string>> } & Record<string, unknown>;
}

/** The committed state of a lake at one moment: every manifest and the local files of every table. */
export interface LakeSnapshot {
  readonly lakeUri: string;
  readonly manifests: readonly CommittedManifest[];
  /** Local paths (the lake's own files, or the mirror's copies) per table, in key order. */
  readonly files: Readonly<Record<TableName, readonly string[]>>;
  /**
   * The files among them whose instants were written without a zone (UTC clock time, by
   * imagelake before its instants were TIMESTAMPTZ), with those columns: the catalog reads them as UTC.
   */
  readonly zoneless: Readonly<Record<string, readonly string[]>>;
  /** sha256 over the manifest keys: names the snapshot in dataset versions and lineage. */
  readonly id: string;
}

const MIRROR_CONCURRENCY = 16;

/** The tables with an instant column: only their files can hold zone-less timestamps. */
const INSTANT_TABLES = new Set(
  TABLE_NAMES.filter((t) => TABLE_COLUMNS[t].some(([, type]) => type === 'TIMESTAMPTZ')),
);

/**
 * Lists the manifests and the metadata files (one listing each, ETags included), then brings the
 * files a manifest names into the local mirror: incremental, only changed ETags are fetched.
 */
export async function loadSnapshot(lake: Lake, mirror: MetadataMirror): Promise<LakeSnapshot> {
  const [manifestInfos, metaInfos] = await Promise.all([listAll(lake, 'manifests/'), listAll(lake, 'meta/')]);
  const metaByKey = new Map(metaInfos.map((o) => [o.key, o]));
  const manifests = await mapLimit(
    manifestInfos.filter((o) => o.key.endsWith('.json')),
    MIRROR_CONCURRENCY,
    (info) => mirror.parsedOf(lake, info, (text) => parseManifest(info.key, text)),
  );
  const wanted: { table: TableName; info: ObjectInfo }[] = [];
  for (const m of manifests) {
    for (const [table, key] of Object.entries(m.body.tables ?? {})) {
      if (!isTableName(table)) continue; // a table of a later version of imagelake: not ours to show
      const info = metaByKey.get(key);
      if (!info)
        throw new Error(`catalog: manifest ${m.key} lists "${key}", which is missing from ${lake.uri}`);
      wanted.push({ table, info });
    }
  }
  wanted.sort((a, b) => a.info.key.localeCompare(b.info.key));
  const located = await mapLimit(wanted, MIRROR_CONCURRENCY, async (w) => ({
    path: await mirror.localFileOf(lake, w.info),
    zoneless: INSTANT_TABLES.has(w.table)
      ? await mirror.derivedOf(lake, w.info, 'zoneless', zonelessTimestampColumns)
      : [],
  }));
  const files = Object.fromEntries(TABLE_NAMES.map((t) => [t, [] as string[]])) as Record<
    TableName,
    string[]
  >;
  const zoneless: Record<string, readonly string[]> = {};
  wanted.forEach((w, i) => {
    const { path, zoneless: columns } = located[i]!;
    files[w.table].push(path);
    if (columns.length > 0) zoneless[path] = columns;
  });
  const id = createHash('sha256')
    .update(manifests.map((m) => m.key).join('\n'))
    .digest('hex');
  return { lakeUri: lake.uri, manifests, files, zoneless, id };
}

async function listAll(lake: Lake, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of lake.list(prefix)) out.push(o);
  return out;
}

function parseManifest(key: string, text: string): CommittedManifest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`catalog: manifest ${key} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error(`catalog: manifest ${key} is not a JSON object`);
  const kind = key.split('/')[1] ?? '';
  return { kind, key, body: body as CommittedManifest['body'] };
}
