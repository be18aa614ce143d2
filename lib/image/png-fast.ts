import { crc32, inflateSync } from 'node:zlib';
import { nativeCodec } from '../native/codec.js';

// Bytes per pixel of the 8-bit colour types we decode: gray, RGB, gray+alpha, RGBA.
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a well-formed, non-interlaced 8-bit PNG whose pixels are gray and opaque (gray, or RGB(A)
 * with R=G=B and alpha 255) to raw gray pixels: far cheaper than a sharp pipeline for a 28x28
 * image, and identical to it (libvips maps v,v,v to v). A PNG with an orientation (eXIf) or a
 * color profile (iCCP) is left to sharp, which applies them. Returns undefined for anything else,
 * including any malformation, so the sharp path gives the authoritative answer. The native codec
 * does it when built (same rules, several times cheaper); else the pure-JS decoder below.
 */
export function decodeGrayPng(
  b: Uint8Array,
): { data: Uint8Array; width: number; height: number } | undefined {
  const codec = nativeCodec();
  if (!codec) return decodeGrayPngJs(b);
  const data = codec.decodeGrayPng(b);
  // The native decoder takes IHDR only as the first chunk, where pngSize reads it.
  return data && { data, ...pngSize(b)! };
}

/** decodeGrayPng in pure JS; lib/native/codec.c mirrors it rule for rule. */
export function decodeGrayPngJs(
  b: Uint8Array,
): { data: Uint8Array; width: number; height: number } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 12 <= b.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(b[pos + 4]!, b[pos + 5]!, b[pos + 6]!, b[pos + 7]!);
    if (pos + 12 + length > b.length) return undefined;
    const body = b.subarray(pos + 8, pos + 8 + length);
    if (crc32(b.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) return undefined;
    if ((type === 'IHDR') !== (pos === 8)) return undefined; // IHDR comes first, once
    if (type === 'IHDR') {
      // bit depth 8, a colour type we decode, compression 0, filter 0, no interlace
      channels = CHANNELS[body[9]!] ?? 0;
      if (
        length !== 13 ||
        body[8] !== 8 ||
        channels === 0 ||
        body[10] !== 0 ||
        body[11] !== 0 ||
        body[12] !== 0
      ) {
        return undefined;
      }
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'tRNS' || type === 'eXIf' || type === 'iCCP') return undefined;
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos += 12 + length;
  }
  // Over 2^24 pixels is not a small image: sharp decides.
  if (!ended || width === 0 || height === 0 || idat.length === 0 || width * height > 2 ** 24)
    return undefined;
  const expected = (width * channels + 1) * height;
  const raw = inflateExact(idat.length === 1 ? idat[0]! : Buffer.concat(idat), expected);
  if (raw?.length !== expected) return undefined;
  const pixels = unfilter(raw, width * channels, height, channels);
  const data = !pixels ? undefined : channels === 1 ? pixels : grayOf(pixels, channels);
  return data && { data, width, height };
}

/** The inflated stream, or undefined when it is malformed or inflates past `expected` bytes. */
function inflateExact(stream: Uint8Array, expected: number): Buffer | undefined {
  try {
    // Output sized to the image (zlib's default is a 16 KiB buffer per call, mostly garbage) and
    // bounded, so a stream that inflates past its declared size stops there.
    return inflateSync(stream, { chunkSize: Math.max(64, expected), maxOutputLength: expected + 1 });
  } catch {
    return undefined;
  }
}

/** The gray channel of gray+alpha, RGB or RGBA pixels, or undefined unless every pixel is gray and opaque. */
function grayOf(p: Uint8Array, channels: number): Uint8Array | undefined {
  const out = new Uint8Array(p.length / channels);
  const hasAlpha = channels === 2 || channels === 4;
  for (let i = 0, j = 0; i < out.length; i++, j += channels) {
    const v = p[j]!;
    if (channels >= 3 && (p[j + 1] !== v || p[j + 2] !== v)) return undefined;
    if (hasAlpha && p[j + channels - 1] !== 255) return undefined;
    out[i] = v;
  }
  return out;
}

/**
 * Undoes PNG scanline filters; `width` is in bytes, `bpp` is bytes per pixel. One loop per filter
 * type and row (not a switch per byte): this runs for every ingested image.
 */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)]!;
    if (filter > 4) return undefined; // not a PNG filter type: let the sharp path reject it
    const src = y * (width + 1) + 1;
    const row = y * width;
    const up = row - width;
    const first = y > 0;
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + width), row);
        break;
      case 1:
        for (let x = 0; x < width; x++) out[row + x] = raw[src + x]! + (x >= bpp ? out[row + x - bpp]! : 0);
        break;
      case 2:
        if (!first) out.set(raw.subarray(src, src + width), row);
        else for (let x = 0; x < width; x++) out[row + x] = raw[src + x]! + out[up + x]!;
        break;
      case 3:
        for (let x = 0; x < width; x++) {
          const a = x >= bpp ? out[row + x - bpp]! : 0;
          const b = first ? out[up + x]! : 0;
          out[row + x] = raw[src + x]! + ((a + b) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < width; x++) {
          const a = x >= bpp ? out[row + x - bpp]! : 0;
          const b = first ? out[up + x]! : 0;
          const c = x >= bpp && first ? out[up + x - bpp]! : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          out[row + x] = raw[src + x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
    }
  }
  return out;
}

/** Width and height from a PNG's IHDR, without decoding (to refuse pixel bombs early). */
export function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** True when a PNG's chunk sequence runs off the end of the data before IEND. */
export function pngIsTruncated(b: Uint8Array): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 8;
  while (pos + 8 <= b.length) {
    const length = view.getUint32(pos);
    if (b[pos + 4] === 0x49 && b[pos + 5] === 0x45 && b[pos + 6] === 0x4e && b[pos + 7] === 0x44)
      return false; // IEND
    pos += 12 + length;
  }
  return true;
}
