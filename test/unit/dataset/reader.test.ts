import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { encodeImageBatch } from '../../../lib/avro/index.js';
import type { MemberLocations } from '../../../lib/dataset/members.js';
import { readBatches } from '../../../lib/dataset/reader.js';
import { LocalLake } from '../../../lib/lake/index.js';
import { makeRecords } from '../avro/records.js';
import { classMix } from './class-mix.js';

const records = makeRecords(20);

async function lakeWithBatch() {
  const lake = new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-reader-')));
  // Blocks of 3 records: a range of members needs only some of them.
  const file = await encodeImageBatch(records, { syncKey: 'b.avro', blockBytes: 2000 });
  await lake.put('b.avro', file);
  return { lake, sha256: createHash('sha256').update(file).digest('hex') };
}

function members(sha256: string, indexes: number[], ids: (string | null)[]): MemberLocations {
  return {
    imageId: ids,
    batchKey: indexes.map(() => 'b.avro'),
    recordIndex: Int32Array.from(indexes),
    batchRecords: Int32Array.from(indexes, () => 20),
    batchSha256: indexes.map(() => sha256),
    classIndex: Int32Array.from(indexes, () => -1),
    length: indexes.length,
  };
}

async function readAll(lake: LocalLake, m: MemberLocations) {
  const ids: string[] = [];
  const pixels: number[][] = [];
  for await (const b of readBatches(lake, m, { batchSize: 3, width: 28, height: 28 }))
    for (let i = 0; i < b.n; i++) {
      ids.push(b.ids[i]!);
      pixels.push(Array.from(b.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
    }
  return { ids, pixels };
}

it('takes ids from the Avro records when the locations leave them out (a score plan)', async () => {
  const { lake, sha256 } = await lakeWithBatch();
  const wanted = [7, 8, 9, 10, 15];
  const read = await readAll(
    lake,
    members(
      sha256,
      wanted,
      wanted.map(() => null),
    ),
  );
  expect(read.ids).toEqual(wanted.map((r) => records[r]!.image_id));
  expect(read.pixels).toEqual(wanted.map((r) => [...records[r]!.pixels]));
});

it('refuses a record whose id is not the one the catalog gives for its place', async () => {
  const { lake, sha256 } = await lakeWithBatch();
  const ids = [records[7]!.image_id, records[9]!.image_id]; // record 8 is named as record 9
  await expect(readAll(lake, members(sha256, [7, 8], ids))).rejects.toThrow(
    `dataset: b.avro record 8 is image ${records[8]!.image_id}, the catalog says ${records[9]!.image_id}`,
  );
});

it('shuffles a lake written class by class into batches of every class (default options)', async () => {
  // 10 classes of 2,000 tiny images written in class order, 500 to a batch file (one class per
  // file), as an ingest of class folders packs them; more images than the reader used to mix.
  const lake = new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-reader-sorted-')));
  const perFile = 500;
  const template = makeRecords(perFile, 2, 2);
  const m: MemberLocations = {
    imageId: [],
    batchKey: [],
    recordIndex: new Int32Array(40 * perFile),
    batchRecords: new Int32Array(40 * perFile).fill(perFile),
    batchSha256: [],
    classIndex: new Int32Array(40 * perFile),
    length: 40 * perFile,
  };
  for (let f = 0; f < 40; f++) {
    const key = `sorted/${String(f).padStart(2, '0')}.avro`;
    const file = await encodeImageBatch(
      template.map((r, i) => ({ ...r, image_id: `${f}-${i}`, class_index: Math.floor(f / 4) })),
      { syncKey: key },
    );
    await lake.put(key, file);
    const sha256 = createHash('sha256').update(file).digest('hex');
    for (let i = 0; i < perFile; i++) {
      const at = f * perFile + i;
      m.imageId.push(`${f}-${i}`);
      m.batchKey.push(key);
      m.batchSha256.push(sha256);
      m.recordIndex[at] = i;
      m.classIndex[at] = Math.floor(f / 4);
    }
  }
  const labels: number[] = [];
  const ids = new Set<string>();
  for await (const b of readBatches(lake, m, { batchSize: 128, width: 2, height: 2, shuffle: { seed: 4 } })) {
    labels.push(...b.y);
    b.ids.forEach((id) => ids.add(id));
  }
  expect(ids.size).toBe(m.length);
  const mix = classMix(
    labels.map((_, i) => i),
    (i) => labels[i]!,
    10,
    128,
  );
  expect(mix.meanChiSquare).toBeLessThan(11); // a uniform draw: 9 on average
  expect(mix.fewestClasses).toBeGreaterThanOrEqual(8);
});
