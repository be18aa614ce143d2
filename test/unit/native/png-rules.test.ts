import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGrayPng, decodeGrayPngJs } from '../../../lib/image/png-fast.js';
import { nativeCodec } from '../../../lib/native/codec.js';
import { pngChunk } from '../../fixtures/hostile-images.js';
import { pngMutants } from '../../fixtures/native/png-mutants.js';
import { reliability } from '../../reliability/tally.js';

// The rules the C decoder (lib/native/codec.c) and the JS one (lib/image/png-fast.ts) both
// implement, as one table: each row builds a PNG that exercises one rule and says whether the
// rule accepts it. Both decoders must give the table's answer, so a rule changed in one place
// and not the other fails here by name.

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Spec {
  colourType?: number;
  bitDepth?: number;
  compression?: number;
  filterMethod?: number;
  interlace?: number;
  /** The filter type of the second row (the others use 0..4 in turn). */
  filter?: number;
  /** A pixel that breaks gray (R != G) or opacity (alpha < 255). */
  notGray?: boolean;
  translucent?: boolean;
  extra?: { type: string; before?: boolean };
  width?: number;
  height?: number;
}

function build(spec: Spec): Buffer {
  const { colourType = 0, bitDepth = 8, width = 6, height = 5 } = spec;
  const channels = CHANNELS[colourType] ?? 1;
  const bytesPerRow = Math.ceil((width * channels * bitDepth) / 8);
  // The pixels (gray, opaque, unless the spec breaks that), then each row filtered by its type.
  const pixels = Buffer.alloc(bytesPerRow * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < bytesPerRow; x++) {
      const c = x % channels;
      const alpha = (channels === 2 || channels === 4) && c === channels - 1;
      pixels[y * bytesPerRow + x] = alpha ? 255 : (Math.floor(x / channels) * 13 + y * 7) & 0xff;
    }
  if (spec.notGray) pixels[bytesPerRow * (height - 1) + 1] = 1; // G of the last row's first pixel, R there is 28
  if (spec.translucent) pixels[bytesPerRow * (height - 1) + channels - 1] = 7;
  const rows = Buffer.alloc((bytesPerRow + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = y === 1 && spec.filter !== undefined ? spec.filter : y % 5;
    rows[y * (bytesPerRow + 1)] = filter;
    for (let x = 0; x < bytesPerRow; x++) {
      const at = (dx: number, dy: number) =>
        x - dx >= 0 && y - dy >= 0 ? pixels[(y - dy) * bytesPerRow + x - dx]! : 0;
      const [a, b, c] = [at(channels, 0), at(0, 1), at(channels, 1)];
      const paeth = () => {
        const [pa, pb, pc] = [Math.abs(b - c), Math.abs(a - c), Math.abs(a + b - 2 * c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, paeth()][filter] ?? 0;
      rows[y * (bytesPerRow + 1) + 1 + x] = (pixels[y * bytesPerRow + x]! - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colourType, spec.compression ?? 0, spec.filterMethod ?? 0, spec.interlace ?? 0], 8);
  const extra = spec.extra ? [pngChunk(spec.extra.type, Buffer.from([0, 0]))] : [];
  return Buffer.concat([
    SIGNATURE,
    ...(spec.extra?.before ? extra : []),
    pngChunk('IHDR', ihdr),
    ...(spec.extra?.before ? [] : extra),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Rule name -> [the PNG, whether the rule accepts it]. */
const RULES: Record<string, [Spec, boolean]> = {};
for (const colourType of [0, 1, 2, 3, 4, 5, 6, 7])
  for (const bitDepth of [1, 2, 4, 8, 16])
    RULES[`colour type ${colourType}, bit depth ${bitDepth}`] = [
      { colourType, bitDepth },
      bitDepth === 8 && [0, 2, 4, 6].includes(colourType),
    ];
for (const filter of [0, 1, 2, 3, 4, 5, 6, 255]) RULES[`filter type ${filter}`] = [{ filter }, filter <= 4];
for (const value of [1, 2]) {
  RULES[`compression method ${value}`] = [{ compression: value }, false];
  RULES[`filter method ${value}`] = [{ filterMethod: value }, false];
  RULES[`interlace ${value}`] = [{ interlace: value }, false];
}
for (const colourType of [2, 6])
  RULES[`colour type ${colourType}, R != G`] = [{ colourType, notGray: true }, false];
for (const colourType of [4, 6])
  RULES[`colour type ${colourType}, alpha < 255`] = [{ colourType, translucent: true }, false];
for (const type of ['tRNS', 'eXIf', 'iCCP']) RULES[`a ${type} chunk`] = [{ extra: { type } }, false];
for (const type of ['tEXt', 'gAMA', 'pHYs', 'zzZz']) RULES[`a ${type} chunk`] = [{ extra: { type } }, true];
RULES['a chunk before IHDR'] = [{ extra: { type: 'tEXt', before: true } }, false];
RULES['a second IHDR'] = [{ extra: { type: 'IHDR' } }, false];
RULES['zero width'] = [{ width: 0 }, false];
RULES['zero height'] = [{ height: 0 }, false];
RULES['one pixel'] = [{ width: 1, height: 1 }, true];

describe('the rules both PNG decoders implement', () => {
  it('uses the native decoder here', () => {
    expect(nativeCodec()).toBeDefined();
  });

  it('gives each rule of the table the same answer in C and in JS', () => {
    reliability('bad-input', Object.values(RULES).filter(([, ok]) => !ok).length);
    const answers = (decode: typeof decodeGrayPngJs) =>
      Object.fromEntries(
        Object.entries(RULES).map(([name, [spec]]) => [name, decode(build(spec)) !== undefined]),
      );
    const expected = Object.fromEntries(Object.entries(RULES).map(([name, [, ok]]) => [name, ok]));
    expect(answers(decodeGrayPngJs)).toEqual(expected);
    expect(answers(decodeGrayPng)).toEqual(expected);
  });

  it('agrees on a seeded corpus of mutated PNGs, pixel for pixel', async () => {
    const gray = Buffer.alloc(28 * 28).map((_, i) => (i * 37) & 0xff);
    const raw = (channels: 1 | 3 | 4) => ({ raw: { width: 28, height: 28, channels } });
    const bases = [
      await sharp(gray, raw(1)).png().toBuffer(),
      await sharp(gray, raw(1)).png({ adaptiveFiltering: true, compressionLevel: 1 }).toBuffer(),
      await sharp(
        Buffer.alloc(28 * 28 * 3).map((_, i) => gray[Math.floor(i / 3)]!),
        raw(3),
      )
        .png()
        .toBuffer(),
      await sharp(
        Buffer.alloc(28 * 28 * 4).map((_, i) => (i % 4 === 3 ? 255 : gray[i >> 2]!)),
        raw(4),
      )
        .png()
        .toBuffer(),
    ];
    let count = 0;
    let decoded = 0;
    const disagreements: string[] = [];
    bases.forEach((base, b) => {
      for (const { name, png } of pngMutants(base, 600, 1000 + b)) {
        count++;
        const js = decodeGrayPngJs(png);
        const native = decodeGrayPng(png);
        if (js) decoded++;
        const same =
          js === undefined
            ? native === undefined
            : native !== undefined &&
              native.width === js.width &&
              native.height === js.height &&
              Buffer.from(native.data).equals(Buffer.from(js.data));
        if (!same) disagreements.push(`base ${b}, ${name}: JS ${js ? 'decoded' : 'refused'}`);
      }
    });
    reliability('bad-input', count);
    expect(disagreements).toEqual([]);
    // The corpus reaches both outcomes: mutants that still decode and ones refused.
    expect(decoded).toBeGreaterThan(count / 20);
    expect(decoded).toBeLessThan(count * 0.9);
  });
});
