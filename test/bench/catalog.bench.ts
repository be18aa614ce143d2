import { DuckDBInstance } from '@duckdb/node-api';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeActivityDeps, createActivities, createActivityDeps } from '../../activities/index.js';
import { encodeImageBatch, decodeImageBatch, type ImageRecord } from '../../lib/avro/index.js';
import { openSandbox } from '../../lib/catalog/sandbox.js';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { loadConfig } from '../../lib/config.js';
import type { MemberLocations } from '../../lib/dataset/members.js';
import { readBatches } from '../../lib/dataset/reader.js';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { LocalLake } from '../../lib/lake/index.js';
import { figure, medianMs, type Benchmark } from './harness.js';

const IMAGES = 1_000_000;
const PER_BATCH = 8192;
const SELECTIVE = "SELECT image_id FROM images WHERE label = 'c3' AND mean > 0.45";

/** Synthetic metadata of 1M images (one committed ingest run), written with DuckDB. */
async function syntheticLake(root: string): Promise<void> {
  mkdirSync(join(root, 'meta/images'), { recursive: true });
  mkdirSync(join(root, 'meta/batches'), { recursive: true });
  mkdirSync(join(root, 'manifests/ingest'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`COPY (SELECT substr(md5(i::VARCHAR), 1, 32) AS image_id, sha256(i::VARCHAR) AS sha256,
      'synthetic:' || i AS source, 'c' || (i % 10) AS label, (i % 10)::INTEGER AS class_index,
      'batches/synth/b' || lpad((i // ${PER_BATCH})::VARCHAR, 6, '0') || '.avro' AS batch_key,
      (i % ${PER_BATCH})::INTEGER AS record_index, 'png' AS original_format, 300::BIGINT AS original_bytes,
      28 AS original_width, 28 AS original_height, 28 AS width, 28 AS height,
      ((i * 7919) % 1000) / 2000.0 AS mean, 0.3 AS std, false AS light_background,
      'synth' AS ingest_run, TIMESTAMPTZ '2026-11-24 00:00:00+00' AS ingested_at
    FROM range(${IMAGES}) t(i)) TO ${quoteLiteral(join(root, 'meta/images/synth.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
  await c.run(`COPY (SELECT 'batches/synth/b' || lpad(b::VARCHAR, 6, '0') || '.avro' AS key, ${PER_BATCH} AS records,
      0::BIGINT AS bytes, repeat('0', 64) AS sha256, 'synth' AS ingest_run FROM range(${Math.ceil(IMAGES / PER_BATCH)}) t(b))
    TO ${quoteLiteral(join(root, 'meta/batches/synth.parquet'))} (FORMAT parquet)`);
  c.closeSync();
  instance.closeSync();
  writeFileSync(
    join(root, 'manifests/ingest/synth.json'),
    JSON.stringify({
      kind: 'ingest',
      runId: 'synth',
      tables: { images: 'meta/images/synth.parquet', batches: 'meta/batches/synth.parquet' },
    }),
  );
}

/** Real Fashion-MNIST train images in real Avro batch files, and the member list of all of them. */
async function avroLake(root: string): Promise<{ lake: LocalLake; members: MemberLocations }> {
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.trainImages, fm.trainLabels);
  const lake = new LocalLake(root);
  const m = {
    imageId: [] as string[],
    batchKey: [] as string[],
    recordIndex: [] as number[],
    batchRecords: [] as number[],
    batchSha256: [] as string[],
    classIndex: [] as number[],
  };
  for (let start = 0; start < idx.count; start += PER_BATCH) {
    const records: ImageRecord[] = [];
    for (let i = start; i < Math.min(idx.count, start + PER_BATCH); i++) {
      const sha = createHash('sha256').update(idx.image(i)).update(String(i)).digest('hex');
      records.push({
        image_id: sha.slice(0, 32),
        sha256: sha,
        source: `idx:train#${i}`,
        label: String(idx.label(i)),
        class_index: idx.label(i),
        width: 28,
        height: 28,
        pixels: Buffer.from(idx.image(i)),
        original_format: 'idx',
        original_width: 28,
        original_height: 28,
        original_bytes: 784,
        ingest_run: 'bench',
        ingest_time: 0,
      });
    }
    const key = `batches/bench/b${start}.avro`;
    const data = await encodeImageBatch(records, { syncKey: key });
    await lake.put(key, data);
    const sha = createHash('sha256').update(data).digest('hex');
    records.forEach((r, j) => {
      m.imageId.push(r.image_id);
      m.batchKey.push(key);
      m.recordIndex.push(j);
      m.batchRecords.push(records.length);
      m.batchSha256.push(sha);
      m.classIndex.push(r.class_index!);
    });
  }
  const members: MemberLocations = {
    ...m,
    recordIndex: Int32Array.from(m.recordIndex),
    batchRecords: Int32Array.from(m.batchRecords),
    classIndex: Int32Array.from(m.classIndex),
    length: m.imageId.length,
  };
  return { lake, members };
}

