import { createHash } from 'node:crypto';
import { encodeImageBatch, type BlockDeflater, type ImageRecord } from '../../lib/avro/index.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import type { Lake } from '../../lib/lake/lake.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestCounts } from '../../lib/ingest/manifest.js';
import { STAGING_COLUMNS, stagingColumns, stagingSelect } from '../../lib/ingest/staging-row.js';
import type { ActivityDeps } from '../deps.js';
import { putParquet } from '../put-parquet.js';
import type { RawFile } from '../../lib/raw/index.js';
import type { ItemOutcome } from './source-item.js';

/** What one part wrote; read back at commit to build the batches table. */
export interface PartReport {
  readonly batch: {
    readonly key: string;
    readonly records: number;
    readonly bytes: number;
    readonly sha256: string;
  } | null;
  readonly counts: IngestCounts;
  /** The raw zone objects holding the part's originals; absent when originals are not kept. */
  readonly originals?: readonly RawFile[];
}

/** Which part of which run a part's objects belong to, and how they are written. */
export interface PartTarget {
  readonly runId: string;
  readonly chunk: number;
  readonly part: number;
  /** Fixed by the workflow so every attempt writes identical bytes. */
  readonly ingestTimeMs: number;
  readonly deflater: BlockDeflater;
}

/** Writes one part's Avro batch, staging rows and report. Same outcomes give byte-identical objects. */
export async function writePart(
  deps: ActivityDeps,
  lake: Lake,
  { runId, chunk, part, ingestTimeMs, deflater }: PartTarget,
  outcomes: readonly ItemOutcome[],
  originals?: readonly RawFile[],
): Promise<IngestCounts> {
  const batchKey = ingestLayout.batch(runId, chunk, part);
  const records: ImageRecord[] = [];
  const rows = outcomes.map(({ row, image }) => {
    row.part = part;
    if (!image) return row;
    row.record_index = records.length;
    records.push({
      image_id: row.image_id!,
      sha256: row.sha256!,
      source: row.source,
      label: row.label,
      class_index: row.class_index,
      width: image.width,
      height: image.height,
      pixels: Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength),
      original_format: row.original_format!,
      original_width: image.original.width,
      original_height: image.original.height,
      original_bytes: image.original.bytes,
      ingest_run: runId,
      ingest_time: ingestTimeMs,
    });
    return row;
  });

  let batch: PartReport['batch'] = null;
  if (records.length > 0) {
    const avro = await encodeImageBatch(records, { syncKey: batchKey, deflater });
    await lake.put(batchKey, avro);
    batch = {
      key: batchKey,
      records: records.length,
      bytes: avro.length,
      sha256: createHash('sha256').update(avro).digest('hex'),
    };
  }
  // Snappy: a staging file is read once, at commit; zstd would cost twice the CPU to write.
  const constants = { runId, ingestTimeMs, batchKey };
  await putParquet(
    deps,
    lake,
    ingestLayout.stagingRows(runId, chunk, part),
    STAGING_COLUMNS,
    stagingColumns(rows),
    (table) => stagingSelect(table, constants),
    'snappy',
  );
  const counts: IngestCounts = {
    seen: rows.length,
    ingested: records.length,
    duplicates: rows.filter((r) => r.status === 'duplicate').length,
    quarantined: rows.filter((r) => r.status === 'quarantined').length,
    batches: batch ? 1 : 0,
    bytes: batch?.bytes ?? 0,
  };
  const report: PartReport = { batch, counts, ...(originals && { originals }) };
  await lake.put(ingestLayout.stagingPart(runId, chunk, part), JSON.stringify(report));
  return counts;
}

/** The hashes stored by the first `parts` parts of a chunk (to resume its in-chunk dedupe). */
export async function readPartHashes(
  deps: ActivityDeps,
  lake: Lake,
  runId: string,
  chunk: number,
  parts: number,
): Promise<string[]> {
  const hashes: string[] = [];
  const connection = await (await deps.duckdb()).connect();
  try {
    for (let part = 0; part < parts; part++) {
      const file = await deps.mirror.localFile(lake, ingestLayout.stagingRows(runId, chunk, part));
      const reader = await connection.runAndReadAll(
        `SELECT sha256 FROM read_parquet(${quoteLiteral(file)}) WHERE status = 'ingested'`,
      );
      for (const sha of reader.getColumnsJS()[0] ?? []) hashes.push(sha as string);
    }
  } finally {
    connection.closeSync();
  }
  return hashes;
}
