import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatResult } from '../../lib/catalog/result-format.js';
import { openSandbox } from '../../lib/catalog/sandbox.js';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { catalogScript } from '../../lib/catalog/views.js';
import { datasetLayout } from '../../lib/dataset/manifest.js';
import { memberLocations } from '../../activities/member-locations.js';
import { membersFile } from '../../lib/dataset/members.js';
import { BatchCache } from '../../lib/dataset/batch-cache.js';
import { readBatches } from '../../lib/dataset/reader.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { UserError } from '../../lib/errors.js';
import {
  DatasetCreateWorkflow,
  LabelImportWorkflow,
  type CreateDatasetInput,
} from '../../workflows/index.js';
import { innermost, withTestWorker } from '../setup/temporal.js';
import { catalogRows, ingestFashion, queryRows } from './helpers.js';

const split = { train: 0.8, val: 0.1, test: 0.1 };

describe('catalog over a real ingest', () => {
  it('shows committed metadata in every view; stock DuckDB and pyarrow read the same; the sandbox cannot write into the lake', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      await ingestFashion(client, taskQueue, lakeUri, 1000, 'views');
      const snapshot = await loadSnapshot(deps.lakes.open(lakeUri), deps.mirror);
      expect(await queryRows(snapshot, 'SELECT count(*), count(DISTINCT batch_key) FROM images')).toEqual([
        [1000n, 4n],
      ]);
      expect(await queryRows(snapshot, 'SELECT sum(records) FROM batches')).toEqual([[1000n]]);
      expect(await queryRows(snapshot, 'SELECT seen, ingested, quarantined FROM ingest_runs')).toEqual([
        [1000n, 1000n, 0n],
      ]);
      expect(await queryRows(snapshot, "SELECT count(*) FROM labels WHERE source_kind = 'ingest'")).toEqual([
        [1000n],
      ]);

      // COPY into a file the sandbox may read (the lake's own metadata) is refused by statement type.
      const imagesFile = snapshot.files.images[0]!;
      const before = readFileSync(imagesFile);
      const sandbox = await openSandbox(snapshot);
      try {
        for (const sql of [
          `COPY (SELECT 1 AS a) TO '${imagesFile}' (FORMAT parquet)`,
          `EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '${imagesFile}' (FORMAT parquet)`,
        ])
          await expect(sandbox.query(sql)).rejects.toThrow(UserError);
        const arrow = formatResult(await sandbox.query('SELECT * FROM images ORDER BY image_id'), 'arrow');
        const arrowFile = join(lakeUri, '..', `${taskQueue}.arrow`);
        writeFileSync(arrowFile, arrow);
        const py = `import pyarrow.ipc as ipc, sys; t = ipc.open_stream(open(sys.argv[1], 'rb')).read_all(); print(t.num_rows, t.schema.field('ingested_at').type, t.schema.field('class_index').type)`;
        expect(execFileSync('python3', ['-c', py, arrowFile], { encoding: 'utf8' }).trim()).toBe(
          '1000 timestamp[us, tz=UTC] int32',
        );
      } finally {
        sandbox.close();
      }
      expect(readFileSync(imagesFile).equals(before)).toBe(true);

      // Stock DuckDB (the Python package) runs the views script over the committed files.
      const script = `${catalogScript(snapshot).join(';\n')};`;
      const py = `import duckdb, sys; c = duckdb.connect(); c.execute(sys.stdin.read()); print(c.execute("SELECT count(*) FROM images WHERE label = 'Bag'").fetchall()[0][0])`;
      const bags = await queryRows(snapshot, "SELECT count(*) FROM images WHERE label = 'Bag'");
      expect(execFileSync('python3', ['-c', py], { input: script, encoding: 'utf8' }).trim()).toBe(
        String(bags[0]![0]),
      );
    });
  });

  it('makes immutable dataset versions: new only when members change, splits stable as images arrive, human labels by precedence', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      await ingestFashion(client, taskQueue, lakeUri, 600, 'first');
      const lake = deps.lakes.open(lakeUri);
      const create = (query: string, extra: Partial<CreateDatasetInput> = {}) =>
        client.workflow.execute(DatasetCreateWorkflow, {
          taskQueue,
          workflowId: `ds-${Math.random().toString(36).slice(2)}`,
          args: [
            { lakeUri, name: 'no-bags', query, split, seed: 3, stratify: false, classes: null, ...extra },
          ],
        });
      const query = "SELECT image_id FROM images WHERE label <> 'Bag' -- a trailing comment;";
      const v1 = await create(query);
      const bags = Number(
        (await catalogRows(deps, lakeUri, "SELECT count(*) FROM images WHERE label = 'Bag'"))[0]![0],
      );
      expect(v1).toMatchObject({ ref: 'no-bags@1', created: true });
      expect(v1.counts.total).toBe(600 - bags);
      expect(v1.counts.train + v1.counts.val + v1.counts.test).toBe(v1.counts.total);
      expect(v1.classes).not.toContain('Bag');
      expect(await create(query)).toMatchObject({ ref: 'no-bags@1', created: false });
      expect(await lake.putIfAbsent(datasetLayout.manifest('no-bags', 1), '{}')).toBe(false);

      // Bad queries: clear errors, nothing written.
      expect(await create('SELECT label FROM images').catch(innermost)).toMatch(
        /must return an image_id column, got label/,
      );
      const failure = await create("SELECT 'nope' AS image_id").catch(innermost);
      expect(failure).toMatch(/1 ids that are not committed images/);
      const copy = await create("COPY images TO '/tmp/x.csv'").catch(innermost);
      expect(copy).toMatch(/only reads|Permission/);

      // A human correction with a hostile label: stored as a value, wins over the ingest label.
      const [[target, ingestLabel]] = (await catalogRows(
        deps,
        lakeUri,
        "SELECT image_id, label FROM images WHERE label = 'Coat' ORDER BY image_id LIMIT 1",
      )) as [[string, string]];
      const hostile = "Coat'); DROP TABLE images; --";
      await lake.put('incoming/labels/fix.csv', `image_id,label\n${target},"${hostile}"\n`);
      const imported = await client.workflow.execute(LabelImportWorkflow, {
        taskQueue,
        workflowId: `labels-${taskQueue}`,
        args: [
          {
            lakeUri,
            fileKey: 'incoming/labels/fix.csv',
            fileName: 'fix.csv',
            importId: 'ab'.repeat(8),
            importedAtMs: Date.now(),
          },
        ],
      });
      expect(imported).toEqual({ importId: 'ab'.repeat(8), rows: 1, imported: true });
      const effective = (precedence?: string[]) =>
        catalogRows(
          deps,
          lakeUri,
          'SELECT label, source_kind FROM labels WHERE image_id = $id',
          { id: target },
          precedence,
        );
      expect(await effective()).toEqual([[hostile, 'human']]);
      expect(await effective(['ingest', 'human'])).toEqual([[ingestLabel, 'ingest']]);

      const v2 = await create(query);
      expect(v2).toMatchObject({ ref: 'no-bags@2', created: true });
      expect(v2.classes).toContain(hostile);

      // New images arrive: members already in the dataset keep their split.
      await ingestFashion(client, taskQueue, lakeUri, 900, 'second');
      const v3 = await create(query);
      expect(v3.counts.total).toBeGreaterThan(v2.counts.total);
      const moved = await catalogRows(
        deps,
        lakeUri,
        `SELECT count(*) FROM dataset_members a JOIN dataset_members b USING (image_id)
         WHERE a.dataset = 'no-bags' AND b.dataset = 'no-bags' AND a.version = 2 AND b.version = 3 AND a.split <> b.split`,
      );
      expect(moved).toEqual([[0n]]);
      const versions = await catalogRows(
        deps,
        lakeUri,
        "SELECT version, members FROM datasets WHERE name = 'no-bags' ORDER BY version",
      );
      expect(versions).toEqual([
        [1, BigInt(v1.counts.total)],
        [2, BigInt(v2.counts.total)],
        [3, BigInt(v3.counts.total)],
      ]);
      const lineage = await catalogRows(
        deps,
        lakeUri,
        "SELECT label_source, images FROM dataset_lineage WHERE dataset = 'no-bags@2' ORDER BY 1",
      );
      expect(lineage.map((r) => r[0])).toEqual([
        'human:abababababababab',
        expect.stringMatching(/^ingest:first-/),
      ]);

      // Stratified: exact fractions per class.
      const strat = await client.workflow.execute(DatasetCreateWorkflow, {
        taskQueue,
        workflowId: `strat-${taskQueue}`,
        args: [
          {
            lakeUri,
            name: 'strat',
            query: 'SELECT image_id FROM images',
            split,
            seed: 1,
            stratify: true,
            classes: null,
          },
        ],
      });
      const perClass = await catalogRows(
        deps,
        lakeUri,
        "SELECT label, count(*) FILTER (split = 'train') / count(*) FROM dataset_members WHERE dataset = 'strat' GROUP BY label HAVING count(*) >= 50",
      );
      for (const [, fraction] of perClass) expect(Math.abs((fraction as number) - 0.8)).toBeLessThan(0.02);
      expect(strat.counts.total).toBe(900);
    });
  });

  it('the reader streams a split once per epoch, seeded, checked; a damaged batch file is refused', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      await ingestFashion(client, taskQueue, lakeUri, 1000, 'reader');
      const ds = await client.workflow.execute(DatasetCreateWorkflow, {
        taskQueue,
        workflowId: `reader-ds-${taskQueue}`,
        args: [
          {
            lakeUri,
            name: 'all',
            query: 'SELECT image_id FROM images',
            split,
            seed: 1,
            stratify: false,
            classes: null,
          },
        ],
      });
      const lake = deps.lakes.open(lakeUri);
      const manifest = await resolveDataset(lake, 'all');
      const members = await memberLocations(deps, lake, membersFile(manifest.tables.dataset_members), {
        split: 'train',
      });
      expect(members.length).toBe(ds.counts.train);

      const epoch = async (seed?: number, cache?: BatchCache, recycle?: boolean) => {
        const ids: string[] = [];
        const labels: number[] = [];
        let max = 0;
        let weighted = 0; // position-weighted pixel sum: equal only for the same pixels in the same order
        for await (const b of readBatches(lake, members, {
          batchSize: 64,
          width: 28,
          height: 28,
          shuffle: seed === undefined ? undefined : { seed, windowBytes: 784 * 250 * 2 }, // windows of 2 files
          cache,
          recycle,
        })) {
          expect(b.x.length).toBe(b.n * 784);
          ids.push(...b.ids);
          labels.push(...b.y);
          b.x.forEach((v, i) => {
            max = Math.max(max, v);
            weighted += v * ((ids.length * 784 + i) % 9973);
          });
        }
        return { ids, labels, max, weighted };
      };
      const plain = await epoch();
      expect(plain.ids).toEqual(members.imageId);
      expect(plain.labels).toEqual([...members.classIndex]);
      expect(plain.max).toBeLessThanOrEqual(1);
      expect(plain.max).toBeGreaterThan(0.9);
      const a = await epoch(5);
      const b = await epoch(5);
      const c = await epoch(6);
      expect(a.ids).toEqual(b.ids);
      expect(a.ids).not.toEqual(c.ids);
      expect(a.ids).not.toEqual(plain.ids);
      expect([...a.ids].sort()).toEqual([...plain.ids].sort());
      // Labels travel with their images through the shuffle.
      const labelOf = new Map(plain.ids.map((id, i) => [id, plain.labels[i]]));
      a.ids.forEach((id, i) => expect(a.labels[i]).toBe(labelOf.get(id)));

      // Training epochs share a cache: each file is decoded once, later passes give the same batches.
      const cache = new BatchCache(64 * 2 ** 20);
      expect(await epoch(5, cache)).toEqual(a);
      expect(cache.bytes).toBe(1000 * (784 + 32 + 16)); // the 4 whole batch files the train split touches (pixels, ids)
      // Between batches the event loop turns, even in a pass with nothing to wait for (all cached).
      let turned = false;
      setImmediate(() => (turned = true));
      const cachedPass = readBatches(lake, members, { batchSize: 64, width: 28, height: 28, cache });
      await cachedPass.next();
      await cachedPass.next();
      expect(turned).toBe(true);
      await cachedPass.return(undefined);
      // Recycled arrays give the same batches to a consumer done with each when it asks for the
      // next, and really are reused (two in turn).
      expect(await epoch(5, cache, true)).toEqual(a);
      const recycled = readBatches(lake, members, { batchSize: 64, width: 28, height: 28, recycle: true });
      const xs: Float32Array[] = [];
      for await (const batch of recycled) if (xs.push(batch.x) === 3) break;
      expect(xs[2]).toBe(xs[0]);
      expect(xs[1]).not.toBe(xs[0]);
      const tooSmall = new BatchCache(784 * 100);
      expect(await epoch(5, tooSmall)).toEqual(a);
      expect(tooSmall.bytes).toBe(0); // no file of 250 images fits: every pass streams
      // Room for 2 of the 4 files: files drop out (least recently used) while passes run, and
      // every pass still gives the batches of an uncached one.
      const someFiles = new BatchCache((784 + 32 + 16) * 250 * 2);
      for (const seed of [5, 6, 7, 8]) expect(await epoch(seed, someFiles)).toEqual(await epoch(seed));
      expect(someFiles.files).toBe(2);

      const victim = join(lakeUri, members.batchKey[0]!);
      const bytes = readFileSync(victim);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
      writeFileSync(victim, bytes);
      await expect(epoch()).rejects.toThrow(/has sha256 .* expected/);
      expect(await epoch(5, cache)).toEqual(a); // checked when it was decoded, not fetched again
    });
  });
});
