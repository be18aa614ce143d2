import sharp, { type Sharp } from 'sharp';
import { checkInput, displayedSize, openInput, sharpRejection, type InputLimits } from './input.js';
import type { NormalizedImage } from './normalize.js';
import { borderLevel, meanStd } from './pixel-stats.js';
import type { RenditionSpec } from './rendition-spec.js';
import type { ImageFormat } from './sniff.js';

/** Decoded images larger than this many times the output are shrunk while decoding (as for gray). */
const PRESHRINK = 4;

/**
 * A 3-channel (sRGB) rendition. sharp applies the EXIF orientation, converts an embedded ICC
 * profile (and CMYK) to sRGB, reduces 16-bit to 8-bit and replicates gray into three channels;
 * alpha is flattened on the spec's background. Throws ImageRejectedError at once for input
 * refused before decoding, else gives a promise.
 */
export function renderColorNow(
  bytes: Uint8Array,
  spec: RenditionSpec,
  limits: InputLimits,
): Promise<NormalizedImage> {
  const format = checkInput(bytes, limits);
  return renderColor(bytes, format, spec, limits);
}

async function renderColor(
  bytes: Uint8Array,
  format: ImageFormat,
  spec: RenditionSpec,
  limits: InputLimits,
): Promise<NormalizedImage> {
  const { image, netpbm } = openInput(bytes, format, limits);
  try {
    const made = needsBorder(spec) ? await twoStep(image, spec) : await oneStep(image, spec);
    const original = netpbm ?? (made.maybeShrunk ? await displayedSize(bytes) : made.decoded);
    const { mean, std } = meanStd(made.pixels);
    return {
      pixels: made.pixels,
      width: spec.width,
      height: spec.height,
      channels: 3,
      original: {
        format,
        width: original.width ?? made.decoded.width,
        height: original.height ?? made.decoded.height,
        bytes: bytes.length,
      },
      stats: { mean, std, lightBackground: made.lightBackground },
      inverted: made.inverted,
    };
  } catch (error) {
    throw sharpRejection(error, bytes, format);
  }
}

interface Made {
  readonly pixels: Uint8Array;
  readonly inverted: boolean;
  readonly lightBackground: boolean;
  /** The size sharp decoded to before the final resize (the original's when not shrunk). */
  readonly decoded: { readonly width: number; readonly height: number };
  /** True when the decoded size may be smaller than the original's. */
  readonly maybeShrunk: boolean;
}

/** The border decides polarity and pads a contained image: it is read before the final resize. */
function needsBorder(spec: RenditionSpec): boolean {
  return spec.polarity !== 'never' || spec.fit === 'contain';
}

/** One pipeline straight to the output size: no border needed, so no intermediate. */
async function oneStep(image: Sharp, spec: RenditionSpec): Promise<Made> {
  const { data, info } = await srgb(image.resize(spec.width, spec.height, { fit: spec.fit }), spec);
  const pixels = bytesOf(data);
  return {
    pixels,
    inverted: false,
    lightBackground: isLight(borderColor(pixels, spec.width, spec.height)),
    decoded: info,
    maybeShrunk: true,
  };
}

/**
 * As the gray path: decode (shrunk to at most PRESHRINK times the output), judge the background
 * by the border, invert when the polarity asks, then resize, padding with the background level.
 */
async function twoStep(image: Sharp, spec: RenditionSpec): Promise<Made> {
  const bound = { width: spec.width * PRESHRINK, height: spec.height * PRESHRINK };
  const { data, info } = await srgb(
    image.resize({ ...bound, fit: 'inside', withoutEnlargement: true }),
    spec,
  );
  const decoded = bytesOf(data);
  const border = borderColor(decoded, info.width, info.height);
  const lightBackground = isLight(border);
  const inverted = spec.polarity === 'always' || (spec.polarity === 'auto' && lightBackground);
  const pixels = inverted ? decoded.map((v) => 255 - v) : decoded;
  const [r, g, b] = inverted ? border.map((v) => 255 - v) : border;
  const sameSize = info.width === spec.width && info.height === spec.height;
  const out = sameSize
    ? pixels
    : bytesOf(
        await sharp(pixels, { raw: { width: info.width, height: info.height, channels: 3 } })
          .resize(spec.width, spec.height, { fit: spec.fit, background: { r: r!, g: g!, b: b! } })
          .removeAlpha()
          .raw({ depth: 'uchar' })
          .toBuffer(),
      );
  return {
    pixels: out,
    inverted,
    lightBackground,
    decoded: info,
    maybeShrunk: info.width === bound.width || info.height === bound.height,
  };
}

/** The pipeline's end: alpha flattened, sRGB, 8 bits, three channels. */
async function srgb(image: Sharp, spec: RenditionSpec) {
  const out = await image
    .flatten({ background: spec.background })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (out.info.channels !== 3)
    throw new Error(`image: expected 3 channels after conversion to sRGB, got ${out.info.channels}`);
  return out;
}

function bytesOf(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The background color: the median of the border, channel by channel. */
function borderColor(p: Uint8Array, w: number, h: number): number[] {
  return [0, 1, 2].map((c) => borderLevel(p, w, h, 3, c));
}

/** Light by its Rec. 601 luma, on the gray scale's threshold (a gray v,v,v is judged as v). */
function isLight([r, g, b]: number[]): boolean {
  return Math.round(0.299 * r! + 0.587 * g! + 0.114 * b!) > 127;
}
