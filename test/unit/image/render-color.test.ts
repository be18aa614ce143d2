import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_RENDITION,
  ImageRejectedError,
  renderImage,
  renderImageNow,
  type RenditionSpec,
} from '../../../lib/image/index.js';
import { oxygenIcons, plasmaPhotographs } from '../../fixtures/color-images.js';
import { pngChunk } from '../../fixtures/hostile-images.js';
import { renditionCorpus } from '../../fixtures/renditions/corpus.js';
import { reliability } from '../../reliability/tally.js';

const rgb = (o: Partial<RenditionSpec> = {}): RenditionSpec => ({
  ...DEFAULT_RENDITION,
  name: 'rgb',
  width: 64,
  height: 40,
  channels: 3,
  fit: 'fill',
  polarity: 'never',
  ...o,
});
const photoBytes = (name: string) => readFileSync(plasmaPhotographs().find((p) => p.name === name)!.path);
const meanDiff = (a: Uint8Array, b: Uint8Array) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length;
};
/** How far apart the channels of a 3-channel image are, at most. */
const chroma = (p: Uint8Array) => {
  let most = 0;
  for (let i = 0; i < p.length; i += 3)
    most = Math.max(most, Math.abs(p[i]! - p[i + 1]!), Math.abs(p[i]! - p[i + 2]!));
  return most;
};

