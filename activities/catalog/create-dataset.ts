import { INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Sandbox } from '../../lib/catalog/sandbox.js';
import { sayOfUsers, SqlError } from '../../lib/catalog/sql-error.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { datasetContentHash } from '../../lib/dataset/content-hash.js';
import { datasetLayout, type DatasetManifest } from '../../lib/dataset/manifest.js';
import { formatDatasetRef, validateDatasetName } from '../../lib/dataset/ref.js';
import { assignSplits, type SplitName, type SplitSpec } from '../../lib/dataset/splits.js';
import { datasetVersions } from '../../lib/dataset/versions.js';
import { UserError } from '../../lib/errors.js';
import { inferClasses } from '../../lib/ingest/plan.js';
import type { Lake } from '../../lib/lake/lake.js';
import type { ActivityDeps } from '../deps.js';
import { putParquet } from '../put-parquet.js';
import { openCatalog } from './snapshot.js';

export interface CreateDatasetInput {
  readonly lakeUri: string;
  readonly name: string;
  /** A read-only query over the catalog views that returns an image_id column. */
  readonly query: string;
  readonly split: SplitSpec;
  readonly seed: number;
  readonly stratify: boolean;
  /** Class names in index order; null infers them from the members' labels. */
  readonly classes: readonly string[] | null;
}

export interface DatasetVersionSummary {
  readonly ref: string;
  readonly name: string;
  readonly version: number;
  /** False when the members equal the latest version's: no new version was made. */
  readonly created: boolean;
  readonly counts: DatasetManifest['counts'];
  readonly classes: readonly string[];
  readonly contentHash: string;
}

interface Members {
  image_id: string[];
  sha256: string[];
  batch_key: string[];
  record_index: number[];
  batch_records: number[];
  batch_sha256: string[];
  label: (string | null)[];
  label_source: (string | null)[];
}

const MAX_PUBLISH_ATTEMPTS = 5;

/** Runs the query and snapshots its result as a new immutable version, only when members changed. */
export function createCreateDataset(deps: ActivityDeps) {
  return async function createDataset(input: CreateDatasetInput): Promise<DatasetVersionSummary> {
    const name = validateDatasetName(input.name);
    const lake = deps.lakes.open(input.lakeUri);
    const { snapshot, sandbox } = await openCatalog(deps, lake);
    let members: Members;
    try {
      members = await selectMembers(sandbox, input.query);
    } finally {
      sandbox.close();
    }
    const classes = classList(input.classes, members.label);
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    for (let attempt = 1; ; attempt++) {
      const latest = (await datasetVersions(lake, name)).at(-1);
      // Stratified members keep their split only from a version made with the same split settings.
      const sameSettings =
        latest?.stratify === true &&
        input.stratify &&
        latest.seed === input.seed &&
        JSON.stringify(latest.split) === JSON.stringify(input.split);
      const previous = sameSettings ? await previousSplits(deps, lake, latest) : undefined;
      const splits = assignSplits(
        members.sha256.map((sha256, i) => ({ sha256, label: members.label[i] ?? null })),
        input.split,
        { seed: input.seed, stratify: input.stratify, previous },
      );
      const contentHash = datasetContentHash(
        members.sha256.map((sha256, i) => ({ sha256, label: members.label[i] ?? null, split: splits[i]! })),
        classes,
      );
      if (latest?.contentHash === contentHash) return summaryOf(latest, false);
      const version = (latest?.version ?? 0) + 1;
      const membersKey = datasetLayout.members(name, version, contentHash);
      await putParquet(deps, lake, membersKey, MEMBER_COLUMNS, {
        dataset: members.image_id.map(() => name),
        version: members.image_id.map(() => version),
        ...members,
        class_index: members.label.map((l) => (l === null ? null : (classIndex.get(l) ?? null))),
        split: splits,
      });
      const counts = countSplits(splits, members.label);
      const manifest: DatasetManifest = {
        kind: 'dataset',
        name,
        version,
        ref: formatDatasetRef(name, version),
        createdAt: new Date().toISOString(),
        query: input.query,
        seed: input.seed,
        split: input.split,
        stratify: input.stratify,
        classes,
        counts,
        snapshot: {
          id: snapshot.id,
          manifests: snapshot.manifests.filter((m) => m.kind !== 'datasets').map((m) => m.key),
        },
        contentHash,
        tables: { dataset_members: membersKey },
      };
      if (await lake.putIfAbsent(datasetLayout.manifest(name, version), JSON.stringify(manifest, null, 2)))
        return summaryOf(manifest, true);
      // Another writer published this version first: compare with it, or take the next number.
      if (attempt >= MAX_PUBLISH_ATTEMPTS)
        throw new Error(`dataset: ${name}: lost the race for a new version ${attempt} times; try again`);
    }
  };
}

