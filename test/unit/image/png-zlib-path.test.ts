import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { grayPng } from '../../fixtures/hostile-images.js';

// The PNG fast path without the native codec (a machine where it is not built): node:zlib inflates.
process.env.IMAGELAKE_NATIVE_CODEC = 'off';
const { nativeCodec } = await import('../../../lib/native/codec.js');
const { decodeGrayPng } = await import('../../../lib/image/png-fast.js');

describe('the PNG fast path on node:zlib', () => {
  it('is the path taken here', () => {
    expect(nativeCodec()).toBeUndefined();
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
