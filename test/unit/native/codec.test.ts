import { inflateRawSync } from 'node:zlib';
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

  it('refuses bad arguments with a message', () => {
    const decode = codec.decodeGrayPng as (...args: unknown[]) => unknown;
    expect(() => decode('text')).toThrow('decodeGrayPng: expected a Uint8Array');
    expect(() => decode()).toThrow('decodeGrayPng: expected 1 argument');
    expect(decode(new Uint8Array(3))).toBeUndefined();
    const deflate = codec.deflateRaw as (...args: unknown[]) => unknown;
    expect(() => deflate(new Float32Array(2), 1)).toThrow('deflateRaw: expected a Uint8Array');
    expect(() => deflate(new Uint8Array(2), 13)).toThrow('deflateRaw: level must be 0..12');
  });
});
