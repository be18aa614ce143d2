import sharp from 'sharp';
import {
  checkInput,
  defaultInputLimits,
  displayedSize,
  openInput,
  sharpRejection,
  type InputLimits,
} from './input.js';
import { decodeNetpbm } from './netpbm.js';
import { borderLevel, meanStd } from './pixel-stats.js';
import { decodeGrayPng, pngSize } from './png-fast.js';
import type { ImageFormat } from './sniff.js';

export interface NormalizeOptions extends InputLimits {
  /** Output width in pixels. Default 28. */
  readonly width: number;
  /** Output height in pixels. Default 28. */
  readonly height: number;
  /** contain (default: keep aspect ratio, pad with the background), cover (crop) or fill (stretch). */
  readonly fit: 'contain' | 'cover' | 'fill';
  /** auto (default): make the background dark (MNIST convention) judged by the border; always; never. */
  readonly invert: 'auto' | 'always' | 'never';
  /** '#rrggbb' that transparent pixels are flattened onto. Default white. */
  readonly background: string;
}

export const defaultNormalizeOptions: NormalizeOptions = {
  width: 28,
  height: 28,
  fit: 'contain',
  invert: 'auto',
  background: '#ffffff',
  ...defaultInputLimits,
};

export interface NormalizedImage {
  /** width*height*channels 8-bit pixels, row-major, channels interleaved, dark background unless invert=never. */
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 1: gray; 3: sRGB. */
  readonly channels: 1 | 3;
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

/**
 * The gray rendition (renderImage's path for 1 channel; the default rendition is its defaults):
 * decode (errors not ignored, formats allow-listed, pixels bounded, EXIF orientation applied, an
 * ICC profile converted by sharp), flatten alpha onto the background, 8-bit grayscale, polarity,
 * resize. Bad input throws ImageRejectedError with a reason.
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
    channels: 1,
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
  const { image, netpbm } = openInput(bytes, format, o);
  try {
    const bound = { width: o.width * PRESHRINK, height: o.height * PRESHRINK };
    const { data, info } = await image
      .resize({ ...bound, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: o.background })
      .toColourspace('b-w')
      .extractChannel(0)
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const maybeShrunk = info.width === bound.width || info.height === bound.height;
    const original = netpbm ?? (maybeShrunk ? await displayedSize(bytes) : info);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      originalWidth: original.width ?? info.width,
      originalHeight: original.height ?? info.height,
    };
  } catch (error) {
    throw sharpRejection(error, bytes, format);
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
