import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGrayPng, decodeGrayPngJs } from '../../../lib/image/png-fast.js';
import { nativeCodec } from '../../../lib/native/codec.js';
import { grayPng, pngChunk } from '../../fixtures/hostile-images.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number, colourType = 0, bitDepth = 8, interlace = 0): Buffer {
  const body = Buffer.alloc(13);
  body.writeUInt32BE(width, 0);
  body.writeUInt32BE(height, 4);
  body.set([bitDepth, colourType, 0, 0, interlace], 8);
  return pngChunk('IHDR', body);
}

/** Scanlines of a gray image, each row with the filter type the row index picks (0-4). */
function scanlines(width: number, height: number, seed: number, filters = [0, 1, 2, 3, 4]): Buffer {
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = filters[(y + seed) % filters.length]!;
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = ((x + 1) * (y + 3) * (seed + 7)) & 0xff;
  }
  return rows;
}

const png = (...chunks: Buffer[]) => Buffer.concat([SIGNATURE, ...chunks, pngChunk('IEND', Buffer.alloc(0))]);

/** The native decoder and the pure-JS one give the same answer (both undefined, or the same pixels). */
function agree(bytes: Buffer): Uint8Array | undefined {
  const js = decodeGrayPngJs(bytes);
  const native = decodeGrayPng(bytes);
  expect(
    native === undefined,
    `native ${native ? 'decoded' : 'refused'}, JS ${js ? 'decoded' : 'refused'}`,
  ).toBe(js === undefined);
  if (js && native) {
    expect([native.width, native.height]).toEqual([js.width, js.height]);
    expect(Buffer.from(native.data).equals(Buffer.from(js.data))).toBe(true);
  }
  return native?.data;
}

