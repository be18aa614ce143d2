import sharp from 'sharp';
import { ImageRejectedError } from './errors.js';
import { decodeNetpbm } from './netpbm.js';
import { decodeGrayPng, pngIsTruncated, pngSize } from './png-fast.js';
import { sniffFormat, type ImageFormat } from './sniff.js';

export interface NormalizeOptions {
  /** Output width in pixels. Default 28. */
  readonly width: number;
  /** Output height in pixels. Default 28. */
  readonly height: number;
  /** contain (default: keep aspect ratio, pad with the background), cover (crop) or fill (stretch). */
  readonly fit: 'contain' | 'cover' | 'fill';
  /** auto (default): make the background dark (MNIST convention) judged by the border; always; never. */
  readonly invert: 'auto' | 'always' | 'never';
  /** Decoded pixel bound (sharp's limitInputPixels). Default 40,000,000. */
  readonly maxInputPixels: number;
  /** Input size bound in bytes. Default 64 MiB. */
  readonly maxInputBytes: number;
}

export const defaultNormalizeOptions: NormalizeOptions = {
  width: 28,
  height: 28,
  fit: 'contain',
  invert: 'auto',
  maxInputPixels: 40_000_000,
  maxInputBytes: 64 * 1024 * 1024,
};

export interface NormalizedImage {
  /** width*height 8-bit grayscale pixels, row-major, dark background unless invert=never. */
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly original: {
    readonly format: ImageFormat;
    readonly width: number;
    readonly height: number;
    readonly bytes: number;
  };
  /** Of the normalized pixels on a 0..1 scale; lightBackground is the original polarity. */
  readonly stats: { readonly mean: number; readonly std: number; readonly lightBackground: boolean };
  readonly inverted: boolean;
}

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

/**
 * The one normalization shared by ingest, training and scoring (no train/serve skew): decode
 * (errors not ignored, formats allow-listed, pixels bounded), flatten alpha onto white, 8-bit
 * grayscale, polarity, resize. Bad input throws ImageRejectedError with a reason.
 */
export async function normalizeImage(
  bytes: Uint8Array,
  options: Partial<NormalizeOptions> = NO_OPTIONS,
  force?: 'sharp',
): Promise<NormalizedImage> {
  return normalizeImageNow(bytes, options, force);
}

/**
 * normalizeImage without a promise when none is needed: a small gray PNG or PGM of the output size
 * (the common case of an ingest of 28x28 images) is normalized at once; anything that needs a
 * sharp pipeline (another format or size, colour) gives a promise, each input decoded once. Throws
 * ImageRejectedError at once for input refused before decoding.
 */
export function normalizeImageNow(
  bytes: Uint8Array,
  options: Partial<NormalizeOptions> = NO_OPTIONS,
  force?: 'sharp',
): NormalizedImage | Promise<NormalizedImage> {
  const o = withDefaults(options);
  const format = checkInput(bytes, o);
  const gray = force !== 'sharp' ? fastGray(bytes, format, o) : undefined;
  if (gray && gray.width === o.width && gray.height === o.height) {
    const p = polarity(gray, o);
    return result(bytes, format, gray, o, p.pixels, p);
  }
  return normalizeWithSharp(bytes, format, gray, o);
}

/** The rest of normalizeImage where sharp decodes (when the pure-JS path could not) or resizes. */
async function normalizeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  decoded: Gray | undefined,
  o: NormalizeOptions,
): Promise<NormalizedImage> {
  const gray = decoded ?? (await decodeToGray(bytes, format, o));
  const p = polarity(gray, o);
  const pixels =
    gray.width === o.width && gray.height === o.height
      ? p.pixels
      : await resizeGray(p.pixels, gray.width, gray.height, o, p.background);
  return result(bytes, format, gray, o, pixels, p);
}

// An ingest passes one options object for thousands of images: complete it once. The default is
// one object too, so calls without options share one entry.
const NO_OPTIONS: Partial<NormalizeOptions> = Object.freeze({});
const completed = new WeakMap<Partial<NormalizeOptions>, NormalizeOptions>();

function withDefaults(options: Partial<NormalizeOptions>): NormalizeOptions {
  let o = completed.get(options);
  if (!o) {
    o = { ...defaultNormalizeOptions, ...options };
    completed.set(options, o);
  }
  return o;
}

