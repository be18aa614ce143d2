import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalLake } from '../../../lib/lake/local-lake.js';
import { escapeName, needsRawName, unescapeName } from '../../../lib/lake/raw-names.js';
import { reliability } from '../../reliability/tally.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('raw file names as keys', () => {
  it.each([
    ['a plain name', bytes('cat_01.png'), 'cat_01.png'],
    ['UTF-8 beyond ASCII', bytes('Kätzchen-猫-😀.png'), 'Kätzchen-猫-😀.png'],
    ['a Latin-1 byte', bytes('caf', [0xe9], '.png'), 'caf\\xe9.png'],
    ['a backslash', bytes('a\\b.png'), 'a\\\\b.png'],
    ['a newline and a tab', bytes('a\nb\tc.png'), 'a\\x0ab\\x09c.png'],
    ['DEL', bytes('a', [0x7f]), 'a\\x7f'],
    ['an overlong slash', bytes([0xc0, 0xaf]), '\\xc0\\xaf'],
    ['a UTF-16 surrogate', bytes([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80'],
    ['a cut sequence', bytes('x', [0xe2, 0x82]), 'x\\xe2\\x82'],
    ['a byte past U+10FFFF', bytes([0xf5, 0x80, 0x80, 0x80]), '\\xf5\\x80\\x80\\x80'],
    ['text that looks like an escape', bytes('\\x41'), '\\\\x41'],
    ['a real U+FFFD', bytes('\ufffd.png'), '\ufffd.png'],
  ])('%s', (_name, raw, key) => {
    expect(escapeName(raw)).toBe(key);
    expect(unescapeName(key).equals(raw)).toBe(true);
  });

  it('tells which UTF-8 names may have lost bytes or need escaping', () => {
    expect(['plain.png', 'Kätzchen.png'].map(needsRawName)).toEqual([false, false]);
    expect(['\ufffd.png', 'a\\b', 'a\nb'].map(needsRawName)).toEqual([true, true, true]);
  });

  it('a rawNames local lake lists and reads every file by its exact name, and only those', async () => {
    reliability('bad-input', 3);
    const dir = mkdtempSync(join(tmpdir(), 'imagelake-raw-names-'));
    const file = (...parts: (string | number[])[]) =>
      Buffer.concat([Buffer.from(`${dir}/`), bytes(...parts)]);
    mkdirSync(file([0xff], '-dir'));
    writeFileSync(file([0xff], '-dir/', [0xe9], '.png'), 'in a folder of a Latin-1 name');
    writeFileSync(file([0xe8], '.png'), 'e8');
    writeFileSync(file([0xe9], '.png'), 'e9');
    writeFileSync(file('tab\there.png'), 'tab');
    writeFileSync(file('plain.png'), 'plain');
    const lake = new LocalLake(dir, dir, { rawNames: true });
    const keys: string[] = [];
    for await (const key of lake.listKeys('')) keys.push(key);
    expect(keys).toEqual(['\\xe8.png', '\\xe9.png', '\\xff-dir/\\xe9.png', 'plain.png', 'tab\\x09here.png']);
    expect((await Promise.all(keys.map((k) => lake.get(k)))).map(String)).toEqual([
      'e8',
      'e9',
      'in a folder of a Latin-1 name',
      'plain',
      'tab',
    ]);
    expect((await lake.head('\\xe9.png'))?.size).toBe(2);
    // Only names as the listing writes them: no escaped dots, no other escapes.
    expect(() => lake.filePath('\\x2e\\x2e/etc/passwd')).toThrow(/not as a listing writes it/);
    expect(() => lake.filePath('..\\x41/x')).toThrow(/not as a listing writes it|".." segment/);
    expect(() => lake.filePath('a\\q')).toThrow(/a backslash at 1 escapes nothing/);
    // A lake (no rawNames) keeps refusing such keys, as S3 does.
    await expect(new LocalLake(dir).get('\\xe9.png')).rejects.toThrow(/invalid key .*: backslash/);
  });
});
