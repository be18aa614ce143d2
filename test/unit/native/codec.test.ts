import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../../lib/idx/index.js';
import { nativeCodec, nativeCodecReason } from '../../../lib/native/codec.js';

// infra/setup.sh builds the codec (libdeflate-dev is in its packages): here it must be there.
const codec = nativeCodec()!;

describe('native codec (libdeflate)', () => {
  it('is built and loads', () => {
    expect(nativeCodecReason()).toBeUndefined();
    expect(codec.libdeflateVersion).toMatch(/^\d+\.\d+/);
  });

  it('deflates real images to a raw deflate stream that zlib inflates back', async () => {
    const fm = findFashionMnist();
    const idx = await openIdxPair(fm.testImages, fm.testLabels);
    const block = Buffer.concat(Array.from({ length: 400 }, (_, i) => idx.image(i)));
    const deflated = await codec.deflateRaw(block, 1);
    expect(deflated.length).toBeLessThan(block.length * 0.7);
    expect(inflateRawSync(deflated).equals(block)).toBe(true);
    const empty = await codec.deflateRaw(new Uint8Array(0), 1);
    expect(inflateRawSync(empty).length).toBe(0);
  });

  it('inflates raw deflate streams of any size, and nothing malformed', async () => {
    const sizes = [0, 1, 1000, 300_000, 3_000_000]; // the last two grow its buffer past 64 KiB x 4
    for (const size of sizes) {
      const data = Buffer.alloc(size).map((_, i) => (i % 7 === 0 ? i & 0xff : 0));
      const stream = deflateRawSync(data, { level: 6 });
      expect(codec.inflateRaw(stream)?.equals(data), `${size} bytes`).toBe(true);
      expect(codec.inflateRaw(await codec.deflateRaw(data, 1))?.equals(data)).toBe(true);
    }
    const stream = deflateRawSync(Buffer.alloc(5000, 3));
    expect(codec.inflateRaw(stream.subarray(0, stream.length - 2))).toBeUndefined();
    expect(codec.inflateRaw(Buffer.from([0xff, 0xff, 0xff]))).toBeUndefined();
  });

  it('refuses bad arguments with a message', () => {
    const decode = codec.decodeGrayPng as (...args: unknown[]) => unknown;
    expect(() => decode('text')).toThrow('decodeGrayPng: expected a Uint8Array');
    expect(() => decode()).toThrow('decodeGrayPng: expected 1 argument');
    expect(decode(new Uint8Array(3))).toBeUndefined();
    const inflate = codec.inflateRaw as (...args: unknown[]) => unknown;
    expect(() => inflate([1, 2])).toThrow('inflateRaw: expected a Uint8Array');
    const deflate = codec.deflateRaw as (...args: unknown[]) => unknown;
    expect(() => deflate(new Float32Array(2), 1)).toThrow('deflateRaw: expected a Uint8Array');
    expect(() => deflate(new Uint8Array(2), 13)).toThrow('deflateRaw: level must be 0..12');
  });
});
