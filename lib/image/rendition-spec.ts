import { UserError } from '../errors.js';

/** How an image is fitted to a rendition's size. */
export type RenditionFit = 'contain' | 'cover' | 'fill';

/** When a rendition's pixels are inverted: auto makes the background dark (the MNIST convention). */
export type RenditionPolarity = 'auto' | 'never' | 'always';

/**
 * A named normalized form of the lake's images: what a model reads. Every image's rendition is
 * derived from its original by renderImage, at ingest and at scoring alike.
 */
export interface RenditionSpec {
  /** Lowercase letters, digits, '-' and '_', starting with a letter; at most 32 characters. */
  readonly name: string;
  /** Output width in pixels, 1..MAX_RENDITION_SIDE. */
  readonly width: number;
  /** Output height in pixels, 1..MAX_RENDITION_SIDE. */
  readonly height: number;
  /** 1: 8-bit gray; 3: 8-bit sRGB, interleaved (gray inputs replicated into the three). */
  readonly channels: 1 | 3;
  /** contain: keep the aspect ratio, pad with the image's own background level; cover: crop; fill: stretch. */
  readonly fit: RenditionFit;
  /** auto: invert when the border (the background) is light; never; always. */
  readonly polarity: RenditionPolarity;
  /** '#rrggbb': the color transparent pixels are flattened onto. */
  readonly background: string;
}

/** The largest side a rendition may have: beyond it a rendition is no longer a model input. */
export const MAX_RENDITION_SIDE = 4096;

/** The lake's first and default rendition: what ingest has always made (28x28 gray, MNIST polarity). */
export const DEFAULT_RENDITION: RenditionSpec = Object.freeze({
  name: 'default',
  width: 28,
  height: 28,
  channels: 1,
  fit: 'contain',
  polarity: 'auto',
  background: '#ffffff',
});

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const COLOR = /^#[0-9a-f]{6}$/;
const FITS: readonly string[] = ['contain', 'cover', 'fill'];
const POLARITIES: readonly string[] = ['auto', 'never', 'always'];
const FIELDS: readonly string[] = ['name', 'width', 'height', 'channels', 'fit', 'polarity', 'background'];

/**
 * A rendition spec from untrusted input (a CLI's options, a stored JSON), every field checked; a
 * spec that makes no sense is refused with one line naming the field and the value.
 */
export function parseRenditionSpec(input: unknown): RenditionSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw specError(`expected an object, got ${JSON.stringify(input)}`);
  const o = input as Record<string, unknown>;
  const unknownField = Object.keys(o).find((k) => !FIELDS.includes(k));
  if (unknownField !== undefined) throw specError(`unknown field "${unknownField}"`);
  const name = field(
    o,
    'name',
    (v) => typeof v === 'string' && NAME.test(v),
    'a name of a-z, 0-9, - and _ starting with a letter, at most 32 characters',
  );
  const side = (v: unknown) =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_RENDITION_SIDE;
  const width = field(o, 'width', side, `an integer from 1 to ${MAX_RENDITION_SIDE} pixels`);
  const height = field(o, 'height', side, `an integer from 1 to ${MAX_RENDITION_SIDE} pixels`);
  const channels = field(o, 'channels', (v) => v === 1 || v === 3, '1 (gray) or 3 (RGB)');
  const fit = field(o, 'fit', (v) => FITS.includes(v as string), FITS.join(', '));
  const polarity = field(o, 'polarity', (v) => POLARITIES.includes(v as string), POLARITIES.join(', '));
  const background = field(
    o,
    'background',
    (v) => typeof v === 'string' && COLOR.test(v),
    'a color #rrggbb in lowercase hex',
  );
  return Object.freeze({
    name: name as string,
    width: width as number,
    height: height as number,
    channels: channels as 1 | 3,
    fit: fit as RenditionFit,
    polarity: polarity as RenditionPolarity,
    background: background as string,
  });
}

/** The spec in one line, for messages and model cards: `default 28x28x1 contain auto #ffffff`. */
export function describeRendition(s: RenditionSpec): string {
  return `${s.name} ${s.width}x${s.height}x${s.channels} ${s.fit} ${s.polarity} ${s.background}`;
}

/** True when two specs make the same pixels (the name aside). */
export function sameRenditionPixels(a: RenditionSpec, b: RenditionSpec): boolean {
  return FIELDS.every((k) => k === 'name' || a[k as keyof RenditionSpec] === b[k as keyof RenditionSpec]);
}

function field(
  o: Record<string, unknown>,
  key: string,
  ok: (v: unknown) => boolean,
  expected: string,
): unknown {
  const v = o[key];
  if (v === undefined) throw specError(`missing ${key}`);
  if (!ok(v)) throw specError(`${key} must be ${expected}, got ${JSON.stringify(v)}`);
  return v;
}

function specError(message: string): UserError {
  return new UserError(`rendition: ${message}`);
}