async function selectMembers(sandbox: Sandbox, query: string): Promise<Members> {
  const body = query.trim().replace(/;+\s*$/, '');
  if (body === '') throw new SqlError('dataset: the query is empty');
  // Bound, not run: one read-only statement, or DuckDB's message about the user's own text.
  const columns = await sandbox.columns(body).catch((error: unknown) => {
    throw sayOfUsers(error, 'dataset: the query', 'keep');
  });
  if (!columns.includes('image_id'))
    throw new SqlError(
      `dataset: the query must return an image_id column, got ${columns.join(', ') || 'no columns'}`,
    );
  // One whole read-only statement in parentheses: it cannot close them (its own are balanced),
  // and what it returns is only read for distinct ids that must be committed images.
  const selected = `SELECT DISTINCT image_id FROM (\n${body}\n)`;
  // Errors when running are the user's query's, but DuckDB's excerpt would show ours.
  const run = (sql: string) =>
    sandbox.query(sql).catch((error: unknown) => {
      throw sayOfUsers(error, 'dataset: the query', 'drop');
    });
  const unknown = (
    await run(
      `SELECT count(*), min(image_id) FROM (${selected}) s WHERE image_id NOT IN (SELECT image_id FROM images)`,
    )
  ).getRowsJS()[0];
  if (Number(unknown?.[0] ?? 0) > 0)
    throw new UserError(
      `dataset: the query returned ${Number(unknown?.[0])} ids that are not committed images, e.g. "${String(unknown?.[1])}"`,
    );
  const reader = await run(`SELECT i.image_id, i.sha256, i.batch_key, i.record_index,
      b.records AS batch_records, b.sha256 AS batch_sha256, l.label, l.source AS label_source
    FROM (${selected}) s
    JOIN images i USING (image_id)
    JOIN batches b ON b.key = i.batch_key
    LEFT JOIN labels l USING (image_id)
    ORDER BY i.batch_key, i.record_index`);
  const [image_id, sha256, batch_key, record_index, batch_records, batch_sha256, label, label_source] =
    reader.getColumnsJS() as unknown[][];
  const members = {
    image_id,
    sha256,
    batch_key,
    record_index,
    batch_records,
    batch_sha256,
    label,
    label_source,
  } as unknown as Members;
  if (members.image_id.length === 0) throw new UserError('dataset: the query selected no images');
  return members;
}

function classList(given: readonly string[] | null, labels: readonly (string | null)[]): string[] {
  if (given === null) return inferClasses(labels);
  const known = new Set(given);
  const stray = labels.find((l) => l !== null && !known.has(l));
  if (stray !== undefined)
    throw new UserError(`dataset: label "${stray}" is not in --classes (${given.join(', ')})`);
  return [...given];
}

async function previousSplits(
  deps: ActivityDeps,
  lake: Lake,
  latest: DatasetManifest,
): Promise<Map<string, SplitName>> {
  const file = await deps.mirror.localFile(lake, latest.tables.dataset_members);
  const connection = await (await deps.duckdb()).connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT sha256, split FROM read_parquet(${quoteLiteral(file)})`,
    );
    return new Map(reader.getRowsJS().map(([sha, split]) => [sha as string, split as SplitName]));
  } finally {
    connection.closeSync();
  }
}

const MEMBER_COLUMNS = [
  { name: 'dataset', type: VARCHAR },
  { name: 'version', type: INTEGER },
  { name: 'image_id', type: VARCHAR },
  { name: 'sha256', type: VARCHAR },
  { name: 'batch_key', type: VARCHAR },
  { name: 'record_index', type: INTEGER },
  { name: 'batch_records', type: INTEGER },
  { name: 'batch_sha256', type: VARCHAR },
  { name: 'label', type: VARCHAR },
  { name: 'label_source', type: VARCHAR },
  { name: 'class_index', type: INTEGER },
  { name: 'split', type: VARCHAR },
];

function countSplits(
  splits: readonly SplitName[],
  labels: readonly (string | null)[],
): DatasetManifest['counts'] {
  const counts = { train: 0, val: 0, test: 0, total: splits.length, unlabeled: 0 };
  for (const s of splits) counts[s]++;
  counts.unlabeled = labels.filter((l) => l === null).length;
  return counts;
}

function summaryOf(m: DatasetManifest, created: boolean): DatasetVersionSummary {
  return {
    ref: m.ref,
    name: m.name,
    version: m.version,
    created,
    counts: m.counts,
    classes: m.classes,
    contentHash: m.contentHash,
  };
}
