import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImageBatch, encodeImageBatch, readImageBatch } from '../../../lib/avro/index.js';
import { parseContainer } from '../../../lib/avro/container.js';
import { makeRecords, plain, sha256 } from './records.js';

const records = makeRecords(1500);
const key = 'batches/run-1/c0-p0.avro';

describe('Avro image batches: encoding', () => {
  it.each([
    ['no records', 0, 28, 28],
    ['one record', 1, 28, 28],
    ['several blocks of 28x28', 1500, 28, 28],
    ['one large image', 1, 1024, 768],
    ['non-square images', 40, 5, 3],
  ])('round-trips every field: %s', async (_name, count, width, height) => {
    const input = makeRecords(count, width, height);
    const file = await encodeImageBatch(input, { syncKey: key });
    expect(plain(decodeImageBatch(file, { key, count, sha256: sha256(file) }))).toEqual(plain(input));
  });

  it('writes byte-identical files for the same records and key, so a retry rewrites the same object', async () => {
    const a = await encodeImageBatch(records, { syncKey: key });
    const b = await encodeImageBatch(makeRecords(1500), { syncKey: key });
    expect(sha256(a)).toBe(sha256(b));
  });

  it('derives the sync marker from the key: another key changes only the markers', async () => {
    const a = parseContainer(await encodeImageBatch(records, { syncKey: 'a' }), 'a');
    const b = parseContainer(await encodeImageBatch(records, { syncKey: 'b' }), 'b');
    expect(a.header.sync.equals(b.header.sync)).toBe(false);
    expect(a.blocks).toEqual(b.blocks);
  });

  it.each([64 * 1024, 256 * 1024])(
    'closes a block at the record that reaches %i uncompressed bytes',
    async (blockBytes) => {
      const file = await encodeImageBatch(records, { syncKey: key, blockBytes });
      const sizes = parseContainer(file, key).blocks.map(
        (b) => inflateRawSync(file.subarray(b.start, b.end)).length,
      );
      expect(sizes.length).toBeGreaterThan(3);
      for (const size of sizes.slice(0, -1))
        expect(size - blockBytes).toSatisfy((over: number) => over >= 0 && over < 1100);
    },
  );

  it('writes deflate with the full schema, docs included, in the header', async () => {
    const { header } = parseContainer(await encodeImageBatch(records.slice(0, 1), { syncKey: key }), key);
    expect(header.codec).toBe('deflate');
    expect(JSON.parse(header.schema)).toMatchObject({
      name: 'Image',
      namespace: 'imagelake',
      doc: expect.any(String),
    });
  });

  it.each([
    [
      'a missing field',
      { source: undefined },
      /^avro: record 0 \(image_id "[0-9a-f]{32}"\) does not match the Image schema: invalid source$/,
    ],
    ['a float width', { width: 1.5, pixels: Buffer.alloc(42) }, /invalid width$/],
    ['a string class index', { class_index: '3' }, /invalid class_index$/],
    ['pixels of the wrong size', { pixels: Buffer.alloc(10) }, /has 10 pixel bytes, width\*height is 784$/],
  ])('refuses a record with %s', async (_name, change, message) => {
    const bad = { ...records[0]!, ...change } as unknown as (typeof records)[number];
    await expect(encodeImageBatch([bad], { syncKey: key })).rejects.toThrow(message);
  });

  it('reads a file without checks for tools', async () => {
    const file = await encodeImageBatch(records.slice(0, 3), { syncKey: key });
    expect(readImageBatch(file).map((r) => r.image_id)).toEqual(records.slice(0, 3).map((r) => r.image_id));
  });
});
