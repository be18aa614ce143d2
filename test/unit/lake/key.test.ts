import { describe, expect, it } from 'vitest';
import { validateKey, validatePrefix } from '../../../lib/lake/key.js';
import { reliability } from '../../reliability/tally.js';

const valid = [
  'a',
  'runs/2026/manifest.json',
  'images/batch-000001.avro',
  'a.b/c..d/...',
  'x'.repeat(1024),
  'é/ü',
];
const invalid: [string, RegExp][] = [
  ['', /empty key/],
  ['/abs/path', /absolute path/],
  ['a//b', /empty segment/],
  ['a/b/', /empty segment/],
  ['../etc/passwd', /"\.\." segment/],
  ['a/../b', /"\.\." segment/],
  ['a/./b', /"\." segment/],
  ['a/%2e%2e/b', /"%2e%2e" segment/],
  ['a/%2E/b', /"%2E" segment/],
  ['a\\b', /backslash/],
  ['a\u0000b', /control character/],
  ['a\nb', /control character/],
  ['x'.repeat(1025), /longer than 1024 bytes/],
  ['é'.repeat(513), /longer than 1024 bytes/],
];

describe('lake key validation', () => {
  it.each(valid)('accepts %j', (key) => expect(validateKey(key)).toBe(key));
  it.each(invalid)('rejects %j', (key, reason) => {
    reliability('bad-input');
    expect(() => validateKey(key)).toThrow(reason);
    expect(() => validateKey(key)).toThrow(/^lake: invalid key/);
  });
  it('accepts prefixes with a trailing slash and the empty prefix', () => {
    expect(validatePrefix('')).toBe('');
    expect(validatePrefix('runs/')).toBe('runs/');
    expect(() => validatePrefix('runs//')).toThrow(/empty segment/);
    expect(() => validatePrefix('../')).toThrow(/segment/);
  });
});
