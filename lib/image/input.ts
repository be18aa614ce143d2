import sharp from 'sharp';
import { ImageRejectedError } from './errors.js';
import { decodeNetpbm } from './netpbm.js';
import { pngIsTruncated, pngSize } from './png-fast.js';
import { sniffFormat, type ImageFormat } from './sniff.js';

/** Bounds on what is decoded at all: ingest policy, not part of a rendition. */
export interface InputLimits {
  /** Decoded pixel bound (sharp's limitInputPixels). Default 40,000,000. */
  readonly maxInputPixels: number;
  /** Input size bound in bytes. Default 64 MiB. */
  readonly maxInputBytes: number;
}

export const defaultInputLimits: InputLimits = Object.freeze({
  maxInputPixels: 40_000_000,
  maxInputBytes: 64 * 1024 * 1024,
});

const ALLOWED: ReadonlySet<string> = new Set<ImageFormat>([
  'png',
  'jpeg',
  'webp',
  'gif',
  'tiff',
  'avif',
  'pgm',
  'ppm',
]);

/** The checks before any decoding; the format by magic bytes. */
export function checkInput(bytes: Uint8Array, o: InputLimits): ImageFormat {
  if (bytes.length === 0) throw new ImageRejectedError('empty', 'zero-byte input');
  if (bytes.length > o.maxInputBytes)
    throw new ImageRejectedError(
      'too-large',
      `${bytes.length} bytes exceeds the ${o.maxInputBytes}-byte bound`,
    );
  const sniffed = sniffFormat(bytes);
  if (sniffed === undefined) throw new ImageRejectedError('not-an-image', 'not a recognized image format');
  if (!ALLOWED.has(sniffed))
    throw new ImageRejectedError('format-not-allowed', `format not allowed: ${sniffed}`);
  const format = sniffed as ImageFormat;
  if (format === 'png') {
    const size = pngSize(bytes);
    if (size && size.width * size.height > o.maxInputPixels) {
      throw new ImageRejectedError(
        'too-many-pixels',
        `${size.width}x${size.height} exceeds the ${o.maxInputPixels}-pixel bound`,
      );
    }
  }
  return format;
}

/**
 * A sharp pipeline over an allowed input: netpbm decoded here (libvips' netpbm loader is not
 * relied on), anything else by libvips with errors kept on, the first frame only, the pixel bound
 * applied and the EXIF orientation applied (a no-op without one).
 */
export function openInput(bytes: Uint8Array, format: ImageFormat, o: InputLimits) {
  const netpbm = format === 'pgm' || format === 'ppm' ? decodeNetpbm(bytes, o.maxInputPixels) : undefined;
  const image = netpbm
    ? sharp(netpbm.data, { raw: { width: netpbm.width, height: netpbm.height, channels: netpbm.channels } })
    : sharp(bytes, { limitInputPixels: o.maxInputPixels, failOn: 'warning', pages: 1, autoOrient: true });
  return { image, netpbm };
}

/** The input's width and height as displayed (after its EXIF orientation). */
export async function displayedSize(bytes: Uint8Array): Promise<{ width?: number; height?: number }> {
  const m = await sharp(bytes).metadata();
  return m.autoOrient ?? m;
}

/**
 * libvips often reports a cut-off file as a corrupt one and a corrupt one as a read error; for PNG
 * and JPEG the file's structure tells which it is (undefined: the message has to tell).
 */
function truncated(b: Uint8Array, format: ImageFormat): boolean | undefined {
  if (format === 'png') return pngIsTruncated(b);
  if (format === 'jpeg') return !(b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9);
  return undefined;
}

/** A sharp failure on an input as the rejection ingest quarantines it with. */
export function sharpRejection(error: unknown, bytes: Uint8Array, format: ImageFormat): ImageRejectedError {
  if (error instanceof ImageRejectedError) return error;
  const isTruncated = truncated(bytes, format);
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (isTruncated) return new ImageRejectedError('truncated', message);
  if (/pixel limit/i.test(message)) return new ImageRejectedError('too-many-pixels', message);
  if (
    isTruncated === undefined &&
    /premature end|truncat|end of (file|stream|data)|read error|short read|unexpected end/i.test(message)
  )
    return new ImageRejectedError('truncated', message);
  if (/unsupported image format/i.test(message)) return new ImageRejectedError('not-an-image', message);
  return new ImageRejectedError('corrupt', message);
}
