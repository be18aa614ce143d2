import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  decodeImagePixels,
  encodeImageBatch,
  IMAGE_SCHEMA_JSON,
  readImageBatch,
} from '../../../lib/avro/index.js';
import { makeRecords, plain } from './records.js';

interface FieldSchema {
  name: string;
  type: unknown;
  doc?: string;
}
const schema = JSON.parse(IMAGE_SCHEMA_JSON) as { doc?: string; fields: FieldSchema[] };

/** A batch written by avsc's own container encoder with another version of the schema. */
function writtenWith(fields: FieldSchema[], records: object[]): Promise<Buffer> {
  const writer = new avro.streams.BlockEncoder({ ...schema, fields } as avro.Schema, { codec: 'deflate' });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    writer
      .on('data', (c: Buffer) => chunks.push(c))
      .on('error', reject)
      .on('end', () => resolve(Buffer.concat(chunks)));
    for (const r of records) writer.write(r);
    writer.end();
  });
}

describe('schemas/image.avsc', () => {
  it('is the file on disk, with a doc on the record and on every snake_case field', () => {
    expect(JSON.parse(readFileSync('schemas/image.avsc', 'utf8'))).toEqual(schema);
    expect(schema.doc).toBeTruthy();
    for (const field of schema.fields) {
      expect(field.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(field.doc, field.name).toMatch(/\w{3,}/);
    }
  });

  it('reads files of an older schema without class_index: the default null fills it', async () => {
    const fields = schema.fields.filter((f) => f.name !== 'class_index');
    const records = makeRecords(3).map(({ class_index: _, ...rest }) => rest);
    const back = readImageBatch(await writtenWith(fields, records));
    expect(plain(back)).toEqual(plain(makeRecords(3)).map((r) => ({ ...r, class_index: null })));
  });

  it('reads only id, size and pixels for the training and scoring readers, from current and older files', async () => {
    const records = makeRecords(5);
    const older = schema.fields.filter((f) => f.name !== 'class_index');
    for (const file of [
      await writtenWith(schema.fields, records),
      await writtenWith(
        older,
        records.map(({ class_index: _, ...rest }) => rest),
      ),
    ]) {
      const sha256 = createHash('sha256').update(file).digest('hex');
      const pixels = decodeImagePixels(file, { key: 'b.avro', count: 5, sha256 });
      expect(pixels.map((p) => ({ ...p, pixels: [...p.pixels] }))).toEqual(
        records.map((r) => ({
          image_id: r.image_id,
          width: r.width,
          height: r.height,
          pixels: [...r.pixels],
        })),
      );
      expect(() => decodeImagePixels(file, { key: 'b.avro', count: 6, sha256 })).toThrow(
        /has 5 records, expected 6/,
      );
    }
  });

  it('decodes only the blocks that hold a range of records, after checking the whole file', async () => {
    const records = makeRecords(20);
    // Blocks close past 2,000 bytes: 3 records (about 900 bytes each) per block.
    const file = await encodeImageBatch(records, { syncKey: 'ranged', blockBytes: 2000 });
    const expected = { key: 'r.avro', count: 20, sha256: createHash('sha256').update(file).digest('hex') };
    const all = decodeImagePixels(file, expected);
    const ranged = decodeImagePixels(file, expected, { from: 7, to: 11 });
    expect(ranged).toHaveLength(20);
    // Records 6-8 and 9-11 share blocks with the range; the other blocks stay holes.
    const present = ranged.flatMap((r, i) => (r ? [i] : []));
    expect(present).toEqual([6, 7, 8, 9, 10, 11]);
    for (const i of present) expect(ranged[i]).toEqual(all[i]);
    expect(decodeImagePixels(file, expected, { from: 0, to: 20 })).toEqual(all);
    // The range does not skip the checks of the whole file.
    const damaged = Buffer.from(file);
    damaged[damaged.length - 40]! ^= 0xff; // in the last block, outside the range
    expect(() => decodeImagePixels(damaged, expected, { from: 7, to: 11 })).toThrow(/has sha256/);
  });

  it('refuses files whose schema cannot be read as Image', async () => {
    const fields = schema.fields.map((f) => (f.name === 'width' ? { ...f, type: 'string' } : f));
    const records = makeRecords(1).map((r) => ({ ...r, width: '28' }));
    const file = await writtenWith(fields, records);
    expect(() => readImageBatch(file, 'old.avro')).toThrow(
      /^avro: old.avro was written with a schema we cannot read as Image: /,
    );
  });
});