/** The PNG with an eXIf chunk of one tag, the orientation, before its first IDAT (no ICC profile added). */
function pngWithOrientation(png: Buffer, orientation: number): Buffer {
  const exif = Buffer.from([
    0x4d,
    0x4d,
    0,
    0x2a,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const idat = png.indexOf('IDAT') - 4;
  return Buffer.concat([png.subarray(0, idat), pngChunk('eXIf', exif), png.subarray(idat)]);
}

// A real photograph of saturated colors at 320x200, as a lossless PNG: the upright reference.
let upright: Buffer;
beforeAll(async () => {
  upright = await sharp(photoBytes('ColorfulCups')).resize(320, 200).png().toBuffer();
});

describe('3-channel renditions of real photographs', () => {
  it('renders a photo to width x height x 3 sRGB, as a plain sharp resize does', async () => {
    const bytes = photoBytes('Kite');
    const out = await renderImage(bytes, rgb({ fit: 'cover' }));
    expect(out).toMatchObject({ width: 64, height: 40, channels: 3, inverted: false });
    expect(out.original).toEqual({ format: 'jpeg', width: 2560, height: 1600, bytes: bytes.length });
    expect(out.pixels.length).toBe(64 * 40 * 3);
    expect(chroma(out.pixels)).toBeGreaterThan(60);
    const plain = await sharp(bytes).resize(64, 40, { fit: 'cover' }).raw().toBuffer();
    expect(Buffer.from(out.pixels).equals(plain)).toBe(true);
  });

  it('applies each of the 8 EXIF orientations', async () => {
    // The stored pixels of orientation o, such that displaying them by the tag shows `upright`.
    const stored: Record<number, (s: Sharp) => Sharp> = {
      1: (s) => s,
      2: (s) => s.flop(),
      3: (s) => s.rotate(180),
      4: (s) => s.flip(),
      5: (s) => s.rotate(270).flop(),
      6: (s) => s.rotate(270),
      7: (s) => s.rotate(90).flop(),
      8: (s) => s.rotate(90),
    };
    const reference = await renderImage(upright, rgb());
    for (const [o, transform] of Object.entries(stored)) {
      const pixels = await transform(sharp(upright)).png().toBuffer();
      const tagged = await sharp(pixels)
        .withMetadata({ orientation: Number(o) })
        .png()
        .toBuffer();
      expect((await sharp(tagged).metadata()).orientation).toBe(Number(o));
      const out = await renderImage(tagged, rgb());
      expect(out.original).toMatchObject({ width: 320, height: 200 });
      expect(meanDiff(out.pixels, reference.pixels)).toBeLessThan(0.5);
      if (o !== '1')
        expect(meanDiff((await renderImage(pixels, rgb())).pixels, reference.pixels)).toBeGreaterThan(20);
    }
  });

  it('applies the orientation of a small gray PNG too (not decoded by the fast path)', async () => {
    const digit = await sharp(photoBytes('Grey'))
      .resize(28, 28, { fit: 'fill' })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const reference = await renderImage(digit, DEFAULT_RENDITION);
    const turned = pngWithOrientation(await sharp(digit).rotate(270).png().toBuffer(), 6);
    expect((await sharp(turned).metadata()).orientation).toBe(6);
    const now = renderImageNow(turned, DEFAULT_RENDITION);
    expect(now).toBeInstanceOf(Promise);
    expect(Buffer.from((await now).pixels).equals(Buffer.from(reference.pixels))).toBe(true);
  });

  it('converts an embedded ICC profile (Display P3) to sRGB', async () => {
    const reference = await renderImage(upright, rgb());
    const p3 = await sharp(upright).withIccProfile('p3').png().toBuffer();
    expect((await sharp(p3).metadata()).icc).toBeDefined();
    const profileIgnored = await sharp(p3, { ignoreIcc: true }).png().toBuffer();
    expect((await sharp(profileIgnored).metadata()).icc).toBeUndefined();
    expect(meanDiff((await renderImage(p3, rgb())).pixels, reference.pixels)).toBeLessThan(0.5);
    // Read as if sRGB, the same P3 values are visibly off: the conversion is what closes the gap.
    expect(meanDiff((await renderImage(profileIgnored, rgb())).pixels, reference.pixels)).toBeGreaterThan(2);
  });

  it('reads real photographs that carry their own ICC profile as sharp converts them', async () => {
    for (const name of ['ColorfulCups', 'Kite', 'OneStandsOut', 'Path']) {
      const bytes = photoBytes(name);
      expect((await sharp(bytes).metadata()).icc).toBeDefined();
      const out = await renderImage(bytes, rgb({ fit: 'cover' }));
      const viaSrgb = await sharp(bytes)
        .resize(64, 40, { fit: 'cover' })
        .toColourspace('srgb')
        .raw()
        .toBuffer();
      expect(Buffer.from(out.pixels).equals(viaSrgb)).toBe(true);
    }
  });

  it('reads CMYK JPEG and 16-bit PNG to the colors of the 8-bit sRGB original', async () => {
    const reference = await renderImage(upright, rgb());
    const cmyk = await sharp(upright).toColourspace('cmyk').tiff().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const cmykJpeg = await sharp(upright).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmykJpeg).metadata()).space).toBe('cmyk');
    const deep = await sharp(upright).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    // CMYK goes through a generic profile both ways: close, not exact. 16 bits reduce to 8.
    expect(meanDiff((await renderImage(cmyk, rgb())).pixels, reference.pixels)).toBeLessThan(8);
    expect(meanDiff((await renderImage(cmykJpeg, rgb())).pixels, reference.pixels)).toBeLessThan(10);
    expect(meanDiff((await renderImage(deep, rgb())).pixels, reference.pixels)).toBeLessThan(1);
  });

  it('replicates gray into three channels, equal to the gray rendition', async () => {
    const grey = photoBytes('Grey');
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const fashion = (await renditionCorpus()).filter((e) => e.key.startsWith('fashion/test/')).slice(0, 20);
    for (const bytes of [grey, ...fashion.map((e) => e.bytes)]) {
      for (const polarity of ['auto', 'never'] as const) {
        const gray = await renderImage(bytes, { ...DEFAULT_RENDITION, polarity });
        const color = await renderImage(bytes, { ...DEFAULT_RENDITION, channels: 3, polarity });
        expect(chroma(color.pixels)).toBe(0);
        const firstChannel = color.pixels.filter((_, i) => i % 3 === 0);
        expect(Buffer.from(firstChannel).equals(Buffer.from(gray.pixels))).toBe(true);
        expect(color.inverted).toBe(gray.inverted);
      }
    }
  });

  it('flattens alpha on the rendition background', async () => {
    // The photo's left half made transparent.
    const { data, info } = await sharp(upright).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let y = 0; y < info.height; y++)
      for (let x = 0; x < info.width / 2; x++) data[(y * info.width + x) * 4 + 3] = 0;
    const halfClear = await sharp(data, { raw: { width: 320, height: 200, channels: 4 } })
      .png()
      .toBuffer();
    for (const [background, color] of [
      ['#ff0000', [255, 0, 0]],
      ['#204060', [0x20, 0x40, 0x60]],
    ] as const) {
      const out = await renderImage(halfClear, rgb({ background }));
      // Far enough from the edge of the transparent half that no kernel reaches an opaque pixel.
      for (const x of [0, 10, 20]) expect([...out.pixels.subarray(x * 3, x * 3 + 3)]).toEqual(color);
      expect(chroma(out.pixels.subarray((20 * 64 + 40) * 3, (20 * 64 + 64) * 3))).toBeGreaterThan(30);
    }
  });

  it('pads a contained color image with its own background level, inverted by auto polarity', async () => {
    // Real icons on a transparent background: flattened on white, so light, so inverted to dark.
    const icons = oxygenIcons({ size: 48, categories: ['devices'], perCategory: 3 });
    for (const icon of icons) {
      const out = await renderImage(
        readFileSync(icon.path),
        rgb({ width: 32, height: 32, fit: 'contain', polarity: 'auto' }),
      );
      expect(out.inverted).toBe(true);
      expect(out.stats.lightBackground).toBe(true);
      expect([...out.pixels.subarray(0, 3)]).toEqual([0, 0, 0]);
    }
    const wide = await renderImage(
      upright,
      rgb({ width: 32, height: 32, fit: 'contain', polarity: 'never' }),
    );
    const firstRow = wide.pixels.subarray(0, 32 * 3);
    expect(chroma(firstRow) === 0 || new Set(firstRow).size <= 3).toBe(true); // one padding color
    expect(wide.original).toMatchObject({ width: 320, height: 200 });
  });

  it('refuses what the gray path refuses, with the same reasons', async () => {
    const hostile = (await renditionCorpus()).filter((e) => e.key.startsWith('hostile/'));
    reliability('bad-input', hostile.length);
    for (const entry of hostile) {
      const reason = (p: Promise<unknown>) =>
        p.then(
          () => 'rendered',
          (e: unknown) => (e instanceof ImageRejectedError ? e.reason : `unexpected: ${String(e)}`),
        );
      const gray = await reason(renderImage(entry.bytes, DEFAULT_RENDITION));
      const color = await reason(renderImage(entry.bytes, rgb()));
      expect([entry.key, color]).toEqual([entry.key, gray]);
    }
  });
});