/** Issue 4's targets: dataset create and an aggregate over 1M images of metadata; the reader's feed rate. */
export const benchmark: Benchmark = {
  name: 'catalog (1M images of metadata) and dataset reader',
  issue: 4,
  async run() {
    const root = mkdtempSync(join(tmpdir(), 'imagelake-bench-catalog-'));
    const deps = createActivityDeps(loadConfig());
    try {
      await syntheticLake(join(root, 'lake'));
      const lake = new LocalLake(join(root, 'lake'));
      // An activity: it runs in an activity context (a cancellation interrupts its catalog's query).
      const { createDataset } = createActivities(deps);
      let n = 0;
      const createMs = await medianMs(
        () =>
          new MockActivityEnvironment().run(createDataset, {
            lakeUri: join(root, 'lake'),
            name: `sel-${n++}`,
            query: SELECTIVE,
            split: { train: 0.8, val: 0.1, test: 0.1 },
            seed: 1,
            stratify: false,
            classes: null,
          }),
        3,
      );
      const plain = await DuckDBInstance.create(':memory:');
      const pc = await plain.connect();
      const file = quoteLiteral(join(root, 'lake/meta/images/synth.parquet'));
      const plainSelectMs = await medianMs(() =>
        pc.runAndReadAll(
          `SELECT image_id, sha256, batch_key, record_index, label FROM read_parquet(${file}) WHERE label = 'c3' AND mean > 0.45`,
        ),
      );

      const sandbox = await openSandbox(await loadSnapshot(lake, deps.mirror));
      const aggregate = 'SELECT label, count(*) FROM images GROUP BY label';
      const aggregateMs = await medianMs(() => sandbox.query(aggregate), 7);
      sandbox.close();
      const plainAggregateMs = await medianMs(
        () => pc.runAndReadAll(`SELECT label, count(*) FROM read_parquet(${file}) GROUP BY label`),
        7,
      );
      pc.closeSync();
      plain.closeSync();

      const { lake: avro, members } = await avroLake(join(root, 'avro'));
      const epoch = async () => {
        let seen = 0;
        for await (const b of readBatches(avro, members, {
          batchSize: 128,
          width: 28,
          height: 28,
          shuffle: { seed: 1 },
          recycle: true, // as training reads: each batch is done with before the next
        }))
          seen += b.n;
        return seen;
      };
      const readerMs = await medianMs(epoch, 3);
      const keys = [...new Set(members.batchKey)];
      const decodeMs = await medianMs(async () => {
        for (const key of keys) {
          const i = members.batchKey.indexOf(key);
          decodeImageBatch(await avro.get(key), {
            key,
            count: members.batchRecords[i]!,
            sha256: members.batchSha256[i]!,
          });
        }
      }, 3);
      return [
        figure({
          name: 'dataset create, selective WHERE (1% of 1M: 10,000 members)',
          value: createMs,
          unit: 'ms',
          higherIsBetter: false,
          baseline: {
            name: 'the same selection in plain DuckDB over the Parquet file',
            value: plainSelectMs,
          },
          target: { op: '<=', value: 2000 },
          note: 'snapshot listing, sandbox with views, id check, split assignment, members Parquet, manifest',
        }),
        figure({
          name: 'count by label, warm',
          value: aggregateMs,
          unit: 'ms',
          higherIsBetter: false,
          baseline: { name: 'plain DuckDB over the Parquet file', value: plainAggregateMs },
          target: { op: '<=', value: 300 },
        }),
        figure({
          name: 'reader, 60k real 28x28 images, shuffled, batch 128',
          value: (members.length / readerMs) * 1000,
          unit: 'images/s',
          baseline: { name: 'Avro read + checks + decode alone', value: (members.length / decodeMs) * 1000 },
          target: { op: '>=', value: 100_000 },
        }),
      ];
    } finally {
      await closeActivityDeps(deps);
      rmSync(root, { recursive: true, force: true });
    }
  },
};
