import { deflateSync, inflateRawSync } from 'node:zlib';
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

  it('inflates a zlib stream of exactly the size asked, and nothing else', () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
    const stream = deflateSync(data);
    expect(codec.inflateZlibExact(stream, data.length)?.equals(data)).toBe(true);
    expect(codec.inflateZlibExact(stream, data.length - 1)).toBeUndefined(); // longer than asked
    expect(codec.inflateZlibExact(stream, data.length + 1)).toBeUndefined(); // shorter than asked
    expect(codec.inflateZlibExact(stream.subarray(0, stream.length - 5), data.length)).toBeUndefined();
    const flipped = Buffer.from(stream);
    flipped[stream.length - 1]! ^= 1; // adler32 no longer matches
    expect(codec.inflateZlibExact(flipped, data.length)).toBeUndefined();
    expect(codec.inflateZlibExact(Buffer.from('not zlib at all'), 10)).toBeUndefined();
  });

  it('refuses bad arguments with a message', () => {
    const call = codec.inflateZlibExact as (...args: unknown[]) => unknown;
    expect(() => call('text', 3)).toThrow('inflateZlibExact: expected a Uint8Array');
    expect(() => call(new Uint8Array(3), -1)).toThrow('inflateZlibExact: size must be 0..2^30');
    expect(() => call(new Uint8Array(3))).toThrow('inflateZlibExact: expected 2 arguments');
    const deflate = codec.deflateRaw as (...args: unknown[]) => unknown;
    expect(() => deflate(new Float32Array(2), 1)).toThrow('deflateRaw: expected a Uint8Array');
    expect(() => deflate(new Uint8Array(2), 13)).toThrow('deflateRaw: level must be 0..12');
  });
});
