import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { grayPng } from '../../fixtures/hostile-images.js';

// Without the native codec (a machine where it is not built): node:zlib and the pure-JS decoder.
process.env.IMAGELAKE_NATIVE_CODEC = 'off';
const { nativeCodec } = await import('../../../lib/native/codec.js');
const { decodeGrayPng } = await import('../../../lib/image/png-fast.js');
const { encodeImageBatch, readImageBatch, defaultDeflater, zlibDeflater } =
  await import('../../../lib/avro/index.js');
const { makeRecords } = await import('../avro/records.js');

describe('without the native codec', () => {
  it('is the path taken here', () => {
    expect(nativeCodec()).toBeUndefined();
    expect(defaultDeflater().id).toBe(zlibDeflater.id);
  });

  it('writes and reads Avro batches with node:zlib', async () => {
    const records = makeRecords(1200);
    const file = await encodeImageBatch(records, { syncKey: 'batches/r/c0-p0.avro', blockBytes: 64 * 1024 });
    expect(readImageBatch(file).map((r) => r.image_id)).toEqual(records.map((r) => r.image_id));
  });

  it('decodes gray PNGs of every compression level and filter choice exactly as sharp does', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const pixels = new Uint8Array(784).map((_, i) => (i * 2654435761 * (seed + 1)) >>> 24);
      const png = await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
        .png({ compressionLevel: seed, adaptiveFiltering: seed % 2 === 0 })
        .toBuffer();
      const viaSharp = await sharp(png).toColourspace('b-w').raw().toBuffer();
      expect(Buffer.from(decodeGrayPng(png)!.data).equals(viaSharp)).toBe(true);
    }
  });

  it('leaves a stream longer than its rows, or shorter, to sharp', () => {
    expect(decodeGrayPng(grayPng(28, 28, Buffer.alloc(10_000_000)))).toBeUndefined();
    expect(decodeGrayPng(grayPng(28, 28, Buffer.alloc(29 * 27)))).toBeUndefined();
    expect(decodeGrayPng(grayPng(28, 28, Buffer.alloc(29 * 28)))?.data).toEqual(new Uint8Array(784));
  });
});