/** The checks before any decoding; the format by magic bytes. */
function checkInput(bytes: Uint8Array, o: NormalizeOptions): ImageFormat {
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

interface Gray {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
}

/** The background level, the original polarity and the pixels made dark-background as asked. */
function polarity(gray: Gray, o: NormalizeOptions) {
  const border = borderLevel(gray.data, gray.width, gray.height);
  const lightBackground = border > 127;
  const inverted = o.invert === 'always' || (o.invert === 'auto' && lightBackground);
  return {
    pixels: inverted ? gray.data.map((v) => 255 - v) : gray.data,
    lightBackground,
    inverted,
    background: inverted ? 255 - border : border,
  };
}

function result(
  bytes: Uint8Array,
  format: ImageFormat,
  gray: Gray,
  o: NormalizeOptions,
  pixels: Uint8Array,
  p: { lightBackground: boolean; inverted: boolean },
): NormalizedImage {
  const { mean, std } = meanStd(pixels);
  return {
    pixels,
    width: o.width,
    height: o.height,
    original: { format, width: gray.originalWidth, height: gray.originalHeight, bytes: bytes.length },
    stats: { mean, std, lightBackground: p.lightBackground },
    inverted: p.inverted,
  };
}

/**
 * The pure-JS paths, for gray images small enough that the sharp path would not pre-shrink them:
 * PNG (decoded here), and gray netpbm (IDX records come as PGM), which that pipeline would pass
 * through unchanged. Undefined: the sharp path decides.
 */
function fastGray(bytes: Uint8Array, format: ImageFormat, o: NormalizeOptions): Gray | undefined {
  if (format === 'pgm') {
    const { data, width, height } = decodeNetpbm(bytes, o.maxInputPixels);
    if (!small(width, height, o)) return undefined;
    return { data, width, height, originalWidth: width, originalHeight: height };
  }
  if (format !== 'png') return undefined;
  const size = pngSize(bytes);
  if (!size || !small(size.width, size.height, o)) return undefined;
  const gray = decodeGrayPng(bytes);
  if (!gray) return undefined;
  const { data, width, height } = gray;
  return { data, width, height, originalWidth: width, originalHeight: height };
}

function small(width: number, height: number, o: NormalizeOptions): boolean {
  return width <= o.width * PRESHRINK && height <= o.height * PRESHRINK;
}

/** Decoded images larger than this many times the output are shrunk while decoding. */
const PRESHRINK = 4;

/**
 * Decodes to 8-bit gray. A large image is shrunk in the same pipeline to at most PRESHRINK times
 * the output size (JPEG and WebP then decode at reduced scale: shrink-on-load), so a 1024x768
 * photo costs a fraction of a full decode; the final resize works from that intermediate.
 */
async function decodeToGray(bytes: Uint8Array, format: ImageFormat, o: NormalizeOptions) {
  const input = format === 'pgm' || format === 'ppm' ? decodeNetpbm(bytes, o.maxInputPixels) : undefined;
  try {
    const image = input
      ? sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } })
      : sharp(bytes, { limitInputPixels: o.maxInputPixels, failOn: 'warning', pages: 1 });
    const bound = { width: o.width * PRESHRINK, height: o.height * PRESHRINK };
    const { data, info } = await image
      .resize({ ...bound, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('b-w')
      .extractChannel(0)
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const maybeShrunk = info.width === bound.width || info.height === bound.height;
    const original = input ?? (maybeShrunk ? await sharp(bytes).metadata() : info);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      originalWidth: original.width ?? info.width,
      originalHeight: original.height ?? info.height,
    };
  } catch (error) {
    throw sharpRejection(error, truncated(bytes, format));
  }
}

async function resizeGray(
  pixels: Uint8Array,
  width: number,
  height: number,
  o: NormalizeOptions,
  background: number,
): Promise<Uint8Array> {
  const { data } = await sharp(pixels, { raw: { width, height, channels: 1 } })
    .resize(o.width, o.height, { fit: o.fit, background: { r: background, g: background, b: background } })
    .extractChannel(0)
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
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

function sharpRejection(error: unknown, isTruncated: boolean | undefined): ImageRejectedError {
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

/** Median of the outermost ring of pixels: the background level, robust to strokes touching the edge. */
export function borderLevel(p: Uint8Array, w: number, h: number): number {
  // One histogram for every call (this runs per ingested image), cleared before use.
  const histogram = borderHistogram.fill(0);
  for (let x = 0; x < w; x++) {
    histogram[p[x]!]!++;
    if (h > 1) histogram[p[(h - 1) * w + x]!]!++;
  }
  for (let y = 1; y < h - 1; y++) {
    histogram[p[y * w]!]!++;
    if (w > 1) histogram[p[y * w + w - 1]!]!++;
  }
  const n = (h > 1 ? 2 * w : w) + (w > 1 ? 2 : 1) * Math.max(0, h - 2);
  for (let v = 0, seen = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen * 2 >= n) return v;
  }
  return 0;
}

const borderHistogram = new Uint32Array(256);

function meanStd(p: Uint8Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    sum += v;
    sq += v * v;
  }
  const mean = sum / p.length / 255;
  return { mean, std: Math.sqrt(Math.max(0, sq / p.length / 65025 - mean * mean)) };
}