describe('the native PNG decoder against the pure-JS one', () => {
  it('is the decoder in use here', () => {
    expect(nativeCodec()).toBeDefined();
  });

  it('decodes what sharp writes exactly as sharp reads it, and refuses what it leaves to sharp', async () => {
    const kinds = [
      { channels: 1, colour: false },
      { channels: 3, colour: false },
      { channels: 4, colour: false },
      { channels: 3, colour: true },
      { channels: 4, colour: true },
    ] as const;
    for (const [width, height] of [
      [28, 28],
      [1, 1],
      [13, 7],
      [112, 112],
    ] as const) {
      for (const { channels, colour } of kinds) {
        for (let seed = 0; seed < 4; seed++) {
          const pixels = Buffer.alloc(width * height * channels).map((_, j) => {
            const v = (Math.floor(j / channels) * 2654435761 * (seed + 1)) >>> 24;
            if (channels === 4 && j % 4 === 3) return colour ? v : 255;
            return colour ? (v + (j % channels) * 85) & 0xff : v; // channels never equal
          });
          const bytes = await sharp(pixels, { raw: { width, height, channels } })
            .png({ compressionLevel: seed * 3, adaptiveFiltering: seed % 2 === 0 })
            .toBuffer();
          const decoded = agree(bytes);
          expect(decoded === undefined).toBe(colour);
          if (decoded) {
            const viaSharp = await sharp(bytes).toColourspace('b-w').raw().toBuffer();
            expect(Buffer.from(decoded).equals(viaSharp)).toBe(true);
          }
        }
      }
    }
    // 16-bit, palette and interlaced PNGs are sharp's
    const gray = Buffer.alloc(28 * 28, 90);
    const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
    expect(agree(await sharp(gray, raw).png({ progressive: true }).toBuffer())).toBeUndefined();
    expect(agree(await sharp(gray, raw).png({ palette: true }).toBuffer())).toBeUndefined();
    expect(agree(await sharp(gray, raw).toColourspace('grey16').png().toBuffer())).toBeUndefined();
  });

  it('agrees on every filter type, split and empty IDATs, ancillary chunks and stray bytes', () => {
    const rows = scanlines(20, 9, 1);
    const stream = deflateSync(rows);
    const cases = {
      'every filter type': png(ihdr(20, 9), pngChunk('IDAT', stream)),
      'three IDATs': png(
        ihdr(20, 9),
        pngChunk('IDAT', stream.subarray(0, 5)),
        pngChunk('IDAT', stream.subarray(5, 40)),
        pngChunk('IDAT', stream.subarray(40)),
      ),
      'an empty IDAT between': png(
        ihdr(20, 9),
        pngChunk('IDAT', stream.subarray(0, 30)),
        pngChunk('IDAT', Buffer.alloc(0)),
        pngChunk('IDAT', stream.subarray(30)),
      ),
      'only an empty IDAT': png(ihdr(20, 9), pngChunk('IDAT', Buffer.alloc(0))),
      'a text chunk first': png(pngChunk('tEXt', Buffer.from('a\0b')), ihdr(20, 9), pngChunk('IDAT', stream)),
      'a text chunk after IHDR': png(
        ihdr(20, 9),
        pngChunk('tEXt', Buffer.from('a\0b')),
        pngChunk('IDAT', stream),
      ),
      'two IHDRs': png(ihdr(20, 9), ihdr(20, 9), pngChunk('IDAT', stream)),
      tRNS: png(ihdr(20, 9), pngChunk('tRNS', Buffer.from([0, 0])), pngChunk('IDAT', stream)),
      // An orientation or a color profile is for sharp to apply.
      eXIf: png(
        ihdr(20, 9),
        pngChunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0\0\0\0\0', 'latin1')),
        pngChunk('IDAT', stream),
      ),
      iCCP: png(ihdr(20, 9), pngChunk('iCCP', Buffer.from('gray\0\0x', 'latin1')), pngChunk('IDAT', stream)),
      'filter type 5': png(ihdr(20, 9), pngChunk('IDAT', deflateSync(scanlines(20, 9, 0, [0, 5])))),
      'one row short': png(ihdr(20, 9), pngChunk('IDAT', deflateSync(scanlines(20, 8, 1)))),
      'one row long': png(ihdr(20, 9), pngChunk('IDAT', deflateSync(scanlines(20, 10, 1)))),
      'bytes after the zlib stream': png(
        ihdr(20, 9),
        pngChunk('IDAT', Buffer.concat([stream, Buffer.from([1, 2, 3])])),
      ),
      'no IEND': Buffer.concat([SIGNATURE, ihdr(20, 9), pngChunk('IDAT', stream)]),
      'bytes after IEND': Buffer.concat([
        png(ihdr(20, 9), pngChunk('IDAT', stream)),
        Buffer.from('trailing'),
      ]),
      'bit depth 4': png(ihdr(20, 9, 0, 4), pngChunk('IDAT', stream)),
      'colour type 3': png(ihdr(20, 9, 3), pngChunk('IDAT', stream)),
      interlaced: png(ihdr(20, 9, 0, 8, 1), pngChunk('IDAT', stream)),
      'zero width': png(ihdr(0, 9), pngChunk('IDAT', stream)),
      'a huge declared size': grayPng(65535, 65535, rows),
    };
    const decoded = Object.fromEntries(
      Object.entries(cases).map(([name, bytes]) => [name, agree(bytes) !== undefined]),
    );
    expect(decoded).toEqual({
      'every filter type': true,
      'three IDATs': true,
      'an empty IDAT between': true,
      'only an empty IDAT': false,
      'a text chunk first': false,
      'a text chunk after IHDR': true,
      'two IHDRs': false,
      tRNS: false,
      eXIf: false,
      iCCP: false,
      'filter type 5': false,
      'one row short': false,
      'one row long': false,
      'bytes after the zlib stream': true,
      'no IEND': false,
      'bytes after IEND': true,
      'bit depth 4': false,
      'colour type 3': false,
      interlaced: false,
      'zero width': false,
      'a huge declared size': false,
    });
  });

  it('agrees on every truncation and on a thousand single-byte corruptions of a real PNG', async () => {
    const pixels = Buffer.alloc(28 * 28).map((_, i) => (i * 37) & 0xff);
    const bytes = await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer();
    for (let end = 0; end < bytes.length; end++) agree(bytes.subarray(0, end));
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1000; i++) {
      const corrupt = Buffer.from(bytes);
      corrupt[8 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
      agree(corrupt);
    }
  });
});
