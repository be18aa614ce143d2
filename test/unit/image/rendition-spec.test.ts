import { describe, expect, it } from 'vitest';
import { UserError } from '../../../lib/errors.js';
import {
  DEFAULT_RENDITION,
  describeRendition,
  parseRenditionSpec,
  sameRenditionPixels,
} from '../../../lib/image/rendition-spec.js';
import { reliability } from '../../reliability/tally.js';

const valid = { ...DEFAULT_RENDITION, name: 'rgb64', width: 64, height: 48, channels: 3, polarity: 'never' };

describe('rendition specs', () => {
  it('accepts a sensible spec, frozen, and describes it in one line', () => {
    const spec = parseRenditionSpec(valid);
    expect(spec).toEqual(valid);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(describeRendition(spec)).toBe('rgb64 64x48x3 contain never #ffffff');
    expect(parseRenditionSpec({ ...DEFAULT_RENDITION })).toEqual(DEFAULT_RENDITION);
    expect(sameRenditionPixels(spec, { ...spec, name: 'other' })).toBe(true);
    expect(sameRenditionPixels(spec, { ...spec, fit: 'cover' })).toBe(false);
  });

  const refused: [string, unknown, RegExp][] = [
    [
      '0 pixels a side',
      { ...valid, width: 0 },
      /^rendition: width must be an integer from 1 to 4096 pixels, got 0$/,
    ],
    ['100,000 pixels a side', { ...valid, height: 100_000 }, /^rendition: height must be .*, got 100000$/],
    ['a fractional side', { ...valid, width: 28.5 }, /width must be .*, got 28.5$/],
    ['a side given as text', { ...valid, width: '64' }, /width must be .*, got "64"$/],
    ['2 channels', { ...valid, channels: 2 }, /^rendition: channels must be 1 \(gray\) or 3 \(RGB\), got 2$/],
    ['4 channels', { ...valid, channels: 4 }, /channels must be 1 \(gray\) or 3 \(RGB\), got 4$/],
    ['an unknown fit', { ...valid, fit: 'stretch' }, /fit must be contain, cover, fill, got "stretch"$/],
    [
      'an unknown polarity',
      { ...valid, polarity: 'maybe' },
      /polarity must be auto, never, always, got "maybe"$/,
    ],
    ['a background by name', { ...valid, background: 'white' }, /background must be a color #rrggbb/],
    [
      'a name with spaces',
      { ...valid, name: 'my rendition' },
      /^rendition: name must be .*, got "my rendition"$/,
    ],
    ['a name of a path', { ...valid, name: '../x' }, /name must be/],
    ['an unknown field', { ...valid, depth: 16 }, /^rendition: unknown field "depth"$/],
    ['a missing field', { name: 'x', width: 8, height: 8 }, /^rendition: missing channels$/],
    ['not an object', [28, 28], /^rendition: expected an object, got \[28,28\]$/],
    ['null', null, /^rendition: expected an object, got null$/],
  ];
  it.each(refused)('refuses %s with one clear line', (_, input, message) => {
    reliability('bad-input');
    let error: unknown;
    try {
      parseRenditionSpec(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
