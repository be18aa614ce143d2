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
