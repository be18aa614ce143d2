import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  ImageRejectedError,
  normalizeImage,
  normalizeImageNow,
  sniffFormat,
} from '../../../lib/image/index.js';
import { decodeGrayPng } from '../../../lib/image/png-fast.js';
import { grayPng, pngBomb } from '../../fixtures/hostile-images.js';
import { reliability } from '../../reliability/tally.js';

// A 28x28 "digit": a light ring on a dark background, with anti-aliased edges.
const digit = new Uint8Array(28 * 28).map((_, i) => {
  const d = Math.hypot((i % 28) - 13.5, Math.floor(i / 28) - 13.5);
  return Math.max(0, Math.min(255, Math.round(255 - Math.abs(d - 8) * 90)));
});
const raw = (data: Uint8Array, channels: 1 | 3 | 4, width = 28, height = 28) =>
  sharp(data, { raw: { width, height, channels } });
const rejected = async (bytes: Uint8Array) => {
  const error = await normalizeImage(bytes).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImageRejectedError);
  return (error as ImageRejectedError).reason;
};

describe('normalizeImage', () => {
  it('keeps a light-on-dark grayscale PNG as it is', async () => {
    const out = await normalizeImage(await raw(digit, 1).png().toBuffer());
    expect(Buffer.from(out.pixels).equals(Buffer.from(digit))).toBe(true);
    expect(out).toMatchObject({
      width: 28,
      height: 28,
      inverted: false,
      original: { format: 'png', width: 28, height: 28 },
    });
    expect(out.stats.lightBackground).toBe(false);
  });

  it('normalizes an RGBA PNG with a dark digit on a light background to the same pixels as its plain twin', async () => {
    const rgba = new Uint8Array(28 * 28 * 4);
    digit.forEach((v, i) => rgba.set([255 - v, 255 - v, 255 - v, 255], i * 4));
    const transparent = new Uint8Array(28 * 28 * 4);
    digit.forEach((v, i) => transparent.set([0, 0, 0, v], i * 4)); // black ink, alpha = coverage, transparent paper
    const plain = await normalizeImage(await raw(digit, 1).png().toBuffer());
    for (const twin of [await raw(rgba, 4).png().toBuffer(), await raw(transparent, 4).png().toBuffer()]) {
      const out = await normalizeImage(twin);
      expect(out.inverted).toBe(true);
      expect(out.stats.lightBackground).toBe(true);
      expect(Buffer.from(out.pixels).equals(Buffer.from(plain.pixels))).toBe(true);
    }
  });

  it.each([
    ['jpeg', (s: Sharp) => s.jpeg({ quality: 95 })],
    ['webp', (s: Sharp) => s.webp({ lossless: true })],
    ['gif', (s: Sharp) => s.gif()],
    ['tiff', (s: Sharp) => s.tiff()],
    ['avif', (s: Sharp) => s.avif({ lossless: true })],
  ])('decodes %s to 28x28 gray', async (format, encode) => {
    const big = await raw(digit, 1)
      .resize(112, 112)
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const bytes = await encode(raw(big.data, big.info.channels as 3, 112, 112)).toBuffer();
    expect(sniffFormat(bytes)).toBe(format);
    const out = await normalizeImage(bytes);
    expect(out.original).toMatchObject({ format, width: 112, height: 112 });
    expect(out.pixels.length).toBe(784);
    expect(out.stats.mean).toBeGreaterThan(0.05);
  });

  it('shrinks a large photo while decoding, reports its original size, and matches its small twin', async () => {
    const big = await raw(digit, 1)
      .resize(1024, 1024, { kernel: 'nearest' })
      .jpeg({ quality: 95 })
      .toBuffer();
    const out = await normalizeImage(big);
    expect(out.original).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });
    expect(out.pixels.length).toBe(784);
    const small = await normalizeImage(await raw(digit, 1).png().toBuffer());
    const diff = out.pixels.reduce((sum, v, i) => sum + Math.abs(v - small.pixels[i]!), 0) / 784;
    expect(diff).toBeLessThan(12); // the same picture, through JPEG and two resamplings
  });

  it('reads 16-bit PNG and CMYK JPEG', async () => {
    const png16 = await raw(digit, 1).png().toColourspace('grey16').toBuffer();
    expect((await normalizeImage(png16)).pixels.length).toBe(784);
    const cmyk = await raw(digit, 1).toColourspace('srgb').jpeg().toColourspace('cmyk').toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    expect((await normalizeImage(cmyk)).stats.mean).toBeGreaterThan(0.05);
  });

  it('decodes binary and plain netpbm like the same PNG', async () => {
    const png = await normalizeImage(await raw(digit, 1).png().toBuffer());
    const p5 = Buffer.concat([Buffer.from('P5\n# comment\n28 28\n255\n'), digit]);
    const p2 = Buffer.from(`P2 28 28 255 ${[...digit].join(' ')}`);
    const p6 = Buffer.concat([
      Buffer.from('P6 28 28 255\n'),
      Buffer.from([...digit].flatMap((v) => [v, v, v])),
    ]);
    for (const bytes of [p5, p2, p6])
      expect(Buffer.from((await normalizeImage(bytes)).pixels).equals(Buffer.from(png.pixels))).toBe(true);
    // Gray netpbm takes the pure-JS path (PPM goes through sharp), the same pixels and stats as sharp's.
    const light = Buffer.concat([Buffer.from('P5 56 14 255\n'), Buffer.from(digit.map((v) => 255 - v))]);
    for (const bytes of [p5, p2, light]) {
      const now = normalizeImageNow(bytes);
      const slow = await normalizeImage(bytes, {}, 'sharp');
      if (bytes === light)
        expect(now).toBeInstanceOf(Promise); // not the output size: resized by sharp
      else expect(now).toEqual(slow);
      expect(await now).toEqual(slow);
      expect(await normalizeImage(bytes)).toEqual(slow);
    }
    expect(normalizeImageNow(p6)).toBeInstanceOf(Promise);
    expect(await rejected(Buffer.concat([Buffer.from('P5 28 28 255\n'), digit.subarray(0, 100)]))).toBe(
      'truncated',
    );
  });

  it('resizes with each fit policy and keeps the background dark', async () => {
    const wide = await raw(
      new Uint8Array(60 * 30).fill(0).map((_, i) => (i % 60 > 20 && i % 60 < 40 ? 255 : 0)),
      1,
      60,
      30,
    )
      .png()
      .toBuffer();
    for (const fit of ['contain', 'cover', 'fill'] as const) {
      const out = await normalizeImage(wide, { fit, width: 20, height: 20 });
      expect(out.pixels.length).toBe(400);
      expect(out.pixels[0]).toBe(0);
    }
  });

  it('applies invert=always and invert=never', async () => {
    const png = await raw(digit, 1).png().toBuffer();
    expect((await normalizeImage(png, { invert: 'always' })).pixels[0]).toBe(255 - digit[0]!);
    const light = await raw(
      digit.map((v) => 255 - v),
      1,
    )
      .png()
      .toBuffer();
    expect((await normalizeImage(light, { invert: 'never' })).pixels[0]).toBe(255 - digit[0]!);
  });

  it.each([
    ['gray', 1, false],
    ['gray stored as RGB', 3, false],
    ['gray stored as RGBA, opaque', 4, false],
    ['colour RGB (falls back to sharp)', 3, true],
    ['RGBA with transparency (falls back to sharp)', 4, true],
  ] as const)('decodes %s PNGs on the fast path exactly as sharp does', async (_name, channels, colour) => {
    for (let seed = 0; seed < 12; seed++) {
      const gray = new Uint8Array(784).map((_, i) => (i * 2654435761 * (seed + 1)) >>> 24);
      const pixels = new Uint8Array(784 * channels).map((_, j) => {
        const v = gray[Math.floor(j / channels)]!;
        if (channels === 4 && j % 4 === 3) return colour ? v : 255;
        return colour ? (v * ((j % channels) + 1)) & 0xff : v;
      });
      const png = await raw(pixels, channels)
        .png({ compressionLevel: seed % 10, adaptiveFiltering: seed % 2 === 0 })
        .toBuffer();
      // the fast path is really taken for gray, opaque pixels, and refused otherwise
      expect(decodeGrayPng(png) === undefined).toBe(colour);
      const fast = await normalizeImage(png);
      const slow = await normalizeImage(png, {}, 'sharp');
      expect(Buffer.from(fast.pixels).equals(Buffer.from(slow.pixels))).toBe(true);
      expect(fast.stats).toEqual(slow.stats);
    }
  });
  it('leaves malformed PNGs to sharp: a stream longer than its rows, a filter type that does not exist', async () => {
    // 28 rows of 29 bytes declared, 10 MB inflated: the fast path stops at its bound
    const long = grayPng(28, 28, Buffer.alloc(10_000_000));
    expect(decodeGrayPng(long)).toBeUndefined();
    expect((await normalizeImage(long)).pixels).toEqual(new Uint8Array(784));
    const rows = Buffer.alloc(29 * 28);
    rows[29 * 5] = 7; // PNG filter types are 0-4
    const badFilter = grayPng(28, 28, rows);
    expect(decodeGrayPng(badFilter)).toBeUndefined();
    expect(await rejected(badFilter)).toBe('corrupt');
    expect(Buffer.from(decodeGrayPng(grayPng(28, 28, Buffer.alloc(29 * 28)))!.data)).toEqual(
      Buffer.alloc(784),
    );
  });
});

describe('hostile and broken inputs are rejected with a reason', () => {
  it.each([
    ['zero bytes', async () => new Uint8Array(0), 'empty'],
    ['a text file named .png', async () => Buffer.from('hello, not an image'), 'not-an-image'],
    [
      'SVG',
      async () =>
        Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      'format-not-allowed',
    ],
    ['a PNG declaring 20000x20000 pixels', async () => pngBomb(), 'too-many-pixels'],
    [
      'a truncated PNG',
      async () => (await raw(digit, 1).png({ compressionLevel: 0 }).toBuffer()).subarray(0, 400),
      'truncated',
    ],
    [
      'a truncated JPEG',
      async () => {
        const j = await raw(digit, 1).resize(200, 200).jpeg().toBuffer();
        return j.subarray(0, Math.floor(j.length / 2));
      },
      'truncated',
    ],
  ])('%s', async (_name, make, reason) => {
    reliability('bad-input');
    expect(await rejected(await make())).toBe(reason);
  });
});
